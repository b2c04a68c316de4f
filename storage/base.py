"""The connection, transactions and the helpers every part of the store shares."""

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
from persiantools.jdatetime import JalaliDate

from domain.lifecycle import Stage
from storage.migrate import migrate
from storage.records import OutboxKind

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)



class StoreBase:
    """One aiosqlite connection per process (SQLite serialises writers anyway)."""

    def __init__(self, path: Path, clock: Clock = utc_now, tz: ZoneInfo = ZoneInfo("Asia/Tehran")) -> None:
        self.path = path
        self._clock = clock
        self._tz = tz  # the programme's calendar day (permit years, validity) is Tehran's
        self._db: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

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
            "PRAGMA secure_delete = ON;"  # erased personal data and keys leave no bytes behind in free pages
        )
        # Summaries group permits by Jalali month of issue, in the programme's time zone (migrations use it too).
        await db.create_function("jalali_month", 1, self._jalali_month, deterministic=True)
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
        return stored_time(self._clock())

    def _after(self, delay: timedelta) -> str:
        return stored_time(self._clock() + delay)

    def _jalali_month(self, stored: str) -> str:
        day = JalaliDate.to_jalali(datetime.fromisoformat(stored).astimezone(self._tz).date())
        return f"{day.year:04d}-{day.month:02d}"

    def today(self) -> JalaliDate:
        """Today's Jalali date in the programme's time zone."""
        return JalaliDate.to_jalali(self._clock().astimezone(self._tz).date())

    # One connection is shared by the update being handled and by jobs and background tasks running beside it;
    # a write from one must never land inside another's open transaction (or try to open a second one), so
    # every write takes this lock: a whole transaction, or one statement on its own.

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; nobody else writes meanwhile."""
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def _write(self, sql: str, parameters: Any = ()) -> int:
        """One statement that changes data, on its own (autocommit); returns the rows it changed."""
        async with self._write_lock:
            cursor = await self.db.execute(sql, parameters)
            return int(cursor.rowcount)

    async def _write_returning(self, sql: str, parameters: Any = ()) -> list[sqlite3.Row]:
        """One statement that changes data and returns rows (RETURNING)."""
        async with self._write_lock:
            return list(await self.db.execute_fetchall(sql, parameters))

    async def schema_version(self) -> int:
        rows = await self.db.execute_fetchall("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(rows[0][0])
    # -- helpers inside a transaction -------------------------------------------------------

    async def _next_counter(self, name: str) -> int:
        rows = await self.db.execute_fetchall(
            "INSERT INTO counters (name, value) VALUES (?, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        )
        return int(rows[0][0])

    async def _audit(self, application_id: int | None, actor_id: int | None, action: str,
                     from_stage: Stage | None = None, to_stage: Stage | None = None,
                     detail: dict[str, Any] | None = None) -> None:
        await self.db.execute(
            "INSERT INTO audit_log (at, actor_id, action, application_id, from_stage, to_stage, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self._now(), actor_id, action, application_id, from_stage, to_stage,
             json.dumps(detail, ensure_ascii=False) if detail else None),
        )

    async def _enqueue(self, kind: OutboxKind, chat_id: int | None, application_id: int | None,
                       payload: dict[str, Any] | None = None) -> None:
        """One message for one recipient (`chat_id`), or for every admin when `chat_id` is None."""
        now = self._now()
        await self.db.execute(
            "INSERT INTO outbox (kind, audience, chat_id, application_id, payload, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, "user" if chat_id is not None else "admins", chat_id, application_id,
             json.dumps(payload or {}, ensure_ascii=False), now, now),
        )


def stored_time(moment: datetime) -> str:
    """How times are stored: UTC ISO-8601 text, which sorts as it should."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
