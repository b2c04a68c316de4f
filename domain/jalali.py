"""Jalali (Solar Hijri) calendar helpers on top of persiantools."""

import re

from persiantools.jdatetime import JalaliDate

from domain.normalize import normalize

# YYYY/MM/DD, also with - or . between, after normalising (Persian and Arabic-Indic digits read as ASCII).
_JALALI = re.compile(r"([0-9]{4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,2})")


def completed_years(born: JalaliDate, today: JalaliDate) -> int:
    """Age in completed Jalali years on `today`."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - (1 if before_birthday else 0)



def parse_jalali(raw: str) -> tuple[int, int, int] | None:
    """(year, month, day) as typed, «۱۴۰۵/۰۲/۱۰», «1405-2-10»; None when it is not shaped like a date (whether
    the day exists is the caller's question: JalaliDate raises ValueError)."""
    match = _JALALI.fullmatch(re.sub(r"\s", "", normalize(raw)))
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    return year, month, day
