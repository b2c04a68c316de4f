"""Moving a deployment: copy an SQLite database into an empty PostgreSQL one (`main.py copy-to-postgres`).

Both are migrated to this release first, so their tables match; then every table is copied (parents before
the tables that refer to them) with COPY in one transaction, identity sequences are moved past the copied
ids, and the row counts are compared before committing. The summaries are compared afterwards.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from storage.store import Store


class TargetNotEmpty(Exception):
    """The PostgreSQL database already holds data; nothing was copied."""


class CopyMismatch(Exception):
    """The copy does not match the source; it was rolled back."""


# Tables a store writes to when it opens a database (the find index's "built" flag in settings): not a
# deployment's data, so they neither make the target count as used nor stop the source's rows.
OPENING_BOOKKEEPING = frozenset({"settings"})


@dataclass(frozen=True, slots=True)
class CopyReport:
    rows: dict[str, int]  # table: rows copied
    summaries_match: bool


async def copy_to_postgres(sqlite_path: Path, url: str) -> CopyReport:
    source, target = Store(sqlite_path), Store(url)
    await source.connect()  # migrated to this release, like the target
    await target.connect()
    try:
        tables = _tables_in_order(sqlite_path)
        connection = await asyncpg.connect(url)
        try:
            busy = [table for table in tables if table not in OPENING_BOOKKEEPING
                    and await connection.fetchval(f"SELECT count(*) FROM {table}")]
            if busy:
                raise TargetNotEmpty(", ".join(busy))
            rows = await _copy(sqlite_path, connection, tables)
        finally:
            await connection.close()
        scopes = [None, *(province.code for province in await source.list_provinces())]
        matches = [await source.compute_stats(scope) == await target.compute_stats(scope) for scope in scopes]
        return CopyReport(rows, all(matches))
    finally:
        await source.close()
        await target.close()


async def _copy(sqlite_path: Path, connection: asyncpg.Connection, tables: list[str]) -> dict[str, int]:
    copied: dict[str, int] = {}
    with sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True) as db:
        async with connection.transaction():
            for table in OPENING_BOOKKEEPING & set(tables):  # what opening the target wrote: the source's wins
                await connection.execute(f"DELETE FROM {table}")
            for table in tables:
                columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
                records = db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
                if records:
                    await connection.copy_records_to_table(table, records=records, columns=columns)
                copied[table] = len(records)
            for table, column in await connection.fetch(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND is_identity = 'YES'"):
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                    f" greatest((SELECT max({column}) FROM {table}), 1))")
            for table in tables:
                landed = await connection.fetchval(f"SELECT count(*) FROM {table}")
                if landed != copied[table]:
                    raise CopyMismatch(f"{table}: {landed} rows arrived of {copied[table]}")
    return copied


def _tables_in_order(sqlite_path: Path) -> list[str]:
    """The tables to copy, each after the tables its foreign keys point to."""
    with sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True) as db:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name <> 'schema_version' ORDER BY name")]
        parents = {name: {row[2] for row in db.execute(f"PRAGMA foreign_key_list({name})")} - {name}
                   for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and parents[name] <= set(ordered)]
        assert ready, f"foreign keys in a cycle: {parents}"
        ordered += ready
    return ordered
