"""Overdue flags on cards and in /pending after each step's target time, /pending overdue oldest first, and the
officers' morning digest at DIGEST_TIME (a hand-moved clock)."""

from datetime import time

from bot.config import Config
from tests.fakes import FakeClock, Harness, mentions, shown
from tests.test_desk_find import issue
from tests.test_officer import OFFICER, appoint, buttons, card_of


async def test_flags_appear_after_the_target_and_overdue_lists_oldest_first(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        officer = await appoint(bot)
        oldest = await issue(bot, "زهرا کریمی")
        clock.advance(days=3)
        newer = await issue(bot, "سارا نوری")
        clock.advance(days=12)  # oldest: 15 days waiting for supervision (target 14); newer: 12
        await officer.send("/pending")
        listed = officer.last_text
        assert "⏰ ۱۵ روز" in listed and "⏰ ۱۲" not in listed
        await officer.send(f"/app {oldest.permit_number}")
        assert "⏰ ۱۵ روز در انتظار" in card_of(officer, oldest)["text"]
        await officer.send(f"/app {newer.permit_number}")
        assert "⏰" not in card_of(officer, newer)["text"]

        clock.advance(days=3)
        await officer.send("/pending دیرکرد")
        listed = officer.last_text
        assert listed.index(shown(oldest.permit_number)) < listed.index(shown(newer.permit_number))
        assert "⏰ ۱۸ روز" in listed and "⏰ ۱۵ روز" in listed
        await officer.click("✅ ثبت نظارت")  # on the newer one's card: the clock for eligibility starts now
        await officer.click("⏰ دیرکرد")
        assert not mentions(officer.last_text, newer.permit_number)  # the list shown again
    finally:
        await bot.stop()
    assert not bot.errors


async def test_the_morning_digest_reaches_each_officer_at_its_hour(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        await appoint(bot)
        tehran = await appoint(bot, 601, "تهران")
        late = await issue(bot, "زهرا کریمی")
        clock.advance(days=20)
        await issue(bot, "سارا نوری")
        [job] = bot.app.job_queue.get_jobs_by_name("digest")  # type: ignore[union-attr]
        assert job.next_t is not None and job.next_t.astimezone(config.timezone).time() == time(8, 0)
        await job.run(bot.app)
        # The digest itself, not a card the courier delivered beside it (the second application's).
        [*_, digest] = [call for call in bot.rec.sent("sendMessage", OFFICER) if "گزارش صبح میز کار" in call.text]
        assert "در انتظار نظارت: ۲" in digest.text and "دیرکرد: ۱" in digest.text
        assert mentions(digest.text, late.permit_number) and "۲۰ روز" in digest.text
        assert buttons(digest.params) == [f"📄 {shown(late.permit_number)}"]
        assert "چیزی در انتظار نیست" in bot.rec.last("sendMessage", tehran.id).text
    finally:
        await bot.stop()
    assert not bot.errors
