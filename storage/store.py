"""The repository API: every query the bot makes, behind verb + noun methods returning records."""

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import aiosqlite

from storage.catalog import Catalog
from storage.migrate import migrate
from storage.records import Category, Province, Sector, User

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class StoreError(Exception):
    """Base of the errors a user can cause; handlers turn them into friendly replies."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """One aiosqlite connection per process (SQLite serialises writers anyway)."""

    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self.path = path
        self._clock = clock
        self._db: aiosqlite.Connection | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the database (creating its folder), set pragmas and apply missing migrations."""
        if self._db is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT only
        db.row_factory = sqlite3.Row
        await db.executescript(
            "PRAGMA journal_mode = WAL;"
            "PRAGMA foreign_keys = ON;"
            "PRAGMA busy_timeout = 5000;"
            "PRAGMA synchronous = NORMAL;"
        )
        await migrate(db)
        self._db = db

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._db

    def _now(self) -> str:
        return self._clock().astimezone(timezone.utc).isoformat(timespec="seconds")

    async def schema_version(self) -> int:
        rows = await self.db.execute_fetchall("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(rows[0][0])

    # -- catalog ---------------------------------------------------------------------------

    async def load_catalog(self, catalog: Catalog) -> None:
        """Seed provinces, sectors and categories on first start; never overwrites later edits."""
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            await self.db.executemany(
                "INSERT OR IGNORE INTO provinces (code, name_fa, name_en) VALUES (?, ?, ?)",
                [(p.code, p.name_fa, p.name_en) for p in catalog.provinces],
            )
            rows = await self.db.execute_fetchall("SELECT count(*) FROM categories")
            if rows[0][0] == 0:
                await self.db.executemany(
                    "INSERT OR IGNORE INTO sectors (code, name_fa, name_en, approval_body, position)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(s.code, s.name_fa, s.name_en, s.approval_body, i) for i, s in enumerate(catalog.sectors)],
                )
                await self.db.executemany(
                    "INSERT INTO categories (sector_id, name_fa, name_en, needs_extra_approval, approval_body)"
                    " SELECT id, ?, ?, ?, CASE WHEN ? THEN coalesce(approval_body, 'other') END"
                    " FROM sectors WHERE code = ?",
                    [
                        (c.name_fa, c.name_en, c.needs_extra_approval, c.needs_extra_approval, c.sector_code)
                        for c in catalog.categories
                    ],
                )
                logger.info("catalog seeded: %d categories", len(catalog.categories))
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise

    async def list_provinces(self) -> list[Province]:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces ORDER BY code")
        return [Province(*row) for row in rows]

    async def list_sectors(self, include_inactive: bool = False) -> list[Sector]:
        """Sectors in display order; by default only those an applicant can pick from."""
        where = "" if include_inactive else (
            "WHERE s.active AND EXISTS (SELECT 1 FROM categories c WHERE c.sector_id = s.id AND c.active)"
        )
        rows = await self.db.execute_fetchall(
            f"SELECT s.id, s.code, s.name_fa, s.name_en, s.approval_body, s.active FROM sectors s {where}"
            " ORDER BY s.position, s.id"
        )
        return [Sector(*row[:5], active=bool(row[5])) for row in rows]

    async def list_categories(self, sector_id: int | None = None, include_inactive: bool = False) -> list[Category]:
        conditions, params = [], []
        if sector_id is not None:
            conditions.append("sector_id = ?")
            params.append(sector_id)
        if not include_inactive:
            conditions.append("active")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self.db.execute_fetchall(
            "SELECT id, sector_id, name_fa, name_en, needs_extra_approval, approval_body, active"
            f" FROM categories {where} ORDER BY id",
            params,
        )
        return [_category(row) for row in rows]

    # -- users -----------------------------------------------------------------------------

    async def get_user(self, telegram_id: int) -> User | None:
        rows = await self.db.execute_fetchall(
            "SELECT telegram_id, language, role, province_code, active FROM users WHERE telegram_id = ?",
            (telegram_id,),
        )
        return _user(rows[0]) if rows else None

    async def ensure_user(self, telegram_id: int, language: str) -> User:
        """The user's record, created with `language` on first contact; a returning user is reachable again."""
        now = self._now()
        rows = await self.db.execute_fetchall(
            "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET active = 1"
            " RETURNING telegram_id, language, role, province_code, active",
            (telegram_id, language, now, now),
        )
        return _user(rows[0])

    async def set_language(self, telegram_id: int, language: str) -> None:
        now = self._now()
        await self.db.execute(
            "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
            (telegram_id, language, now, now),
        )


def _category(row: sqlite3.Row) -> Category:
    return Category(
        id=row[0],
        sector_id=row[1],
        name_fa=row[2],
        name_en=row[3],
        needs_extra_approval=bool(row[4]),
        approval_body=row[5],
        active=bool(row[6]),
    )


def _user(row: sqlite3.Row) -> User:
    return User(telegram_id=row[0], language=row[1], role=row[2], province_code=row[3], active=bool(row[4]))
