"""The summaries kept with every change (tallies, monthly permits, queue stretches) always equal a full scan."""

import asyncio
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import DATA_DIR
from domain.lifecycle import Action, legal_actions
from storage import StageConflict, Store
from storage.catalog import read_catalog
from storage.migrate import migrate
from storage.records import PermitRequest, Stats
from tests.seeding import next_national_id

SCAN = """
SELECT count(*), count(*) FILTER (WHERE track = 'independent'), count(*) FILTER (WHERE track = 'support'),
       coalesce(sum(workers), 0), count(*) FILTER (WHERE stage = 'queued'), count(loan_paid_at),
       coalesce(sum(loan_amount_rials) FILTER (WHERE loan_paid_at IS NOT NULL), 0),
       count(supervised_at), count(eligible_at), count(queued_at), count(introduced_at)
FROM applications
WHERE stage NOT IN ('withdrawn', 'revoked') AND (CAST(:province AS TEXT) IS NULL OR province_code = :province)
"""


async def scanned(store: Store, province: str | None) -> tuple[int, ...]:
    [row] = await store.db.execute_fetchall(SCAN, {"province": province})
    return tuple(int(value) for value in row)


def summarised(stats: Stats) -> tuple[int, ...]:
    return (stats.permits_total, stats.independent, stats.support, stats.jobs_created, stats.queue_length,
            stats.loans_paid, stats.loans_paid_rials, *stats.funnel[1:5])


async def positions_by_scan(store: Store) -> dict[int, int]:
    rows = await store.db.execute_fetchall(
        "SELECT id, (SELECT count(*) FROM applications q WHERE q.province_code = a.province_code"
        " AND q.stage = 'queued' AND q.queue_seq < a.queue_seq) FROM applications a WHERE a.stage = 'queued'")
    return {int(row[0]): int(row[1]) + 1 for row in rows}


def sample_request(category_id: int, province: str, pick: int) -> PermitRequest:
    return PermitRequest(
        user_id=1, category_id=category_id, track=("independent", "support")[pick % 2], full_name="نمونه آزمایشی",
        national_id=next_national_id(), birth_date=date(1990, 1, 1), mobile="09120000000", province_code=province,
        city="شهر", address="نشانی آزمایشی", postal_code="1234567890", education="diploma", workers=1 + pick % 7)


operations = st.lists(st.tuples(st.sampled_from(["issue", "act"]), st.sampled_from(["IR-15", "IR-23"]),
                                st.integers(0, 10_000), st.sampled_from(list(Action))), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None)
@given(steps=operations)
def test_summaries_match_a_scan_after_any_history(tmp_path_factory: object, steps: list) -> None:  # type: ignore[type-arg]
    path = Path(tmp_path_factory.mktemp("summaries")) / "bot.sqlite3"  # type: ignore[attr-defined]
    asyncio.run(_replay(path, steps))


async def _replay(path: Path, steps: list) -> None:  # type: ignore[type-arg]
    store = Store(path, clock=lambda: datetime(2026, 11, 25, 9, tzinfo=UTC))
    await store.connect()
    try:
        await store.load_catalog(read_catalog(DATA_DIR))
        categories = [c.id for c in await store.list_categories()]
        await store.ensure_user(1, "fa")
        ids: list[int] = []
        for kind, province, pick, action in steps:
            if kind == "issue" or not ids:
                request = sample_request(categories[pick % len(categories)], province, pick)
                application = await store.issue_permit(request, "{province}-{year}-{seq:05d}-{check}", 5)
                ids.append(application.id)
                continue
            target = ids[pick % len(ids)]
            current = await store.get_application(target)
            assert current is not None
            legal = legal_actions(current.stage)
            chosen = action if action in legal else (legal[pick % len(legal)] if legal else action)
            with suppress(StageConflict):  # a closed application: nothing is legal any more
                await store.transition(target, chosen, None, loan_amount_rials=10_000_000 * (1 + pick % 9)
                                       if chosen == Action.PAY_LOAN else None)
        for province in (None, "IR-15", "IR-23"):
            assert summarised(await store.compute_stats(province)) == await scanned(store, province), province
        for application_id, position in (await positions_by_scan(store)).items():
            found = await store.queue_position(application_id)
            assert found is not None and found.position == position
    finally:
        await store.close()


@pytest.mark.sqlite_only  # PostgreSQL databases start empty: copy-to-postgres brings the history
async def test_the_summaries_migration_counts_an_existing_database(store: Store) -> None:
    """Migration 0006 met databases that already held applications: it must count them as the bot would."""
    await store.load_catalog(read_catalog(DATA_DIR))
    categories = [c.id for c in await store.list_categories()]
    await store.ensure_user(1, "fa")
    for pick in range(40):
        request = sample_request(categories[pick % 7], ("IR-15", "IR-23")[pick % 2], pick)
        application = await store.issue_permit(request, "{province}-{year}-{seq:05d}-{check}", 5)
        for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE, Action.INTRODUCE)[: pick % 5]:
            await store.transition(application.id, action, None)
    expected = {province: summarised(await store.compute_stats(province)) for province in (None, "IR-15", "IR-23")}
    positions = await positions_by_scan(store)
    # Back to the day before 0006: no summaries, one national queue sequence.
    await store.writer.executescript(
        "DROP TABLE tallies; DROP TABLE monthly_permits; DROP TABLE queue_buckets;"
        " DROP INDEX IF EXISTS applications_awaiting; DELETE FROM schema_version WHERE version = 6;"
        " UPDATE applications SET queue_seq = queue_seq * 7 + id WHERE stage = 'queued';"
        " DELETE FROM counters WHERE name LIKE 'queue:%'; INSERT INTO counters VALUES ('queue', 999);")
    await migrate(store.writer)
    for province, figures in expected.items():
        assert summarised(await store.compute_stats(province)) == figures
    for application_id, position in positions.items():
        found = await store.queue_position(application_id)
        assert found is not None and found.position == position


async def test_writers_running_side_by_side_never_share_a_transaction(store: Store) -> None:
    """A handler's transaction, the courier's updates and a job's transaction interleave on one connection."""
    await store.load_catalog(read_catalog(DATA_DIR))
    categories = [c.id for c in await store.list_categories()]
    await store.ensure_user(1, "fa")
    number = "{province}-{year}-{seq:05d}-{check}"
    first = [await store.issue_permit(sample_request(categories[n % 5], "IR-15", n), number, 5) for n in range(20)]
    work = []
    for n, application in enumerate(first):
        work += [
            store.transition(application.id, Action.SUPERVISE, None),
            store.issue_permit(sample_request(categories[n % 5], "IR-23", n), number, 5),
            store.save_draft(1, "reg.full_name", {"n": n}),
            store.mark_sent(n + 1),
            store.purge_drafts(timedelta(days=7)),
        ]
    await asyncio.gather(*work)
    for province in (None, "IR-15", "IR-23"):
        assert summarised(await store.compute_stats(province)) == await scanned(store, province)
    assert len(await store.list_outbox("sent")) == 20
