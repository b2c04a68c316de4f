"""Supervision has two outcomes: done, or failed with a preset or typed reason, which rejects the application
and tells the applicant why and what they can do. Presets are admin-editable data (/reasons)."""

from domain.lifecycle import Stage
from tests.conftest import ADMIN_ID
from tests.fakes import Harness
from tests.test_officer import apply, appoint, buttons, card_of


async def test_a_failed_supervision_with_a_preset_reason_reaches_the_applicant(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("❌ نظارت ناموفق")
    assert officer.inline_buttons() == ["نشانی پیدا نشد", "در نشانی فعالیتی انجام نمی‌شود",
                                        "نشانی محل سکونت متقاضی نیست", "فعالیت برای همسایگان مزاحمت ایجاد می‌کند",
                                        "✖ لغو"]
    await officer.click("در نشانی فعالیتی انجام نمی‌شود")
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.REJECTED
    assert current.reason == "در نشانی فعالیتی انجام نمی‌شود"
    assert buttons(card_of(officer, application)) == []
    assert "نظارت ناموفق" in card_of(officer, application)["text"]
    await bot.deliver()
    told = applicant.last_text
    assert "نظارت بر محل کسب‌وکار شما" in told and "در نشانی فعالیتی انجام نمی‌شود" in told
    assert "درخواست بازبینی" in told  # what they can do
    [*_, entry] = await bot.store.list_audit(application.id)
    assert (entry.action, entry.detail["reason"]) == ("fail_supervision", "در نشانی فعالیتی انجام نمی‌شود")


async def test_another_reason_is_typed_and_kept_as_typed(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("❌ نظارت ناموفق")
    await officer.send("در زمان مراجعه کسی در محل نبود ۳ بار")
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.REJECTED
    assert current.reason == "در زمان مراجعه کسی در محل نبود ۳ بار"
    await bot.deliver()
    assert "کسی در محل نبود" in applicant.last_text


async def test_a_preset_after_the_stage_moved_on_is_not_applied(bot: Harness) -> None:
    officer = await appoint(bot)
    colleague = await appoint(bot, 502)
    _, application = await apply(bot)
    await officer.click("❌ نظارت ناموفق")
    await colleague.click("✅ ثبت نظارت")
    await officer.click("نشانی پیدا نشد")
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.SUPERVISED and current.reason is None


async def test_admins_edit_the_preset_reasons(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/reasons")
    assert "نشانی پیدا نشد" in admin.last_text and "مدارک ناقص است" in admin.last_text
    await admin.send("/reasons add fail_supervision محل برای این رشته مناسب نیست | The place does not suit the trade")
    added = [r for r in await bot.store.list_refusal_reasons("fail_supervision") if r.text_fa.startswith("محل")]
    assert [r.text_en for r in added] == ["The place does not suit the trade"]
    await admin.send(f"/reasons remove {added[0].id}")
    assert all(r.id != added[0].id for r in await bot.store.list_refusal_reasons())

    officer = await appoint(bot)
    await apply(bot)
    await officer.click("❌ نظارت ناموفق")
    assert "محل برای این رشته مناسب نیست" not in officer.inline_buttons()

    await admin.send("/reasons add nonsense چیزی | something")
    assert "/reasons add" in admin.last_text and "fail_supervision" in admin.last_text
    await officer.send("/reasons")
    assert "مخصوص مدیران" in officer.last_text
