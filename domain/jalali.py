"""Jalali (Solar Hijri) calendar helpers on top of persiantools."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from persiantools.jdatetime import JalaliDate

TEHRAN = ZoneInfo("Asia/Tehran")


def today_in(tz: ZoneInfo = TEHRAN, now: datetime | None = None) -> JalaliDate:
    """Today's Jalali date in `tz` (the programme's day changes at Tehran midnight, not UTC's)."""
    moment = now if now is not None else datetime.now(UTC)
    return JalaliDate.to_jalali(moment.astimezone(tz).date())


def completed_years(born: JalaliDate, today: JalaliDate) -> int:
    """Age in completed Jalali years on `today`."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - (1 if before_birthday else 0)


def to_jalali(day: date) -> JalaliDate:
    return JalaliDate.to_jalali(day)
