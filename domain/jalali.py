"""Jalali (Solar Hijri) calendar helpers on top of persiantools."""

from persiantools.jdatetime import JalaliDate


def completed_years(born: JalaliDate, today: JalaliDate) -> int:
    """Age in completed Jalali years on `today`."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - (1 if before_birthday else 0)

