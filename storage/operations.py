"""Operating the database from the command line: online backup and a health check (no bot running here)."""

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from domain.lifecycle import UNCOUNTED_STAGES, sql_list
from storage.catalog import read_catalog
from storage.dialect import postgres_query
from storage.migrate import available_migrations
from storage.postgres import current_leader


def backup_database(source: Path, target: Path, overwrite: bool = False) -> int:
    """A consistent copy with SQLite's online backup API, safe while the bot writes; returns the applications copied.

    Raises FileExistsError when `target` exists and `overwrite` is false. The copy is written beside the target
    and moved into place, so a failed backup never leaves a half-written file or spoils the previous one.
    """
    if not source.exists():
        raise FileNotFoundError(source)
    if target.exists() and not overwrite:
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as live, \
                closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
            copied = int(copy.execute("SELECT count(*) FROM applications").fetchone()[0])
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return copied


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    what: str


def check_database(path: Path, data_dir: Path) -> list[Finding]:
    """What `main.py check` reports about the catalog files and the database (read-only)."""
    findings = _catalog_findings(data_dir)
    if not path.exists():
        findings.append(Finding(True, f"database {path}: not created yet (the bot creates it on first start)"))
        return findings
    latest = max(migration.version for migration in available_migrations())
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        def one(sql: str) -> tuple[Any, ...]:
            return tuple(db.execute(sql).fetchone())
        findings += _database_findings(one, latest, integrity=db.execute("PRAGMA quick_check").fetchone()[0])
    return findings


async def check_postgres(url: str, data_dir: Path) -> list[Finding]:
    """The same report for a PostgreSQL database, and which process leads."""
    findings = _catalog_findings(data_dir)
    connection = await asyncpg.connect(url, timeout=10)
    try:
        if await connection.fetchval("SELECT to_regclass('schema_version')") is None:
            return [*findings, Finding(True, "database: empty (the bot migrates it on first start)")]
        answers: dict[str, tuple[Any, ...]] = {}
        for sql in _FINDING_QUERIES:
            answers[sql] = tuple(await connection.fetchrow(postgres_query(sql).text))
        latest = max(migration.version for migration in available_migrations())
        findings += _database_findings(answers.__getitem__, latest, integrity="ok (PostgreSQL checks its own pages)")
    finally:
        await connection.close()
    leader = await current_leader(url)
    findings.append(Finding(True, f"leader: {leader or 'none running'}"))
    return findings


_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version"
_CATALOG = "SELECT (SELECT count(*) FROM provinces), (SELECT count(*) FROM categories WHERE active = 1)"
_SUMMARIES = ("SELECT (SELECT coalesce(sum(permits), 0) FROM tallies WHERE province_code = '*'),"
              f" (SELECT count(*) FROM applications WHERE stage NOT IN {sql_list(UNCOUNTED_STAGES)}),"
              " (SELECT count(*) FROM applications WHERE stage = 'queued'),"
              " (SELECT coalesce(sum(size), 0) FROM queue_buckets)")
_FAILED = "SELECT count(*) FROM outbox WHERE status = 'failed'"
_FINDING_QUERIES = (_VERSION, _CATALOG, _SUMMARIES, _FAILED)


def _catalog_findings(data_dir: Path) -> list[Finding]:
    try:
        catalog = read_catalog(data_dir)
        counts = f"{len(catalog.provinces)} provinces, {len(catalog.categories)} categories"
        return [Finding(len(catalog.provinces) == 31, f"catalog files: {counts}")]
    except (OSError, ValueError) as error:
        return [Finding(False, f"catalog files: {error}")]


def _database_findings(one: Callable[[str], tuple[Any, ...]], latest: int, integrity: str) -> list[Finding]:
    """What both databases report, from the same queries."""
    (version,) = one(_VERSION)
    findings = [Finding(version <= latest, f"schema version {version} (this release has up to {latest}; "
                                           "missing ones are applied at start-up)"),
                Finding(integrity.startswith("ok"), f"integrity: {integrity}")]
    provinces, categories = one(_CATALOG)
    findings.append(Finding(provinces == 31 and categories > 0,
                            f"catalog in the database: {provinces} provinces, {categories} active categories"))
    if version >= 6:  # the summaries must agree with the applications they summarise
        tallied, counted, queued, bucketed = one(_SUMMARIES)
        findings.append(Finding(tallied == counted and queued == bucketed,
                                f"summaries: {tallied} of {counted} permits, {bucketed} of {queued} queued"))
    failed = one(_FAILED)[0] if version >= 2 else 0
    findings.append(Finding(True, f"outbox: {failed} failed deliveries (see /health)"))
    return findings
