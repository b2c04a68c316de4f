"""Permit numbers and validity. The official format is not public, so the format is configuration."""

from persiantools.jdatetime import JalaliDate


def luhn_check_digit(digits: str) -> int:
    """The Luhn digit that makes `digits + check` valid: catches any single typo and most swaps."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return (10 - total % 10) % 10


def permit_number(template: str, province_code: str, jalali_year: int, seq: int) -> str:
    """e.g. '15-1405-00042-3' for the 42nd permit of 1405 in IR-15 under the default template."""
    province = province_code.removeprefix("IR-")
    check = luhn_check_digit(f"{province}{jalali_year}{seq}")
    return template.format(province=province, year=jalali_year, seq=seq, check=check)


def validity_end(issued: JalaliDate, years: int) -> JalaliDate:
    """The same Jalali day `years` later; 30 Esfand falls back to 29 in a common year."""
    year = issued.year + years
    day = issued.day
    if issued.month == 12 and day == 30 and not JalaliDate.is_leap(year):
        day = 29
    return JalaliDate(year, issued.month, day)
