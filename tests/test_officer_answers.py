"""An officer's owed answer (a reason after ❌, an amount after 💰): a small persistent conversation that
expires, gives way to any command and to the officer's own form, and is asked only when the action is legal."""

from bot.config import Config
from domain.lifecycle import Stage
from storage.records import Application
from tests.fakes import FakeClock, FakeUser, Harness, running
from tests.journey import Answers, fill_form
from tests.test_officer import OTHER_OFFICER, apply, appoint, card_of


async def stage_and_reason(bot: Harness, application: Application) -> tuple[Stage, str | None]:
    current = await bot.store.get_application(application.id)
    assert current is not None
    return current.stage, current.reason


async def supervised(bot: Harness) -> tuple[Application, FakeUser]:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    return application, officer


async def test_the_officers_own_form_is_never_fed_the_owed_reason(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    await officer.send("/apply")  # a command: the question is dropped, and the form starts
    await officer.click("صنایع دستی")
    await officer.send("گلیم‌بافی")  # a form answer, not a reason
    assert await stage_and_reason(bot, application) == (Stage.SUPERVISED, None)
    assert "گلیم‌بافی" in officer.inline_buttons()  # the form's search found the category

    await officer.click("❌ رد اهلیت")  # asked again: the menu's apply button also drops it
    await officer.send("📝 درخواست مجوز")
    await officer.send("قالیبافی")
    assert await stage_and_reason(bot, application) == (Stage.SUPERVISED, None)


async def test_a_menu_button_is_never_taken_as_the_answer(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    await officer.send("📋 وضعیت من")
    assert await stage_and_reason(bot, application) == (Stage.SUPERVISED, None)
    await officer.send("مدارک ناقص است")  # still owed: the button was not the answer
    assert await stage_and_reason(bot, application) == (Stage.REJECTED, "مدارک ناقص است")


async def test_an_owed_answer_expires_after_ten_minutes(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        officer = await appoint(bot)
        _, application = await apply(bot)
        await officer.click("✅ ثبت نظارت")
        await officer.click("❌ رد اهلیت")
        clock.advance(minutes=11)
        await officer.send("مدارک ناقص است")
        assert "۱۰ دقیقه" in officer.last_text
        assert await stage_and_reason(bot, application) == (Stage.SUPERVISED, None)
        await officer.send("متن دیگری")  # the conversation is over: text is only stray text now
        assert await stage_and_reason(bot, application) == (Stage.SUPERVISED, None)
        assert await bot.store.get_officer_prompt(officer.id) is None
    finally:
        await bot.stop()
    assert not bot.errors


async def test_the_timeout_job_drops_the_question_and_says_so(bot: Harness) -> None:
    application, officer = await supervised(bot)
    await officer.click("❌ رد اهلیت")
    [timeout] = [job for job in bot.app.job_queue.jobs()  # type: ignore[union-attr]
                 if job.callback.__name__ == "_trigger_timeout"]
    await timeout.run(bot.app)
    assert "۱۰ دقیقه" in officer.last_text and "✖ لغو" not in officer.inline_buttons()
    await officer.send("مدارک ناقص است")
    assert await stage_and_reason(bot, application) == (Stage.SUPERVISED, None)


async def test_an_owed_answer_survives_a_restart(config: Config) -> None:
    async with running(config) as first:
        application, officer = await supervised(first)
        await officer.click("❌ رد اهلیت")
    async with running(config) as second:
        officer = second.user(officer.id, "کارشناس")
        await officer.send("گواهی مهارت ارائه نشده است")
        assert await stage_and_reason(second, application) == (Stage.REJECTED, "گواهی مهارت ارائه نشده است")


async def test_an_owed_answer_older_than_the_timeout_is_not_resumed(config: Config) -> None:
    clock = FakeClock()
    first = await Harness(config, clock=clock).start()
    try:
        application, officer = await supervised(first)
        await officer.click("❌ رد اهلیت")
    finally:
        await first.stop()
    clock.advance(minutes=11)
    second = await Harness(config, clock=clock).start()
    try:
        officer = second.user(officer.id, "کارشناس")
        await officer.send("مدارک ناقص است")
        assert await stage_and_reason(second, application) == (Stage.SUPERVISED, None)
    finally:
        await second.stop()
    assert not second.errors


async def test_the_second_of_two_officers_is_refused_at_the_press(bot: Harness) -> None:
    first = await appoint(bot)
    second = await appoint(bot, OTHER_OFFICER)
    _, application = await apply(bot)
    await first.click("✅ ثبت نظارت")
    stale = dict(card_of(second, application))  # both see approve and reject
    await first.click("✅ تأیید اهلیت")
    await second.press(f"v1:act:{application.id}:reject", stale)
    assert "دیگر ممکن نیست" in second.last_text and "دلیل" not in second.last_text
    assert await bot.store.get_officer_prompt(OTHER_OFFICER) is None
    await second.send("مدارک ناقص است")
    assert await stage_and_reason(bot, application) == (Stage.ELIGIBLE, None)


async def test_an_amount_is_asked_only_when_the_loan_may_be_recorded(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    for step in ("✅ ثبت نظارت", "✅ تأیید اهلیت", "🔢 ورود به نوبت", "🏦 معرفی به بانک", "بانک ملی"):
        await officer.click(step)
    await officer.click("💰 ثبت پرداخت وام")
    assert "تومان" in officer.last_text
    await officer.send("/status")  # any command drops the question
    await officer.send("150000000")
    assert (await stage_and_reason(bot, application))[0] == Stage.INTRODUCED_TO_BANK
    await officer.click("💰 ثبت پرداخت وام")
    await officer.send("150000000")
    await officer.click("✅ درست است، ثبت شود")
    assert (await stage_and_reason(bot, application))[0] == Stage.LOAN_PAID


async def test_an_officer_mid_form_answers_the_question_then_goes_on(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await fill_form(officer, Answers(national_id="0790419904"), stop_before="full_name")
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    await officer.send("مدارک ناقص است")  # the reason, not the form's full name
    assert await stage_and_reason(bot, application) == (Stage.REJECTED, "مدارک ناقص است")
    draft = await bot.store.get_draft(officer.id)
    assert draft is not None and "full_name" not in draft.data


async def at_the_bank(bot: Harness) -> tuple[Application, FakeUser]:
    officer = await appoint(bot)
    _, application = await apply(bot)
    for step in ("✅ ثبت نظارت", "✅ تأیید اهلیت", "🔢 ورود به نوبت", "🏦 معرفی به بانک", "بانک ملی"):
        await officer.click(step)
    return application, officer


async def test_a_loan_amount_is_read_back_and_recorded_only_when_confirmed(bot: Harness) -> None:
    application, officer = await at_the_bank(bot)
    await officer.click("💰 ثبت پرداخت وام")
    await officer.send("۱۵۰۰۰۰۰۰")  # a zero too few
    assert "۱۵٬۰۰۰٬۰۰۰ تومان</b>، درست است؟" in officer.last_text
    assert officer.inline_buttons() == ["✅ درست است، ثبت شود", "✏️ اصلاح مبلغ", "✖ لغو"]
    assert (await stage_and_reason(bot, application))[0] == Stage.INTRODUCED_TO_BANK  # nothing recorded yet
    await officer.click("✏️ اصلاح مبلغ")
    assert "به <b>تومان</b> بنویسید" in officer.last_text
    await officer.send("۱۵۰٬۰۰۰٬۰۰۰")
    await officer.send("۱۲۰٬۰۰۰٬۰۰۰")  # typed again instead of pressing: the new amount is read back
    assert "۱۲۰٬۰۰۰٬۰۰۰ تومان</b>، درست است؟" in officer.last_text
    confirmation = officer.latest_inline_message()
    await officer.click("✅ درست است، ثبت شود")
    paid = await bot.store.get_application(application.id)
    assert paid is not None and paid.stage == Stage.LOAN_PAID and paid.loan_amount_rials == 1_200_000_000
    assert await bot.store.get_officer_prompt(officer.id) is None
    await officer.press(f"v1:act:{application.id}:amount_ok", confirmation)  # a second press of the old button
    assert "منقضی" in bot.rec.last("answerCallbackQuery").params["text"]


async def test_a_confirmation_survives_a_restart(config: Config) -> None:
    async with running(config) as first:
        application, officer = await at_the_bank(first)
        await officer.click("💰 ثبت پرداخت وام")
        await officer.send("150000000")
        confirmation = officer.latest_inline_message()
    async with running(config) as second:
        officer = second.user(officer.id, "کارشناس")
        await officer.press(f"v1:act:{application.id}:amount_ok", confirmation)
        paid = await second.store.get_application(application.id)
        assert paid is not None and paid.stage == Stage.LOAN_PAID and paid.loan_amount_rials == 1_500_000_000


async def test_a_confirmation_after_another_officer_acted_records_nothing(bot: Harness) -> None:
    application, officer = await at_the_bank(bot)
    colleague = await appoint(bot, OTHER_OFFICER)
    await officer.click("💰 ثبت پرداخت وام")
    await officer.send("150000000")
    confirmation = officer.latest_inline_message()
    await colleague.send(f"/app {application.permit_number}")
    await colleague.click("❌ رد از سوی بانک")
    await colleague.send("سابقه بانکی ناکافی")
    await officer.press(f"v1:act:{application.id}:amount_ok", confirmation)
    assert "دیگر ممکن نیست" in officer.last_text
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.BANK_REJECTED and current.loan_amount_rials is None
    assert await bot.store.get_officer_prompt(officer.id) is None
