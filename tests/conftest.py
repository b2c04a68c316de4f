"""Fixtures: a fresh database per test, the real Application over the offline Bot API.

Every test that uses `config` (and so `store`, `bot`, `user`) runs twice: on SQLite with Telegram, and on
PostgreSQL with Bale when a server is at hand (TEST_DATABASE_URL, or a throwaway cluster from the machine's
binaries, see tests/postgres_server.py); TEST_RUNS picks other pairs. The Bale run is the stand-in Bot API in
Bale's profile and the bot set up for it (BALE_FEATURES: Markdown, keyboards resent, no menus, no «choose a
user», paced polling), so every journey meets Bale's gaps. Its people keep the test's ids: running the bot as a
Bale bot (PLATFORM=bale: ids moved into Bale's range, ble.ir links, «بله» in texts) is what test_identity,
test_both_messengers and test_bale cover. Each test gets its own database copied from a migrated template, on
both: running every migration for every test would cost more than most tests themselves.
"""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from bot.config import Config
from bot.platforms import Platform
from messages.formatting import TEHRAN
from messages.render import configure as configure_rendering
from storage import Store
from tests.fakes import FakeUser, Harness
from tests.postgres_server import PostgresForTests, prepare_template

ADMIN_ID = 9000001

# Same examples on every run and machine; no timing-based failures on a busy CI box.
settings.register_profile("project", derandomize=True, deadline=None, max_examples=100)
settings.load_profile("project")


def pytest_report_header() -> str:
    return PostgresForTests.shared().describe()


@pytest.fixture(autouse=True)
def default_rendering() -> None:
    """render() outside an app names Telegram in Tehran's time, whatever the app a test before this one set."""
    configure_rendering(timezone=TEHRAN)


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


# Bale's gaps as its settings answer them (bot/platforms.py FEATURES), for the suite's Bale run.
BALE_FEATURES = {"PARSE_MODE": "markdown", "EDIT_KEYBOARDS": "resend", "COMMAND_MENUS": "off", "REQUEST_USERS": "off",
                 "POLL_INTERVAL": "1"}


def _runs() -> list[tuple[str, Platform]]:
    """(database, platform) of each run of a test: SQLite with Telegram and PostgreSQL with Bale, so both
    databases and both platforms are covered with two runs; TEST_RUNS=sqlite-bale (comma-separated) instead."""
    chosen = os.environ.get("TEST_RUNS") or "sqlite-telegram,postgresql-bale"
    runs = [tuple(run.strip().split("-", 1)) for run in chosen.split(",") if run.strip()]
    assert all(database in ("sqlite", "postgresql") and platform in tuple(Platform) for database, platform in runs), \
        f"TEST_RUNS takes database-platform pairs such as sqlite-telegram,postgresql-bale; got {chosen!r}"
    return [(database, Platform(platform)) for database, platform in runs]


@pytest.fixture(params=_runs(), ids=lambda run: f"{run[0]}-{run[1]}")
def run(request: pytest.FixtureRequest) -> tuple[str, Platform]:
    """This run's database and platform; a test marked telegram_only or bale_only runs on its platform only."""
    database, platform = request.param
    for marker, only in (("telegram_only", Platform.TELEGRAM), ("bale_only", Platform.BALE)):
        if (mark := request.node.get_closest_marker(marker)) and platform is not only:
            pytest.skip(f"{only} only: {mark.kwargs.get('reason', '')}")
    return database, platform


@pytest.fixture
def platform(run: tuple[str, Platform]) -> Platform:
    return run[1]


@pytest.fixture
def backend(run: tuple[str, Platform], request: pytest.FixtureRequest,
            postgres: PostgresForTests) -> Iterator[str | None]:
    """None on SQLite; a fresh PostgreSQL database's URL on PostgreSQL."""
    if run[0] == "sqlite":
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
def config(tmp_path: Path, backend: str | None, platform: Platform, migrated_sqlite: Path) -> Config:
    if backend is None:
        shutil.copyfile(migrated_sqlite, tmp_path / "bot.sqlite3")
    return Config.from_env({"BOT_TOKEN": "123456:TEST-token", "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
                            "ADMIN_IDS": str(ADMIN_ID), "DATABASE_URL": backend or "",
                            "FLOOD_LIMIT": "1000"}  # tests type faster than people; test_reliability checks floods
                           | (BALE_FEATURES if platform is Platform.BALE else {}))


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
