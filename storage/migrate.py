"""Numbered SQL migrations (`migrations/NNNN_name.sql`), each applied once in its own transaction."""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import aiosqlite

from storage.dialect import postgres_schema

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"([0-9]{4})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    postgres_twin: str | None = None  # NNNN_name.postgresql.sql, where SQLite's text does not translate

    def postgres_sql(self) -> str:
        return self.postgres_twin if self.postgres_twin is not None else postgres_schema(self.sql)


def available_migrations() -> list[Migration]:
    found = []
    folder = resources.files("storage.migrations")
    for entry in folder.iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match:
            twin = folder / entry.name.replace(".sql", ".postgresql.sql")
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8"),
                                   twin.read_text(encoding="utf-8") if twin.is_file() else None))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    assert len(set(versions)) == len(versions), f"duplicate migration numbers: {versions}"
    return found


_SCHEMA_VERSION = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                   " applied_at TEXT NOT NULL DEFAULT (datetime('now')))")


def _recorded(migration: Migration) -> str:
    """The statement that records a migration, the same on both databases."""
    applied_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return (f"INSERT INTO schema_version (version, name, applied_at)"
            f" VALUES ({migration.version}, '{migration.name}', '{applied_at}');")


async def applied_versions(db: aiosqlite.Connection) -> set[int]:
    await db.execute(_SCHEMA_VERSION)
    rows = await db.execute_fetchall("SELECT version FROM schema_version")
    return {row[0] for row in rows}


async def migrate(db: aiosqlite.Connection) -> list[int]:
    """Apply what is missing; return the versions applied now. Safe to run again."""
    done = await applied_versions(db)
    applied = []
    for migration in available_migrations():
        if migration.version in done:
            continue
        # executescript() commits any open transaction first, so BEGIN/COMMIT live inside the script;
        # a failing statement leaves the transaction open for the ROLLBACK below.
        script = (
            "BEGIN;\n"
            f"{migration.sql}\n;\n"
            f"{_recorded(migration)}\n"
            "COMMIT;"
        )
        try:
            await db.executescript(script)
        except Exception:
            if db.in_transaction:
                await db.rollback()
            raise
        logger.info("applied migration %04d_%s", migration.version, migration.name)
        applied.append(migration.version)
    return applied


async def migrate_postgres(connection: Any) -> list[int]:
    """The same migrations on PostgreSQL (an asyncpg connection), each in a transaction (PostgreSQL's DDL is
    transactional, so a failing migration leaves the schema as it was), recorded in the same table."""
    await connection.execute(postgres_schema(_SCHEMA_VERSION))
    done = {row[0] for row in await connection.fetch("SELECT version FROM schema_version")}
    applied = []
    for migration in available_migrations():
        if migration.version in done:
            continue
        async with connection.transaction():
            await connection.execute(migration.postgres_sql())
            await connection.execute(_recorded(migration))
        logger.info("applied migration %04d_%s", migration.version, migration.name)
        applied.append(migration.version)
    return applied
