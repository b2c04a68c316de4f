"""Operating the database from the command line: online backup and a health check (plain sqlite3, no bot)."""

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from domain.lifecycle import UNCOUNTED_STAGES, sql_list
from storage.catalog import read_catalog
from storage.migrate import available_migrations


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
    findings = []
    try:
        catalog = read_catalog(data_dir)
        counts = f"{len(catalog.provinces)} provinces, {len(catalog.categories)} categories"
        findings.append(Finding(len(catalog.provinces) == 31, f"catalog files: {counts}"))
    except (OSError, ValueError) as error:
        findings.append(Finding(False, f"catalog files: {error}"))
    if not path.exists():
        findings.append(Finding(True, f"database {path}: not created yet (the bot creates it on first start)"))
        return findings
    latest = max(migration.version for migration in available_migrations())
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        version = db.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        findings.append(Finding(version <= latest, f"schema version {version} (this release has up to {latest}; "
                                                   "missing ones are applied at start-up)"))
        integrity = db.execute("PRAGMA quick_check").fetchone()[0]
        findings.append(Finding(integrity == "ok", f"integrity: {integrity}"))
        provinces = db.execute("SELECT count(*) FROM provinces").fetchone()[0]
        categories = db.execute("SELECT count(*) FROM categories WHERE active").fetchone()[0]
        findings.append(Finding(provinces == 31 and categories > 0,
                                f"catalog in the database: {provinces} provinces, {categories} active categories"))
        if version >= 6:  # the summaries must agree with the applications they summarise
            tallied, counted = db.execute(
                "SELECT (SELECT coalesce(sum(permits), 0) FROM tallies WHERE province_code = '*'),"
                f" (SELECT count(*) FROM applications WHERE stage NOT IN {sql_list(UNCOUNTED_STAGES)})").fetchone()
            queued, bucketed = db.execute(
                "SELECT (SELECT count(*) FROM applications WHERE stage = 'queued'),"
                " (SELECT coalesce(sum(size), 0) FROM queue_buckets)").fetchone()
            findings.append(Finding(tallied == counted and queued == bucketed,
                                    f"summaries: {tallied} of {counted} permits, {bucketed} of {queued} queued"))
        failed = db.execute("SELECT count(*) FROM outbox WHERE status = 'failed'").fetchone()[0] if version >= 2 else 0
        findings.append(Finding(True, f"outbox: {failed} failed deliveries (see /health)"))
    return findings
