"""Fixtures: a fresh database per test, the real Application over the offline Bot API.

Every test that uses `config` (and so `store`, `bot`, `user`) runs twice: on SQLite, and on PostgreSQL when a
server is at hand (TEST_DATABASE_URL, or a throwaway cluster from the machine's binaries, see
tests/postgres_server.py). Each test gets its own database copied from a migrated template, on both: running
every migration for every test would cost more than most tests themselves.
"""

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from bot.config import Config
from storage import Store
from tests.fakes import FakeUser, Harness
from tests.postgres_server import PostgresForTests, prepare_template

ADMIN_ID = 9000001

# Same examples on every run and machine; no timing-based failures on a busy CI box.
settings.register_profile("project", derandomize=True, deadline=None, max_examples=100)
settings.load_profile("project")


def pytest_report_header() -> str:
    return PostgresForTests.shared().describe()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresForTests]:
    server = PostgresForTests.shared()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with every migration applied and the shipped catalog loaded, copied by each test."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    asyncio.run(prepare_template(path))
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, postgres: PostgresForTests) -> Iterator[str | None]:
    """None on SQLite; a fresh PostgreSQL database's URL on PostgreSQL."""
    if request.param == "sqlite":
        yield None
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("SQLite only")
    if not postgres.available:
        pytest.skip(postgres.describe())
    url = postgres.fresh_database()
    yield url
    postgres.drop_database(url)


@pytest.fixture
def config(tmp_path: Path, backend: str | None, migrated_sqlite: Path) -> Config:
    if backend is None:
        shutil.copyfile(migrated_sqlite, tmp_path / "bot.sqlite3")
    return Config.from_env({"BOT_TOKEN": "123456:TEST-token", "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
                            "ADMIN_IDS": str(ADMIN_ID), "DATABASE_URL": backend or "",
                            "FLOOD_LIMIT": "1000"})  # tests type faster than people; test_reliability checks floods


@pytest.fixture
async def store(config: Config) -> AsyncIterator[Store]:
    store = Store(config.database)
    await store.connect()
    yield store
    await store.close()


@pytest.fixture
async def bot(config: Config) -> AsyncIterator[Harness]:
    harness = await Harness(config).start()
    yield harness
    await harness.stop()
    assert not harness.errors, f"a handler raised: {harness.errors!r}"


@pytest.fixture
def user(bot: Harness) -> FakeUser:
    return bot.user()
