"""Numbers, money and dates as a reader of each language expects them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from persiantools import digits as persian_digits
from persiantools.jdatetime import MONTH_NAMES_EN, MONTH_NAMES_FA, JalaliDate

TEHRAN = ZoneInfo("Asia/Tehran")
PERSIAN_THOUSANDS = "\u066c"  # ٬ ARABIC THOUSANDS SEPARATOR
LRM = "\u200e"  # LEFT-TO-RIGHT MARK


def localize_digits(value: object, lang: str) -> str:
    text = str(value)
    return persian_digits.en_to_fa(text) if lang == "fa" else text


def format_code(value: object, lang: str) -> str:
    """A number in parts (a permit number, a postal code) in the reader's digits, read left to right in both
    languages. Persian digits are Arabic numbers to the bidi algorithm: in a right-to-left line, groups joined
    by a hyphen would be laid out last group first, unless each hyphen is held between LRM marks."""
    text = localize_digits(value, lang)
    return text.replace("-", f"{LRM}-{LRM}") if lang == "fa" else text


def format_postal_code(value: object, lang: str) -> str:
    """6813714653 -> ۶۸۱۳۷-۱۴۶۵۳ (fa) or 68137-14653 (en): the way it is written on an envelope."""
    code = str(value)
    return format_code(f"{code[:5]}-{code[5:]}" if len(code) == 10 and code.isdigit() else code, lang)


def format_number(value: int | float | str, lang: str) -> str:
    """12345 -> ۱۲٬۳۴۵ in fa, 12,345 in en; text that is not a number keeps its shape."""
    if isinstance(value, str):
        return localize_digits(value, lang)
    grouped = f"{value:,}"
    if lang == "fa":
        grouped = grouped.replace(",", PERSIAN_THOUSANDS)
    return localize_digits(grouped, lang)


def format_toman(rials: int, lang: str) -> str:
    """Money is stored in rials and shown in toman (1 toman = 10 rials)."""
    return format_number(rials // 10, lang)


def to_jalali(value: date | datetime, tz: ZoneInfo = TEHRAN) -> JalaliDate:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        value = aware.astimezone(tz).date()
    return JalaliDate.to_jalali(value)


def format_jalali(value: date | datetime, lang: str, tz: ZoneInfo = TEHRAN) -> str:
    """4 Azar 1405 / ۴ آذر ۱۴۰۵ (times are shown on Tehran's calendar day)."""
    day = to_jalali(value, tz)
    month = (MONTH_NAMES_FA if lang == "fa" else MONTH_NAMES_EN)[day.month]
    return localize_digits(f"{day.day} {month} {day.year}", lang)


def format_jalali_datetime(value: datetime, lang: str, tz: ZoneInfo = TEHRAN) -> str:
    """4 Azar 1405, 14:05 / ۴ آذر ۱۴۰۵، ۱۴:۰۵ (Tehran time)."""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)
    separator = "، " if lang == "fa" else ", "
    return format_jalali(local, lang, tz) + separator + localize_digits(f"{local:%H:%M}", lang)


def format_jalali_month(value: date | datetime, lang: str, tz: ZoneInfo = TEHRAN) -> str:
    """Azar 1405 / آذر ۱۴۰۵."""
    day = to_jalali(value, tz)
    month = (MONTH_NAMES_FA if lang == "fa" else MONTH_NAMES_EN)[day.month]
    return localize_digits(f"{month} {day.year}", lang)


MESSAGE_LIMIT = 4000  # Telegram allows 4,096 characters; the rest is headroom for entities


def split_lines(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The text in messages of at most `limit` characters, cut only between lines (each line of a list
    template closes its own markup, so no cut falls inside a tag)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts
