"""What two databases and two processes add: the append-only audit log, failed migrations, writers on two
processes at once, the outbox claimed once, leader election and failover, bad DATABASE_URLs."""

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest

import main
from bot.config import Config
from bot.health import serve_health
from bot.leadership import Leadership
from domain.lifecycle import Action
from storage import AlreadyRegistered, Store
from storage.catalog import read_catalog
from storage.migrate import Migration, available_migrations
from tests.fakes import Harness
from tests.journey import Answers, complete_journey, fill_form
from tests.postgres_server import PostgresForTests
from tests.test_reliability import OFFICER, appoint
from tests.test_summaries import DATA_DIR, sample_request

NUMBER = "{province}-{year}-{seq:05d}-{check}"


@pytest.fixture
def postgres_url(backend: str | None) -> str:
    if backend is None:
        pytest.skip("PostgreSQL only")
    return backend


@pytest.fixture
def empty_postgres_url(backend: str | None, postgres: PostgresForTests) -> Iterator[str]:
    if backend is None:
        pytest.skip("PostgreSQL only")
    url = postgres.empty_database()
    yield url
    postgres.drop_database(url)


async def test_the_audit_log_is_append_only(store: Store) -> None:
    await store.ensure_user(1, "fa")
    await store.load_catalog(read_catalog(DATA_DIR))
    application = await store.issue_permit(sample_request((await store.list_categories())[0].id, "IR-15", 1),
                                           NUMBER, 5)
    refused = ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"]
    if store.dialect == "postgresql":
        refused.append("TRUNCATE audit_log CASCADE")
    for statement in refused:
        with pytest.raises(Exception, match="append-only"):
            async with store.transaction() as db:
                await db.execute(statement)
    assert [entry.action for entry in await store.list_audit(application.id)] == ["issue"]


@pytest.fixture
def broken_migration(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    latest = max(migration.version for migration in available_migrations())
    broken = Migration(latest + 1, "half_done", "CREATE TABLE half_done (x INTEGER); INSERT INTO nowhere VALUES (1);",
                       "CREATE TABLE half_done (x BIGINT); INSERT INTO nowhere VALUES (1);")
    monkeypatch.setattr("storage.migrate.available_migrations", lambda: [*available_migrations(), broken])
    yield


async def test_a_failed_migration_leaves_the_schema_as_it_was(config: Config, broken_migration: None) -> None:
    store = Store(config.database)
    with pytest.raises(Exception, match="nowhere"):
        await store.connect()
    await store.close()
    latest = max(migration.version for migration in available_migrations())
    if config.database_url:
        connection = await asyncpg.connect(config.database_url)
        version = await connection.fetchval("SELECT max(version) FROM schema_version")
        half_done = await connection.fetchval("SELECT to_regclass('half_done')")
        await connection.close()
        assert half_done is None and version == latest
    else:
        import sqlite3
        with sqlite3.connect(config.database_path) as db:
            assert db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == latest
            assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0


async def two_stores(url: str) -> tuple[Store, Store]:
    first, second = Store(url), Store(url)
    await first.connect()
    await second.connect()
    await first.load_catalog(read_catalog(DATA_DIR))
    await first.ensure_user(1, "fa")
    return first, second


async def test_two_processes_writing_at_once_keep_every_rule(postgres_url: str) -> None:
    """One national ID, one open application per category; permit numbers and queue places never repeat."""
    first, second = await two_stores(postgres_url)
    try:
        category = (await first.list_categories())[0].id
        same = sample_request(category, "IR-15", 7)
        outcomes = await asyncio.gather(*(store.issue_permit(same, NUMBER, 5) for store in (first, second) * 5),
                                        return_exceptions=True)
        assert sum(not isinstance(outcome, BaseException) for outcome in outcomes) == 1
        assert all(isinstance(outcome, AlreadyRegistered) for outcome in outcomes if isinstance(outcome, BaseException))
        issued = await asyncio.gather(*(store.issue_permit(sample_request(category, "IR-15", 100 + n), NUMBER, 5)
                                        for n, store in enumerate((first, second) * 15)))
        sequences = sorted(int(application.permit_number.split("-")[2]) for application in issued)
        assert sequences == list(range(2, 32))
        for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE):
            await asyncio.gather(*(store.transition(application.id, action, None)
                                   for store, application in zip((first, second) * 15, issued, strict=True)))
        places = [(await first.get_application(application.id)).queue_seq for application in issued]  # type: ignore[union-attr]
        assert sorted(places) == list(range(1, 31))  # type: ignore[type-var]
        positions = {(await second.queue_position(application.id)).position for application in issued}  # type: ignore[union-attr]
        assert positions == set(range(1, 31))
    finally:
        await first.close()
        await second.close()


async def test_two_couriers_never_claim_one_outbox_row(postgres_url: str) -> None:
    first, second = await two_stores(postgres_url)
    try:
        category = (await first.list_categories())[0].id
        await first.set_officer(500, "IR-15", 9, "fa")
        for n in range(40):
            await first.issue_permit(sample_request(category, "IR-15", 200 + n), NUMBER, 5)
        claims = await asyncio.gather(*(store.due_messages(7) for store in (first, second) * 4))
        ids = [message.id for claim in claims for message in claim]
        assert len(ids) == len(set(ids)) == 40
    finally:
        await first.close()
        await second.close()


