"""Validators and normalisation: examples from DOMAIN.md plus properties over generated input."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from persiantools.jdatetime import JalaliDate

from domain import validators as v
from domain.normalize import normalize, search_key

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TODAY = JalaliDate(1405, 9, 4)


def make_national_id(first_nine: str) -> str:
    remainder = sum(int(first_nine[i]) * (10 - i) for i in range(9)) % 11
    return first_nine + str(remainder if remainder < 2 else 11 - remainder)


valid_ids = st.text("0123456789", min_size=9, max_size=9).map(make_national_id).filter(lambda d: len(set(d)) > 1)


@pytest.mark.parametrize("good", ["0499370899", "0790419904", "0084575948", "0067749828", "0013542419", "1234567891"])
def test_known_valid_national_ids(good: str) -> None:
    assert v.national_id(good) == good


@pytest.mark.parametrize(
    ("bad", "code"),
    [("1111111111", "national_id.repeated"), ("0000000000", "national_id.repeated"),
     ("0684159415", "national_id.checksum"), ("12345", "national_id.format"), ("abcdefghij", "national_id.format"),
     ("", "national_id.format")],
)
def test_known_invalid_national_ids(bad: str, code: str) -> None:
    assert v.national_id(bad) == v.Invalid(code)


def test_short_national_ids_get_their_leading_zeros() -> None:
    assert v.national_id("84575948") == "0084575948"


@given(valid_ids)
def test_valid_national_ids_are_accepted(digits: str) -> None:
    assert v.national_id(digits) == digits


def _remainder(digits: str) -> int:
    return sum(int(digits[i]) * (10 - i) for i in range(9)) % 11


@given(valid_ids, st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_change_is_rejected(digits: str, position: int, shift: int) -> None:
    changed = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1:]
    # The official rule maps remainders 1 and 10 to the same check digit 1, so exactly that pair of
    # sums cannot be told apart; every other single-digit change (weights 2..10 are prime to 11) is caught.
    if {_remainder(digits), _remainder(changed)} == {1, 10}:
        assert v.national_id(changed) == changed
    else:
        assert isinstance(v.national_id(changed), v.Invalid)


def test_the_checksum_cannot_tell_remainder_1_from_10() -> None:
    assert v.national_id("9350235651") == "9350235651" and v.national_id("9350235641") == "9350235641"


@given(valid_ids)
def test_persian_and_arabic_digits_equal_ascii(digits: str) -> None:
    assert v.national_id(digits.translate(PERSIAN)) == digits
    assert v.national_id(digits.translate(ARABIC)) == digits
    assert v.national_id("\u200f" + digits[:5] + " - " + digits[5:] + "\u200e") == digits


@given(st.text("0123456789", min_size=9, max_size=9), st.sampled_from(["0", "", "+98", "98", "0098"]))
def test_mobiles_in_every_form_become_09(rest: str, prefix: str) -> None:
    number = "9" + rest
    expected = "0" + number
    assert v.mobile(prefix + number) == expected
    assert v.mobile((prefix + number).translate(PERSIAN)) == expected


@pytest.mark.parametrize("bad", ["0912", "08123456789", "091234567890", "9123", "hello", "+1 555 123 4567"])
def test_bad_mobiles_are_rejected(bad: str) -> None:
    assert v.mobile(bad) == v.Invalid("mobile.format")


@given(st.text("0123456789", min_size=10, max_size=10).filter(lambda code: len(set(code)) > 1))
def test_postal_codes_accept_ten_digits_in_any_script(code: str) -> None:
    assert v.postal_code(code.translate(PERSIAN)) == code
    assert v.postal_code(code[:5] + "-" + code[5:]) == code


@given(st.text("0123456789", max_size=9) | st.text("0123456789", min_size=11, max_size=14))
def test_postal_codes_of_other_lengths_are_rejected(code: str) -> None:
    assert v.postal_code(code) == v.Invalid("postal_code.format")


def test_birth_date_accepts_separators_and_persian_digits() -> None:
    expected = JalaliDate(1370, 6, 25).to_gregorian()
    for text in ["1370/06/25", "1370-6-25", "1370.06.25", "۱۳۷۰/۰۶/۲۵", " ١٣٧٠/٦/٢٥ "]:
        assert v.birth_date(text, TODAY, 18) == expected, text


@pytest.mark.parametrize(
    ("text", "code"),
    [("1370/07/31", "birth_date.no_such_day"), ("1404/12/30", "birth_date.no_such_day"),
     ("1370/13/01", "birth_date.no_such_day"), ("25/06/1370", "birth_date.format"), ("yesterday", "birth_date.format"),
     ("1406/01/01", "birth_date.future"), ("1300/01/01", "birth_date.too_old"), ("1390/01/01", "birth_date.too_young")],
)
def test_bad_birth_dates(text: str, code: str) -> None:
    assert v.birth_date(text, TODAY, 18) == v.Invalid(code)


def test_leap_esfand_30_exists_only_in_leap_years() -> None:
    assert isinstance(v.birth_date("1403/12/30", TODAY, 0), date)
    assert v.birth_date("1404/12/30", TODAY, 0) == v.Invalid("birth_date.no_such_day")


def test_age_is_counted_in_completed_years() -> None:
    assert isinstance(v.birth_date("1387/09/04", TODAY, 18), date)  # 18 today
    assert v.birth_date("1387/09/05", TODAY, 18) == v.Invalid("birth_date.too_young")  # 18 tomorrow


@given(st.dates(date(1930, 1, 1), date(2007, 1, 1)))
def test_every_real_past_date_round_trips(day: date) -> None:
    jalali = JalaliDate.to_jalali(day)
    text = f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}"
    assert v.birth_date(text.translate(PERSIAN), TODAY, 18) == day


def test_full_names() -> None:
    assert v.full_name("  علي  كريمي ") == "علی کریمی"
    assert v.full_name("زهرا\u200cسادات موسوی") == "زهرا\u200cسادات موسوی"
    assert v.full_name("Maryam Ahmadi") == v.Invalid("full_name.characters")  # as on the national card: Persian
    assert v.full_name("م") == v.Invalid("full_name.length")
    assert v.full_name("Ali123") == v.Invalid("full_name.characters")
    assert v.full_name("<b>hi</b>") == v.Invalid("full_name.characters")


@given(st.text(max_size=300))
def test_validators_never_raise(text: str) -> None:
    for result in (v.national_id(text), v.mobile(text), v.postal_code(text), v.full_name(text), v.free_text(text),
                   v.birth_date(text, TODAY, 18), v.whole_number(text, 1, 50), v.percent(text, 0, 100),
                   v.money_toman(text, 1_000_000, 200_000_000)):
        assert result is not None


@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_search_key_ignores_arabic_letters_and_half_spaces() -> None:
    assert search_key("گليم بافي") == search_key("گلیم‌بافی") == search_key("گلیمبافی")


@given(st.integers(1, 50))
def test_whole_numbers_in_any_digits(n: int) -> None:
    assert v.whole_number(str(n).translate(PERSIAN), 1, 50) == n
    assert v.whole_number(str(n + 50), 1, 50) == v.Invalid("number.range")


# -- issue 9, item 23 ---------------------------------------------------------------------------------

SEPARATORS = st.sampled_from([",", "\u060c", "\u066c", " ", "\u00a0", "\u2009", "\u200c", "_", "'"])


def grouped(n: int, separator: str) -> str:
    """n with its thousands separated, as people write amounts: 150,000,000."""
    return f"{n:,}".replace(",", separator)


@given(st.integers(1_000_000, 10**12), SEPARATORS, st.sampled_from([PERSIAN, ARABIC, str.maketrans("", "")]))
def test_amounts_read_with_any_thousands_separator_and_digits(n: int, separator: str, digits: dict[int, str]) -> None:
    assert v.money_toman(grouped(n, separator).translate(digits), 1_000_000, 10**12) == n
    assert v.money_toman(str(n).translate(digits), 1_000_000, 10**12) == n


@given(st.integers(0, 999_999))
def test_amounts_below_the_floor_are_refused(n: int) -> None:
    assert v.money_toman(grouped(n, "\u066c"), 1_000_000, 200_000_000) == v.Invalid("number.range")


@given(st.integers(1, 10**6), st.sampled_from([".", "/", "-"]))
def test_amounts_with_a_decimal_point_or_sign_are_not_guessed(n: int, mark: str) -> None:
    assert v.money_toman(f"{n}{mark}5", 1, 10**12) == v.Invalid("number.format")
    assert v.money_toman(f"-{n}", 1, 10**12) == v.Invalid("number.format")


@given(st.integers(0, 100), st.sampled_from(["", "%", "٪", " %", " ٪"]), st.sampled_from([PERSIAN, ARABIC, {}]))
def test_percentages_with_or_without_a_percent_sign(n: int, sign: str, digits: dict[int, str]) -> None:
    assert v.percent(f"{n}{sign}".translate(digits), 0, 100) == n


@given(st.integers(101, 10**6), st.sampled_from(["", "%", "٪"]))
def test_percentages_above_100_are_refused(n: int, sign: str) -> None:
    assert v.percent(f"{n}{sign}", 0, 100) == v.Invalid("number.range")


@given(st.sampled_from("0123456789"), st.sampled_from([PERSIAN, ARABIC, {}]))
def test_postal_codes_of_one_repeated_digit_are_refused(digit: str, digits: dict[int, str]) -> None:
    assert v.postal_code((digit * 10).translate(digits)) == v.Invalid("postal_code.repeated")


@given(st.text("0123456789", min_size=10, max_size=10).filter(lambda code: len(set(code)) > 1))
def test_postal_codes_of_mixed_digits_pass(code: str) -> None:
    assert v.postal_code(code) == code


@given(st.dates(date(1900, 1, 1), date(2030, 12, 31)), st.sampled_from(["/", "-", "."]))
def test_gregorian_birth_dates_are_told_to_write_jalali(day: date, separator: str) -> None:
    text = f"{day.year}{separator}{day.month:02d}{separator}{day.day:02d}"
    assert v.birth_date(text.translate(PERSIAN), TODAY, 18) == v.Invalid("birth_date.gregorian")


@given(st.integers(0, 120), st.integers(0, 120))
def test_experience_may_not_exceed_age_minus_ten(years: int, age: int) -> None:
    assert v.experience_fits_age(years, age) == (years <= max(0, age - 10))


LATIN = st.text(alphabet=st.characters(min_codepoint=ord("A"), max_codepoint=ord("z")).filter(str.isalpha),
                min_size=2, max_size=20)
PERSIAN_LETTERS = st.text(alphabet="ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی", min_size=2, max_size=20)


@given(LATIN, PERSIAN_LETTERS)
def test_full_names_need_persian_letters(latin: str, persian: str) -> None:
    assert v.full_name(latin) == v.Invalid("full_name.characters")
    assert v.full_name(f"{persian} {latin}") == v.Invalid("full_name.characters")
    assert v.full_name(persian) == persian
