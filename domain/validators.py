"""Validators for the application form: pure functions on raw user text.

Each returns the clean value, or an `Invalid` whose `code` names a template under
`messages/<lang>/validation/` that explains the problem with an example. Input is normalised
first (Persian/Arabic-Indic digits, ي/ك, invisible marks), then checked on ASCII only: `re`'s
`\\d` and `str.isdigit()` accept Persian digits, so patterns use `[0-9]`.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from persiantools.jdatetime import JalaliDate

from domain.jalali import NotADay, completed_years, read_day
from domain.normalize import ZWNJ, compact, normalize, tidy


@dataclass(frozen=True, slots=True)
class Invalid:
    code: str


NAME_MIN, NAME_MAX = 2, 60
TEXT_MAX = 200
OLDEST_AGE = 100
YOUNGEST_WORKING_AGE = 10  # related experience counts from this age at the earliest
MONEY_DIGITS_MAX = 15

_DIGITS = re.compile(r"[0-9]+")
_MOBILE = re.compile(r"(?:\+98|0098|98|0)?(9[0-9]{9})")
_POSTAL = re.compile(r"[0-9]{10}")
# Folklore heuristic for Iranian postal codes: no official checksum exists, so only a soft warning.
_POSTAL_USUAL = re.compile(r"(?!([0-9])\1{3})[13-9]{4}[1346-9][013-9]{5}")
# Persian letters as on the national card (with آ أ إ ؤ ئ ء ة ۀ and optional short-vowel marks), space, ZWNJ.
_NAME = re.compile(
    "[ \u0621-\u063a\u0641-\u064a\u064b-\u0652\u067e\u0686\u0698\u06a9\u06af\u06c0\u06cc"
    + ZWNJ
    + "]+"
)
# What people put between thousands: comma, Arabic comma (U+060C), Arabic thousands separator (U+066C),
# apostrophe, underscore, spaces (normal, thin, no-break) and ZWNJ. Not a dot: "1.5" must not read as 15.
_THOUSANDS = re.compile("[,\u060c\u066c'_\\s\u200c\u2009\u202f\u00a0]")
_PERCENT = re.compile("[%\u066a]$")  # ASCII %, or the Arabic percent sign ٪ (U+066A)


def national_id(raw: str) -> str | Invalid:
    """Iranian national ID (کد ملی) as a 10-digit string; 8-9 digits get their leading zeros back."""
    digits = compact(raw)
    if not _DIGITS.fullmatch(digits) or not 8 <= len(digits) <= 10:
        return Invalid("national_id.format")
    digits = digits.zfill(10)
    if len(set(digits)) == 1:
        return Invalid("national_id.repeated")
    if not national_id_checksum_ok(digits):
        return Invalid("national_id.checksum")
    return digits


def national_id_checksum_ok(digits: str) -> bool:
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    expected = remainder if remainder < 2 else 11 - remainder
    return int(digits[9]) == expected


def mobile(raw: str) -> str | Invalid:
    """Iranian mobile in any common form (09…, 9…, +989…, 989…, 00989…) as `09XXXXXXXXX`."""
    text = re.sub(r"[()]", "", compact(raw))
    match = _MOBILE.fullmatch(text)
    if match is None:
        return Invalid("mobile.format")
    return "0" + match.group(1)


def postal_code(raw: str) -> str | Invalid:
    code = compact(raw)
    if not _POSTAL.fullmatch(code):
        return Invalid("postal_code.format")
    if len(set(code)) == 1:  # 0000000000, 1111111111: placeholders, never a real address
        return Invalid("postal_code.repeated")
    return code


def postal_code_looks_unusual(code: str) -> bool:
    """True when a valid 10-digit code fails the common heuristic: worth a soft warning only."""
    return _POSTAL_USUAL.fullmatch(code) is None


def jalali_day(raw: str, field: str) -> JalaliDate | Invalid:
    """A real Jalali day typed as year/month/day; why not as `<field>.format`, `.gregorian` or `.no_such_day`."""
    day = read_day(raw)
    return Invalid(f"{field}.{day.problem}") if isinstance(day, NotADay) else day


def birth_date(raw: str, today: JalaliDate, min_age: int) -> date | Invalid:
    """A real Jalali day in the past, at least `min_age` completed years ago; Gregorian result."""
    born = jalali_day(raw, "birth_date")
    if isinstance(born, Invalid):
        return born
    if born >= today:
        return Invalid("birth_date.future")
    age = completed_years(born, today)
    if age > OLDEST_AGE:
        return Invalid("birth_date.too_old")
    if age < min_age:
        return Invalid("birth_date.too_young")
    return born.to_gregorian()


def event_day(raw: str, earliest: JalaliDate, latest: JalaliDate) -> date | Invalid:
    """A Jalali day from `earliest` to `latest` (an exhibition's dates and deadline); Gregorian result."""
    day = jalali_day(raw, "date")
    if isinstance(day, Invalid):
        return day
    if day < earliest:
        return Invalid("date.too_early")
    if day > latest:
        return Invalid("date.too_late")
    return day.to_gregorian()


def full_name(raw: str) -> str | Invalid:
    name = normalize(raw).strip(ZWNJ + " ")
    if not NAME_MIN <= len(name) <= NAME_MAX:
        return Invalid("full_name.length")
    if not _NAME.fullmatch(name) or not any(char.isalpha() for char in name):
        return Invalid("full_name.characters")
    return name


def experience_fits_age(years: int, age: int) -> bool:
    """Related experience cannot have started before the youngest working age."""
    return years <= max(0, age - YOUNGEST_WORKING_AGE)


def free_text(raw: str, max_length: int = TEXT_MAX, min_length: int = 2) -> str | Invalid:
    """City, address, reasons: single-line text within length limits, stored as typed (Persian digits stay
    Persian); only what is matched is normalised, elsewhere."""
    text = tidy(raw)
    if len(text) < min_length:
        return Invalid("text.too_short")
    if len(text) > max_length:
        return Invalid("text.too_long")
    return text


def long_text(raw: str, max_length: int, min_length: int = 2) -> str | Invalid:
    """A description in the person's own words, line breaks included, stored as typed: only invisible marks
    (bidi overrides, zero-width joiners) and the blank space around it are dropped."""
    text = "\n".join(tidy(line) for line in raw.splitlines()).strip()
    if len(text) < min_length:
        return Invalid("text.too_short")
    if len(text) > max_length:
        return Invalid("text.too_long")
    return text


def message_text(raw: str, max_length: int) -> str | Invalid:
    """A question or an answer: several lines allowed, stored as typed; only the blank edges go, and a text of
    nothing but spaces and invisible marks is empty."""
    text = raw.strip()
    if all(char.isspace() or unicodedata.category(char) in ("Cc", "Cf") for char in text):  # ZWNJ, RLM, …
        return Invalid("text.empty")
    if len(text) > max_length:
        return Invalid("text.too_long")
    return text


def whole_number(raw: str, low: int, high: int) -> int | Invalid:
    """A whole number in [low, high], typed in any digits."""
    text = re.sub(r"[\s\u200c]", "", normalize(raw))  # no dash removal: "-1" is not 1
    if not _DIGITS.fullmatch(text) or len(text) > 9:
        return Invalid("number.format")
    value = int(text)
    if not low <= value <= high:
        return Invalid("number.range")
    return value


def percent(raw: str, low: int, high: int) -> int | Invalid:
    """A whole percentage in [low, high]: «۳۰», «30%», «۳۰٪» all read as 30."""
    return whole_number(_PERCENT.sub("", normalize(raw)), low, high)


def money_toman(raw: str, minimum: int, maximum: int) -> int | Invalid:
    """An amount in toman in [minimum, maximum], thousands separated however people write them
    («۱۵۰٬۰۰۰٬۰۰۰», «150,000,000», «۱۵۰ ۰۰۰ ۰۰۰», «۱۵۰،۰۰۰،۰۰۰»); `number.range` names the bounds."""
    text = _THOUSANDS.sub("", normalize(raw))
    if not _DIGITS.fullmatch(text) or len(text) > MONEY_DIGITS_MAX:
        return Invalid("number.format")
    value = int(text)
    if not minimum <= value <= maximum:
        return Invalid("number.range")
    return value


def course_start(raw: str, today: JalaliDate, max_days_ahead: int = 730) -> date | Invalid:
    """A course's first session: a real Jalali day from today on, within two years; Gregorian result."""
    starts = jalali_day(raw, "course_date")
    if isinstance(starts, Invalid):
        return starts
    if starts < today:
        return Invalid("course_date.past")
    if (starts.to_gregorian() - today.to_gregorian()).days > max_days_ahead:
        return Invalid("course_date.too_far")
    return starts.to_gregorian()
