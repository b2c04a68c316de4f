"""Memory the bot gives back: the search cache is bounded, and purged drafts leave nothing behind."""

import gc
import tracemalloc

from bot.config import Config
from tests.fakes import FakeClock, FakeUser, Harness
from tests.journey import fill_form


async def test_long_distinct_searches_are_not_kept_in_memory(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="category")
    await user.send("گلیم" * 10)  # warm up: the catalog's names are cached once, as they should be
    bot.rec.clear()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(60):
            await user.send(f"{index:04d}" + "ب" * 4092)  # each a different 4,096-character query
        bot.rec.clear()  # the recorder keeps every reply; the bot must not keep the queries
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 250_000, f"{kept} bytes kept after 60 long searches"


async def test_the_draft_purge_forgets_the_user_and_their_conversation(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        user = bot.user(52)
        await fill_form(user, stop_before="address")
        assert 52 in bot.app.user_data
        clock.advance(days=8)
        [job] = bot.app.job_queue.get_jobs_by_name("purge_expired_drafts")  # type: ignore[union-attr]
        await job.run(bot.app)
        assert 52 not in bot.app.user_data
        [registration] = [handler for handler in bot.app.handlers[0] if getattr(handler, "name", "") == "registration"]
        assert all(key[-1] != 52 for key in registration._conversations)  # noqa: SLF001  PTB has no public view
    finally:
        await bot.stop()
    assert not bot.errors
