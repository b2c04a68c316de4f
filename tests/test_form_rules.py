"""The form's validation rules of issue 9, item 23, through the real Application: what people see and what is kept."""

import pytest
from persiantools.jdatetime import JalaliDate

from domain.lifecycle import Action, Stage
from tests.fakes import FakeUser, Harness
from tests.journey import ENGLISH, Answers, fill_form
from tests.test_officer import apply, appoint

SUPPORT = Answers(track="🤝 طرح پشتیبان")


async def draft_data(bot: Harness, user: FakeUser) -> dict:
    draft = await bot.store.get_draft(user.id)
    assert draft is not None
    return draft.data


async def test_a_postal_code_of_one_repeated_digit_is_refused(bot: Harness, user: FakeUser) -> None:
    await fill_form(user, stop_before="postal_code")
    await user.send("۰۰۰۰۰۰۰۰۰۰")
    assert "یکسان" in user.last_text and "کد پستی" in user.last_text
    assert "postal_code" not in await draft_data(bot, user)
    await user.send("۶۸۱۳۷-۱۴۶۵۳")
    assert (await draft_data(bot, user))["postal_code"] == "6813714653"


@pytest.mark.parametrize("typed", ["۳۰٪", "30%", "۳۰ ٪", "۳۰"])
async def test_the_own_share_may_be_typed_with_a_percent_sign(bot: Harness, user: FakeUser, typed: str) -> None:
    await fill_form(user, SUPPORT, stop_before="full_name")
    await user.send("۶")
    await user.send(typed)
    assert (await draft_data(bot, user))["own_share_percent"] == 30
    assert "نام و نام خانوادگی" in user.last_text


@pytest.mark.parametrize(("typed", "lang", "expected"), [
    ("1990/05/21", "fa", "به <b>شمسی</b>"), ("۲۰۰۱-۰۳-۱۵", "fa", "مثال: ۱۳۷۰/۰۶/۲۵"),
    ("1990/05/21", "en", "Jalali"),
])
async def test_a_gregorian_birth_date_is_told_to_write_the_jalali_date(bot: Harness, user: FakeUser, typed: str,
                                                                       lang: str, expected: str) -> None:
    if lang == "en":
        await user.send("/lang en")
    await fill_form(user, ENGLISH if lang == "en" else Answers(), stop_before="birth_date")
    await user.send(typed)
    assert expected in user.last_text and ("میلادی" in user.last_text or lang == "en")
    assert "birth_date" not in await draft_data(bot, user)


@pytest.mark.parametrize(("lang", "expected"), [("fa", "حروف فارسی"), ("en", "Persian letters")])
async def test_a_full_name_in_latin_letters_is_refused_saying_persian(bot: Harness, user: FakeUser, lang: str,
                                                                     expected: str) -> None:
    if lang == "en":
        await user.send("/lang en")
    await fill_form(user, ENGLISH if lang == "en" else Answers(), stop_before="full_name")
    await user.send("Maryam Ahmadi")
    assert expected in user.last_text and ("کارت ملی" in user.last_text or "national card" in user.last_text)
    assert "full_name" not in await draft_data(bot, user)


def years_ago(years: int) -> str:
    return f"{JalaliDate.today().year - years}/01/01"


async def test_experience_longer_than_age_minus_ten_is_asked_again_after_the_birth_date(bot: Harness,
                                                                                      user: FakeUser) -> None:
    await fill_form(user, SUPPORT, stop_before="full_name")
    await user.send("۲۰")  # twenty years of experience, typed before the age is known
    await user.send("۲۵")
    await user.send("مریم احمدی")
    await user.send("۰۴۹۹۳۷۰۸۹۹")
    await user.send(years_ago(25))  # 25 years old: at most 15 years of experience
    assert "منهای ۱۰ سال" in user.last_text and "۱۵ سال" in user.last_text
    data = await draft_data(bot, user)
    assert "experience_years" not in data and data["birth_date"]
    await user.send("۱۶")
    assert "منهای ۱۰ سال" in user.last_text
    await user.send("۱۰")
    assert "موبایل" in user.last_text  # and on with the questions not yet answered
    assert (await draft_data(bot, user))["experience_years"] == 10


async def test_experience_edited_at_the_review_is_checked_against_the_age(bot: Harness, user: FakeUser) -> None:
    await fill_form(user, Answers(birth_date=years_ago(25)))
    await user.click("✏ مسیر")
    await user.click("🤝 طرح پشتیبان")
    await user.send("۱۶")
    assert "منهای ۱۰ سال" in user.last_text and "experience_years" not in await draft_data(bot, user)


@pytest.mark.parametrize(("typed", "rials"), [("۱۵۰،۰۰۰،۰۰۰", 1_500_000_000), ("۱۵۰ ۰۰۰ ۰۰۰", 1_500_000_000),
                                              ("۱۵۰٬۰۰۰٬۰۰۰", 1_500_000_000), ("1,000,000", 10_000_000)])
async def test_the_loan_amount_reads_every_separator(bot: Harness, typed: str, rials: int) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE):
        await bot.store.transition(application.id, action, None)
    await bot.store.transition(application.id, Action.INTRODUCE, None, bank="melli")
    await officer.send(f"/app {application.permit_number}")
    await officer.click("💰 ثبت پرداخت وام")
    await officer.send(typed)
    paid = await bot.store.get_application(application.id)
    assert paid is not None and paid.stage == Stage.LOAN_PAID and paid.loan_amount_rials == rials


async def test_a_loan_below_a_million_toman_is_refused(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE):
        await bot.store.transition(application.id, action, None)
    await bot.store.transition(application.id, Action.INTRODUCE, None, bank="melli")
    await officer.send(f"/app {application.permit_number}")
    await officer.click("💰 ثبت پرداخت وام")
    await officer.send("۱۵۰۰۰۰")  # digits dropped: 150 thousand
    assert "پذیرفته نیست" in officer.last_text and "۱٬۰۰۰٬۰۰۰" in officer.last_text
    still = await bot.store.get_application(application.id)
    assert still is not None and still.stage == Stage.INTRODUCED_TO_BANK
