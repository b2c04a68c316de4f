"""Retention: personal fields of applications closed more than RETENTION_YEARS ago are erased by a daily job."""

import json
import sqlite3
from collections.abc import AsyncIterator

import pytest

from bot.config import Config
from domain.lifecycle import Action
from tests.fakes import FakeClock, Harness
from tests.journey import Answers, complete_journey

PERSONAL = ("full_name", "national_id", "birth_date", "mobile", "address", "postal_code")
KEPT = ("category_id", "track", "province_code", "stage", "workers", "issued_at", "updated_at", "permit_number",
        "loan_amount_rials", "city")


@pytest.fixture
async def clocked(config: Config) -> AsyncIterator[tuple[Harness, FakeClock]]:
    clock = FakeClock()
    harness = await Harness(config, clock=clock).start()
    yield harness, clock
    await harness.stop()
    assert not harness.errors


async def run_daily_job(bot: Harness) -> None:
    [job] = bot.app.job_queue.get_jobs_by_name("erase_personal_data")  # type: ignore[union-attr]
    await job.run(bot.app)


async def test_closed_applications_lose_their_personal_fields_after_the_retention_years(
        clocked: tuple[Harness, FakeClock]) -> None:
    bot, clock = clocked
    await complete_journey(bot.user(1001))
    await complete_journey(bot.user(1002), Answers(national_id="0790419904", category="قالیبافی"))
    [closed] = await bot.store.list_user_applications(1001)
    [still_open] = await bot.store.list_user_applications(1002)
    closed = await bot.store.transition(closed.id, Action.WITHDRAW, actor_id=1001)

    clock.advance(days=4 * 365)
    await run_daily_job(bot)
    assert await bot.store.get_application(closed.id) == closed  # not yet: four years

    clock.advance(days=366 + 1)
    stats_before = await bot.store.compute_stats()
    await run_daily_job(bot)
    erased = await bot.store.get_application(closed.id)
    assert erased is not None
    for field in PERSONAL:
        assert getattr(erased, field) != getattr(closed, field), field
    for field in KEPT:
        assert getattr(erased, field) == getattr(closed, field), field
    assert await bot.store.get_application(still_open.id) == still_open  # open: kept, whatever its age
    found = await bot.store.find_by_name("مریم احمدی", None, 10)  # nor does /find's name index keep the name
    assert [a.id for a in found] == [still_open.id]
    assert await bot.store.compute_stats() == stats_before
    rows = await bot.store.db.execute_fetchall(
        "SELECT actor_id, application_id, detail FROM audit_log WHERE action = 'erase_personal_data'")
    assert [(row[0], row[1], json.loads(row[2])) for row in rows] == [
        (None, None, {"applications": 1, "retention_years": 5})]

    await run_daily_job(bot)  # nothing left to erase: no second audit row
    assert len(await bot.store.db.execute_fetchall(
        "SELECT 1 FROM audit_log WHERE action = 'erase_personal_data'")) == 1

    # The same citizen may apply again in the same category; the erased row matches nobody.
    again = bot.user(1001)
    await complete_journey(again)
    assert len(await bot.store.list_user_applications(1001)) == 2


async def test_no_audit_detail_holds_personal_data(clocked: tuple[Harness, FakeClock]) -> None:
    bot, _ = clocked
    await bot.user(9000001).send("/addofficer 501 لرستان")
    await complete_journey(bot.user(1001))
    [application] = await bot.store.list_user_applications(1001)
    await bot.store.transition(application.id, Action.SUPERVISE, actor_id=501)
    await bot.store.transition(application.id, Action.REJECT, actor_id=501, reason="مدارک ناقص")
    details = [row[0] for row in await bot.store.db.execute_fetchall("SELECT coalesce(detail, '') FROM audit_log")]
    for value in (application.national_id, application.mobile, application.full_name, application.postal_code,
                  application.address):
        assert all(value not in detail for detail in details), value


@pytest.mark.sqlite_only  # INSERT OR REPLACE is SQLite's; PostgreSQL has no statement that deletes on conflict
async def test_audit_rows_cannot_be_replaced(clocked: tuple[Harness, FakeClock]) -> None:
    bot, _ = clocked
    await complete_journey(bot.user(1001))
    [[audit_id, action]] = await bot.store.db.execute_fetchall("SELECT id, action FROM audit_log")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await bot.store.writer.execute("INSERT OR REPLACE INTO audit_log (id, at, action) VALUES (?, '2000', 'forged')",
                                   (audit_id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await bot.store.writer.execute("REPLACE INTO audit_log (id, at, action) VALUES (?, '2000', 'forged')",
                                       (audit_id,))
    assert [tuple(row) for row in await bot.store.db.execute_fetchall("SELECT id, action FROM audit_log")] == [
        (audit_id, action)]
