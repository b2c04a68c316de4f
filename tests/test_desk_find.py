"""/find: by national ID, mobile in any form, permit number in either digits, part of a name or a misspelt one;
never across provinces for officers; admins search every province and see it."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.find_query import parse_find_query
from storage.records import Application, PermitRequest
from tests.conftest import ADMIN_ID
from tests.fakes import Harness, mentions, shown
from tests.seeding import next_national_id
from tests.test_officer import OFFICER, appoint, buttons

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


async def issue(bot: Harness, full_name: str, province: str = "IR-15", mobile: str = "09120000000",
                user_id: int = 7) -> Application:
    """An application written straight through the store (the form is tested elsewhere)."""
    await bot.store.ensure_user(user_id, "fa")
    [category, *_] = await bot.store.list_categories()
    return await bot.store.issue_permit(PermitRequest(
        user_id=user_id, category_id=category.id, track="independent", full_name=full_name,
        national_id=next_national_id(), birth_date=date(1990, 1, 1), mobile=mobile, province_code=province,
        city="شهر", address="نشانی نمونه", postal_code="1234567890", education="diploma", workers=1,
    ), bot.config.rules.permit_number_format, 5)


async def test_an_officer_finds_by_every_key_within_their_province(bot: Harness) -> None:
    officer = await appoint(bot)
    maryam = await issue(bot, "مریم احمدی", mobile="09121234567")
    await issue(bot, "زهرا کریمی")
    elsewhere = await issue(bot, "مریم احمدی", province="IR-23", mobile="09121234567")

    for typed in (maryam.national_id, maryam.national_id.translate(PERSIAN_DIGITS), "+98 912 123 4567",
                  "۰۹۱۲-۱۲۳-۴۵۶۷", maryam.permit_number.translate(PERSIAN_DIGITS), "مریم", "احمدي", "مريم احمد"):
        await officer.send(f"/find {typed}")
        reply = bot.rec.last("sendMessage", OFFICER)
        assert mentions(reply.text, maryam.permit_number), typed
        assert not mentions(reply.text, elsewhere.permit_number) and "کریمی" not in reply.text, typed
        assert buttons(reply.params) == [f"📄 {shown(maryam.permit_number)}"]

    await officer.send(f"/find {elsewhere.national_id}")  # another province's applicant: not found
    assert "پیدا نشد" in officer.last_text


async def test_a_misspelt_name_is_still_found(bot: Harness) -> None:
    officer = await appoint(bot)
    application = await issue(bot, "معصومه میرزایی")
    await issue(bot, "زهرا کریمی")
    for typed in ("معصمه", "میرزائی", "مصومه میرزایی", "معصومه ميرزايی"):
        await officer.send(f"/find {typed}")
        assert mentions(officer.last_text, application.permit_number), typed
        assert "کریمی" not in officer.last_text


async def test_the_card_opens_live_from_a_result(bot: Harness) -> None:
    officer = await appoint(bot)
    application = await issue(bot, "لیلا نوری")
    await officer.send("/find لیلا")
    await officer.click(f"📄 {shown(application.permit_number)}")
    assert mentions(officer.last_text, application.permit_number)
    assert buttons(bot.rec.last("sendMessage", OFFICER).params) == ["✅ ثبت نظارت", "❌ نظارت ناموفق"]


async def test_many_results_say_how_to_narrow(bot: Harness) -> None:
    officer = await appoint(bot)
    for _ in range(12):
        await issue(bot, "علی رضایی")
    await officer.send("/find رضایی")
    reply = bot.rec.last("sendMessage", OFFICER)
    assert len(buttons(reply.params)) == 10 and "نتیجه‌های بیشتری" in reply.text


async def test_an_admin_finds_in_every_province_and_sees_which(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    lorestan = await issue(bot, "حمید صادقی")
    tehran = await issue(bot, "حمید صادقی", province="IR-23")
    await admin.send("/find حمید صادقی")
    assert mentions(admin.last_text, lorestan.permit_number) and mentions(admin.last_text, tehran.permit_number)
    assert "لرستان" in admin.last_text and "تهران" in admin.last_text
    await admin.click(f"📄 {shown(tehran.permit_number)}")  # read, not acted on: admins do not take officers' steps
    assert mentions(admin.last_text, tehran.permit_number)
    assert buttons(bot.rec.last("sendMessage", ADMIN_ID).params) == []


async def test_strangers_and_empty_queries_are_answered(bot: Harness) -> None:
    stranger = bot.user(777)
    await stranger.send("/find مریم")
    assert "مخصوص کارشناسان" in stranger.last_text
    officer = await appoint(bot)
    for typed in ("", "12345", "؟!"):
        await officer.send(f"/find {typed}")
        assert "بعد از دستور" in officer.last_text


@given(st.text(max_size=40))
def test_any_typed_query_parses_or_is_refused(typed: str) -> None:
    query = parse_find_query(typed)
    assert query is None or any((query.permit, query.national_id, query.mobile, query.name))
