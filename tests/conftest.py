"""Fixtures: a fresh database per test, the real Application over the offline Bot API."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from bot.config import Config
from storage import Store
from tests.fakes import FakeUser, Harness

ADMIN_ID = 9000001

# Same examples on every run and machine; no timing-based failures on a busy CI box.
settings.register_profile("project", derandomize=True, deadline=None, max_examples=100)
settings.load_profile("project")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config.from_env({"BOT_TOKEN": "123456:TEST-token", "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
                            "ADMIN_IDS": str(ADMIN_ID),
                            "FLOOD_LIMIT": "1000"})  # tests type faster than people; test_reliability checks floods


@pytest.fixture
async def store(config: Config) -> AsyncIterator[Store]:
    store = Store(config.database_path)
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
