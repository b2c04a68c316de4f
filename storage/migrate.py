"""Numbered SQL migrations (`migrations/NNNN_name.sql`), each applied once in its own transaction."""

import logging
import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"([0-9]{4})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    assert len(set(versions)) == len(versions), f"duplicate migration numbers: {versions}"
    return found


async def applied_versions(db: aiosqlite.Connection) -> set[int]:
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
    )
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
            f"INSERT INTO schema_version (version, name) VALUES ({migration.version}, '{migration.name}');\n"
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
