"""Conflict of interest: nobody acts on an application that is their own, officers and admins alike."""

import logging
from datetime import date

import pytest

from domain.lifecycle import Action, Stage
from storage.records import Application, PermitRequest
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness
from tests.test_officer import OFFICER, OTHER_OFFICER, appoint, buttons, card_of

NUMBER_FORMAT = "{province}-{year}-{seq:05d}-{check}"
OWN_LINE = "کارشناس دیگری باید درباره‌اش اقدام کند"


async def issue(bot: Harness, user_id: int, national_id: str, mobile: str = "09121111111",
                category: str = "گلیم‌بافی") -> Application:
    """An application issued straight through the store (the officers' cards wait in the outbox)."""
    await bot.store.ensure_user(user_id, "fa")
    categories = {c.name_fa: c.id for c in await bot.store.list_categories()}
    application = await bot.store.issue_permit(PermitRequest(
        user_id=user_id, category_id=categories[category], track="independent", full_name="مریم احمدی",
        national_id=national_id, birth_date=date(1990, 1, 1), mobile=mobile, province_code="IR-15",
        city="خرم‌آباد", address="خیابان امام", postal_code="6813714653", education="diploma", workers=2,
    ), NUMBER_FORMAT, 5)
    await bot.deliver()
    return application


async def stage_of(bot: Harness, application: Application) -> Stage:
    current = await bot.store.get_application(application.id)
    assert current is not None
    return current.stage


async def refusals(bot: Harness, application: Application) -> list[str]:
    return [e.detail["attempted"] for e in await bot.store.list_audit(application.id) if e.action == "refuse_own"]


async def test_an_officer_sees_their_own_application_without_actions_and_is_refused_every_one(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    officer = await appoint(bot)
    colleague = await appoint(bot, OTHER_OFFICER)
    own = await issue(bot, OFFICER, "0499370899")

    card = card_of(officer, own)
    assert buttons(card) == [] and OWN_LINE in card["text"]
    assert buttons(card_of(colleague, own)) == ["✅ ثبت نظارت"]  # another officer acts

    caplog.set_level(logging.WARNING)
    await officer.press(f"v1:act:{own.id}:supervise", card)
    assert "کارشناس دیگری" in bot.rec.last("answerCallbackQuery").params["text"]
    assert await stage_of(bot, own) == Stage.PERMIT_ISSUED
    assert any(str(OFFICER) in r.getMessage() and str(own.id) in r.getMessage() for r in caplog.records)
    assert all(own.national_id not in r.getMessage() and own.mobile not in r.getMessage() for r in caplog.records)

    await colleague.click("✅ ثبت نظارت")
    await officer.press(f"v1:act:{own.id}:reject", card)  # the owed answer is refused at the press
    assert "دلیل" not in officer.last_text
    await officer.send("دلیلی که نباید ثبت شود")
    await colleague.click("✅ تأیید اهلیت")
    await colleague.click("🔢 ورود به نوبت")
    await officer.press(f"v1:act:{own.id}:introduce", card)
    await officer.press(f"v1:bank:{own.id}:melli", card)
    assert await stage_of(bot, own) == Stage.QUEUED
    await officer.send(f"/revoke {own.permit_number} تخلف آشکار")
    assert OWN_LINE in officer.last_text
    assert await stage_of(bot, own) == Stage.QUEUED
    assert await refusals(bot, own) == ["supervise", "reject", "introduce", "introduce", "revoke"]
    assert [e.action for e in await bot.store.list_audit(own.id) if e.action != "refuse_own"] == [
        "issue", "supervise", "approve", "queue"]
    assert buttons(card_of(officer, own)) == []  # refreshed after the colleague's steps, still without actions

    await officer.send(f"/app {own.permit_number}")  # looking is allowed
    assert OWN_LINE in officer.last_text and buttons(card_of(officer, own)) == []
    assert "اقدام رد شد" in officer.texts_since(0)[-2]  # the refusals are in the history


async def test_the_same_national_id_or_mobile_is_the_officers_own_application(bot: Harness) -> None:
    officer = await appoint(bot)
    mine = await issue(bot, OFFICER, "0499370899", mobile="09125550000", category="قالیبافی")
    # One open application holds a national ID; once the officer withdrew theirs, another account registered
    # it (a relative's phone, say): still the officer's own national ID.
    await bot.store.transition(mine.id, Action.WITHDRAW, OFFICER)
    by_national_id = await issue(bot, 2001, "0499370899")
    by_mobile = await issue(bot, 2002, "0790419904", mobile="09125550000")
    someone_else = await issue(bot, 2003, "0084575948", mobile="09127770000")
    for application in (by_national_id, by_mobile):
        card = card_of(officer, application)
        assert buttons(card) == [] and OWN_LINE in card["text"]
        await officer.press(f"v1:act:{application.id}:supervise", card)
        assert await stage_of(bot, application) == Stage.PERMIT_ISSUED
    await officer.press(f"v1:act:{someone_else.id}:supervise", card_of(officer, someone_else))
    assert await stage_of(bot, someone_else) == Stage.SUPERVISED


async def test_an_admin_who_is_an_officer_is_held_to_the_same_rule(bot: Harness) -> None:
    admin_officer = await appoint(bot, ADMIN_ID)
    own = await issue(bot, ADMIN_ID, "0499370899")
    card = card_of(admin_officer, own)
    assert buttons(card) == [] and OWN_LINE in card["text"]
    await admin_officer.press(f"v1:act:{own.id}:supervise", card)
    assert await stage_of(bot, own) == Stage.PERMIT_ISSUED
    assert await refusals(bot, own) == ["supervise"]


async def test_an_open_question_is_refused_once_the_application_turns_out_to_be_the_officers(bot: Harness) -> None:
    """The check is made at every step, not only when the card was drawn."""
    officer = await appoint(bot)
    application = await issue(bot, 2001, "0499370899")
    await bot.store.transition(application.id, Action.SUPERVISE, None)
    await officer.press(f"v1:act:{application.id}:reject", card_of(officer, application))
    assert "دلیل" in officer.last_text
    await issue(bot, OFFICER, "0790419904", mobile="09121111111", category="قالیبافی")  # meanwhile: his mobile
    await officer.send("مدارک ناقص است")
    assert "اجازه" in officer.last_text
    assert await stage_of(bot, application) == Stage.SUPERVISED


async def test_nobody_else_is_affected(bot: Harness, user: FakeUser) -> None:
    officer = await appoint(bot)
    application = await issue(bot, user.id, "0499370899")
    await officer.click("✅ ثبت نظارت")
    assert await stage_of(bot, application) == Stage.SUPERVISED
    assert OWN_LINE not in card_of(officer, application)["text"]
