"""«همه را انجام بده» in /pending filtered to one action: only the bulk-safe step (eligible → the loan queue),
confirmed with the count, in the order of eligibility, each application audited; other actions refused."""

from bot.config import Config
from domain.lifecycle import Action, Stage
from tests.fakes import FakeClock, Harness
from tests.test_desk_find import issue
from tests.test_officer import OFFICER, appoint


async def test_every_eligible_application_is_queued_in_the_order_of_eligibility(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        officer = await appoint(bot)
        applications = [await issue(bot, name) for name in ("مریم احمدی", "زهرا کریمی", "سارا نوری")]
        for application in applications:
            await bot.store.transition(application.id, Action.SUPERVISE, None)
        for application in reversed(applications):  # the last issued became eligible first
            clock.advance(hours=1)
            await bot.store.transition(application.id, Action.APPROVE, None)
        waiting = await issue(bot, "لیلا نوری")  # not eligible yet: untouched

        await officer.send("/pending نوبت")
        await officer.click("⏩ همه را انجام بده")
        assert "۳ پرونده" in officer.last_text
        mark = len(bot.rec.calls)
        await officer.click("✅ بله، هر ۳ پرونده")
        # Among what the officer is sent (the courier's job may deliver the new cards meanwhile): the summary.
        assert any("انجام شد: ۳ پرونده" in text for text in officer.texts_since(mark))
        queued = [await bot.store.get_application(a.id) for a in applications]
        assert all(a is not None and a.stage == Stage.QUEUED for a in queued)
        order = sorted(queued, key=lambda a: a.queue_seq or 0)  # type: ignore[union-attr]
        assert [a.id for a in order] == [a.id for a in reversed(applications)]  # type: ignore[union-attr]
        for application in applications:
            [*_, entry] = await bot.store.list_audit(application.id)
            assert (entry.action, entry.actor_id) == ("queue", OFFICER)
        still = await bot.store.get_application(waiting.id)
        assert still is not None and still.stage == Stage.PERMIT_ISSUED
    finally:
        await bot.stop()
    assert not bot.errors


async def test_only_the_safe_action_is_offered_and_others_are_refused(bot: Harness) -> None:
    officer = await appoint(bot)
    application = await issue(bot, "مریم احمدی")
    await officer.send("/pending نظارت")
    assert "⏩ همه را انجام بده" not in officer.inline_buttons()
    listing = officer.latest_inline_message()
    for forged in ("supervise", "reject", "pay_loan", "fail_supervision"):
        await officer.press(f"v1:bulk:yes:{forged}")
        assert "یک‌جا" in bot.rec.last("answerCallbackQuery").params["text"]
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.PERMIT_ISSUED
    stranger = bot.user(777)
    await stranger.press("v1:bulk:yes:queue", listing)  # a forged press from someone who is not an officer
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
