"""Operating the database from the command line: online backup and a health check (plain sqlite3, no bot)."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from domain.lifecycle import UNCOUNTED_STAGES, sql_list
from storage.catalog import read_catalog
from storage.migrate import available_migrations


def backup_database(source: Path, target: Path) -> int:
    """A consistent copy with SQLite's online backup API, safe while the bot writes; returns the applications copied."""
    if not source.exists():
        raise FileNotFoundError(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
        return int(copy.execute("SELECT count(*) FROM applications").fetchone()[0])


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
