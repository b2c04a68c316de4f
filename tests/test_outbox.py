"""The outbox courier: what Telegram accepted is never sent again, even when the database refuses the mark."""

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Config
from tests.conftest import ADMIN_ID
from tests.fakes import FakeClock, Harness
from tests.journey import complete_journey

OFFICER = 501
SECOND_ADMIN = 9000002


@pytest.fixture
async def courier_bot(config: Config) -> AsyncIterator[tuple[Harness, FakeClock]]:
    clock = FakeClock()
    harness = await Harness(replace(config, admin_ids=frozenset({ADMIN_ID, SECOND_ADMIN})), clock=clock).start()
    harness.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # the test drives the courier itself
    yield harness, clock
    harness.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
    await harness.stop()
    assert not harness.errors


@contextmanager
def database_locked(path: Path) -> Iterator[None]:
    """Another process holds the write lock (a backup, a stuck writer): every write of the bot times out."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def cards_sent(bot: Harness, officer_id: int) -> int:
    return sum("درخواست جدید" in call.text for call in bot.rec.sent("sendMessage", officer_id))


@pytest.mark.sqlite_only  # locks the SQLite file; on PostgreSQL a lost connection is test_postgres's
async def test_a_card_whose_mark_fails_is_not_sent_again(courier_bot: tuple[Harness, FakeClock]) -> None:
    bot, clock = courier_bot
    await bot.store.set_officer(OFFICER, "IR-15", actor_id=ADMIN_ID, language="fa")
    await complete_journey(bot.user(1001))
    await bot.store.writer.execute("PRAGMA busy_timeout = 20")  # fail fast instead of waiting five seconds
    with database_locked(bot.config.database_path):
        assert await bot.deliver() == 1
        for _ in range(3):
            clock.advance(seconds=5)
            assert await bot.deliver() == 0
    assert cards_sent(bot, OFFICER) == 1
    assert len(await bot.store.list_outbox("pending")) == 1  # the mark is still owed

    assert await bot.deliver() == 0  # the database is back: the mark is written, nothing is sent
    assert cards_sent(bot, OFFICER) == 1
    assert await bot.store.list_outbox("pending") == []
    [application] = await bot.store.list_user_applications(1001)
    [card] = await bot.store.list_officer_cards(application.id)
    assert card.officer_id == OFFICER and "درخواست جدید" in bot.rec.messages[(OFFICER, card.message_id)]["text"]


async def test_an_admin_alert_failing_for_one_admin_is_not_resent_to_the_others(
        courier_bot: tuple[Harness, FakeClock]) -> None:
    bot, clock = courier_bot
    bot.rec.failures[SECOND_ADMIN] = (500, "Internal Server Error")
    await complete_journey(bot.user(1001))  # no officer in the province: the admins are told
    await bot.deliver()
    clock.advance(seconds=5)
    del bot.rec.failures[SECOND_ADMIN]
    await bot.deliver()
    clock.advance(minutes=5)
    await bot.deliver()
    alerts = [call.chat_id for call in bot.rec.sent("sendMessage") if "کارشناس فعالی ندارد" in call.text]
    assert sorted(alerts) == [ADMIN_ID, SECOND_ADMIN, SECOND_ADMIN]  # the second admin's failed try, then the alert
    assert await bot.store.list_outbox("pending") == []


async def test_an_alert_for_all_admins_queued_during_a_drain_waits_for_its_fan_out(
        courier_bot: tuple[Harness, FakeClock], caplog: pytest.LogCaptureFixture) -> None:
    bot, _ = courier_bot
    await complete_journey(bot.user(1001))  # no officer in Lorestan: an alert for all admins is queued
    assert [m.kind.value for m in await bot.store.due_messages()] == []  # not deliverable until fanned out
    await bot.deliver()
    alerts = [call.chat_id for call in bot.rec.sent("sendMessage") if call.chat_id in (ADMIN_ID, SECOND_ADMIN)]
    assert sorted(alerts) == [ADMIN_ID, SECOND_ADMIN]
    assert "nothing to deliver" not in caplog.text