async def test_the_standby_finishes_the_form_after_the_leader_dies_and_the_card_goes_once(
        postgres_url: str, config: Config) -> None:
    first = Leadership(postgres_url, poll_seconds=0.2, identity="host-a:101")
    second = Leadership(postgres_url, poll_seconds=0.2, identity="host-b:202")
    await first.acquire()
    standby = asyncio.create_task(second.acquire())
    leader = await Harness(config, leadership=first).start()
    leader.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # it dies before its courier runs
    await appoint(leader)
    await fill_form(leader.user(1002), stop_before="mobile")
    await asyncio.sleep(0.5)
    assert first.leading and not second.leading and await second.describe() == "host-a:101"

    died = time.monotonic()
    await first.release()  # its lock connection is gone, as after kill -9: PostgreSQL drops the lock
    leader.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
    await leader.stop()
    await asyncio.wait_for(standby, timeout=10)
    assert second.leading and time.monotonic() - died < 10
    successor = await Harness(config, leadership=second).start()
    try:
        person, answers = successor.user(1002), Answers()
        await person.send_contact(answers.mobile)  # the step the form was at
        for text in (answers.province, answers.city, answers.address, answers.postal_code):
            await person.send(text)
        await person.click(answers.education)
        await person.send(answers.workers)
        await person.click(answers.confirm)
        [application] = await successor.store.list_user_applications(1002)  # what the leader heard is kept
        assert application.full_name == answers.full_name and application.mobile == answers.mobile
        await asyncio.gather(successor.deliver(), successor.deliver())
        cards = Counter(call.chat_id for call in successor.rec.sent("sendMessage") if "درخواست جدید" in call.text)
        assert cards == {OFFICER: 1}
        assert not [call for call in leader.rec.sent("sendMessage") if "درخواست جدید" in call.text]
        assert await successor.store.list_outbox("pending") == []
        await successor.user(9000001).send("/health")
        assert "host-b:202" in list(successor.rec.sent("sendMessage"))[-1].text
    finally:
        await successor.stop()
        await second.release()
    assert not leader.errors and not successor.errors


async def test_check_names_the_leader(postgres_url: str, config: Config, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(postgres_url)
    await store.connect()
    await store.load_catalog(read_catalog(DATA_DIR))
    await store.close()
    leadership = Leadership(postgres_url, identity="host-c:303")
    await leadership.acquire()
    try:
        monkeypatch.setenv("BOT_TOKEN", "123:abc")
        monkeypatch.setenv("DATABASE_URL", postgres_url)
        assert await asyncio.to_thread(main.main, ["check"]) == 0
        out = capsys.readouterr().out
        assert "leader: host-c:303" in out and "FAIL" not in out
    finally:
        await leadership.release()


async def test_the_health_endpoint_answers_200_only_on_the_leader(postgres_url: str) -> None:
    async def status(leadership: Leadership) -> bytes:
        server = await serve_health(("127.0.0.1", 0), leadership)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = await reader.read()
        writer.close()
        server.close()
        return answer.split(b"\r\n", 1)[0]

    standby = Leadership(postgres_url)
    assert await status(standby) == b"HTTP/1.1 503 Service Unavailable"
    await standby.acquire()
    try:
        assert await status(standby) == b"HTTP/1.1 200 OK"
    finally:
        await standby.release()
    assert await status(Leadership(None)) == b"HTTP/1.1 200 OK"  # SQLite: always the leader


@pytest.mark.parametrize("url", ["postgresql://bot:s3cret@127.0.0.1:1/permits", "mysql://bot:s3cret@host/db"])
def test_a_bad_database_url_stops_with_one_line_and_the_password_masked(
        url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_URL", url)
    assert main.main(["run"]) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and "DATABASE_URL" in error
    assert "s3cret" not in error and "***" in error


async def test_copy_to_postgres_moves_everything_and_refuses_a_second_time(
        empty_postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    postgres_url = empty_postgres_url
    sqlite_config = Config.from_env({"BOT_TOKEN": "123:abc", "DATABASE_PATH": str(tmp_path / "old.sqlite3"),
                                     "ADMIN_IDS": "9000001"})
    old = await Harness(sqlite_config).start()
    old.app.job_queue.scheduler.pause()  # type: ignore[union-attr]
    await appoint(old)
    await complete_journey(old.user(1001))
    await fill_form(old.user(1002), Answers(national_id="0790419904"), stop_before="mobile")
    await old.store.transition((await old.store.list_user_applications(1001))[0].id, Action.SUPERVISE, OFFICER)
    outbox = [(m.id, m.kind, m.chat_id) for m in await old.store.list_outbox()]
    old.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
    await old.stop()
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "old.sqlite3"))
    assert await asyncio.to_thread(main.main, ["copy-to-postgres", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "applications: 1 rows" in out and "drafts: 1 rows" in out and "summaries: the same on both" in out
    moved = await Harness(replace(sqlite_config, database_url=postgres_url)).start()
    try:
        [application] = await moved.store.list_user_applications(1001)
        assert [entry.action for entry in await moved.store.list_audit(application.id)] == ["issue", "supervise"]
        assert [(m.id, m.kind, m.chat_id) for m in await moved.store.list_outbox()] == outbox
        await moved.user(1002).send_contact(Answers().mobile)  # the unfinished form goes on where it was
        draft = await moved.store.get_draft(1002)
        assert draft is not None and draft.data["mobile"] == Answers().mobile
        await moved.store.ensure_user(1, "fa")
        second = await moved.store.issue_permit(sample_request(application.category_id, "IR-15", 9), NUMBER, 5)
        assert second.id > application.id  # the identity sequences moved past the copied ids
    finally:
        await moved.stop()
    assert await asyncio.to_thread(main.main, ["copy-to-postgres", postgres_url]) == 1
    assert "already holds data" in capsys.readouterr().err
