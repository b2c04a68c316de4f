"""The store: migrations are repeatable, the catalog loads once."""

from pathlib import Path

import aiosqlite
import pytest

from bot.app import DATA_DIR
from storage import Store
from storage.catalog import read_catalog
from storage.migrate import migrate


async def _schema(path: Path) -> list[tuple[str, str]]:
    async with aiosqlite.connect(path) as db:
        rows = await db.execute_fetchall("SELECT name, sql FROM sqlite_master ORDER BY name")
        return [(row[0], row[1]) for row in rows]


@pytest.mark.sqlite_only
async def test_migrations_run_twice_leave_the_same_schema(store: Store) -> None:
    before = await _schema(store.path)
    assert await migrate(store.writer) == []
    await store.close()
    await store.connect()
    assert await _schema(store.path) == before
    assert await store.schema_version() >= 1


@pytest.mark.sqlite_only
async def test_pragmas_are_set(store: Store) -> None:
    journal = await store.writer.execute_fetchall("PRAGMA journal_mode")
    foreign_keys = await store.writer.execute_fetchall("PRAGMA foreign_keys")
    reader_only = await store.db.execute_fetchall("PRAGMA query_only")
    assert journal[0][0] == "wal" and foreign_keys[0][0] == 1 and reader_only[0][0] == 1


async def test_catalog_loads_once(store: Store) -> None:
    catalog = read_catalog(DATA_DIR)
    await store.load_catalog(catalog)
    await store.load_catalog(catalog)
    provinces = await store.list_provinces()
    assert len(provinces) == 31
    assert {p.code for p in provinces} >= {"IR-00", "IR-15", "IR-23", "IR-30"}
    categories = await store.list_categories()
    assert len(categories) == len(catalog.categories)
    sectors = await store.list_sectors()
    assert [s.code for s in sectors][:3] == ["handicrafts", "cultural_artistic", "production"]


async def test_starred_categories_carry_their_approving_body(store: Store) -> None:
    await store.load_catalog(read_catalog(DATA_DIR))
    by_name = {c.name_fa: c for c in await store.list_categories()}
    assert by_name["ترجمه"].needs_extra_approval and by_name["ترجمه"].approval_body == "culture"
    assert not by_name["قالیبافی"].needs_extra_approval and by_name["قالیبافی"].approval_body is None


async def test_language_is_stored_per_user(store: Store) -> None:
    await store.ensure_user(7, "fa")
    await store.set_language(7, "en")
    user = await store.get_user(7)
    assert user is not None and user.language == "en" and user.role == "applicant"
