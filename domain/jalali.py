"""Jalali (Solar Hijri) calendar helpers on top of persiantools."""

import re
from dataclasses import dataclass

from persiantools.jdatetime import JalaliDate

from domain.normalize import normalize

# YYYY/MM/DD, also with - or . between, after normalising (Persian and Arabic-Indic digits read as ASCII).
_JALALI = re.compile(r"([0-9]{4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,2})")
GREGORIAN_YEARS = range(1900, 2031)  # a year here was written in the Gregorian calendar, not the Jalali


@dataclass(frozen=True, slots=True)
class NotADay:
    """Why a typed date is not a Jalali day: `format`, `gregorian` or `no_such_day`."""

    problem: str


def completed_years(born: JalaliDate, today: JalaliDate) -> int:
    """Age in completed Jalali years on `today`."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - (1 if before_birthday else 0)


def read_day(raw: str) -> JalaliDate | NotADay:
    """A Jalali day typed as year/month/day (also with - or ., in any digits, spaces ignored)."""
    match = _JALALI.fullmatch(re.sub(r"\s", "", normalize(raw)))
    if match is None:
        return NotADay("format")
    year, month, day = (int(part) for part in match.groups())
    if year in GREGORIAN_YEARS:
        return NotADay("gregorian")
    try:
        return JalaliDate(year, month, day)
    except ValueError:
        return NotADay("no_such_day")
