"""The connection, transactions and the helpers every part of the store shares."""

import asyncio
import itertools
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
from persiantools.jdatetime import JalaliDate

from domain.lifecycle import AWAITING_OFFICER, Stage
from storage.migrate import migrate
from storage.records import OutboxKind

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# Applications awaiting an officer, as an SQL condition built from the lifecycle's one list (no copy in SQL).
AWAITING_CONDITION = "stage IN (" + ", ".join(f"'{stage.value}'" for stage in AWAITING_OFFICER) + ")"
_AWAITING_INDEX = "applications_awaiting_officer"


async def index_awaiting(db: aiosqlite.Connection) -> None:
    """The officers' /pending index, (re)made whenever the lifecycle's list of awaiting stages changes."""
    wanted = f"CREATE INDEX {_AWAITING_INDEX} ON applications (province_code, id) WHERE {AWAITING_CONDITION}"
    rows = await db.execute_fetchall("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                                     (_AWAITING_INDEX,))
    if rows and rows[0][0] == wanted:
        return
    if rows:
        await db.execute(f"DROP INDEX {_AWAITING_INDEX}")
    await db.execute(wanted)


class StoreBase:
    """One writer connection and a few reader connections to one SQLite file in WAL mode.

    Writes are serialised (SQLite has one writer anyway) by a lock on the writer connection; a transaction is
    a unit that the store methods called inside it join, through a context variable, so a method that writes
    inside another's transaction neither takes the lock twice nor commits early. Reads outside a transaction go
    to the reader connections, whose every statement sees only committed data: a reader never sees another
    task's half-done (and perhaps later rolled back) transaction. Reads inside a transaction see its own
    writes. The same model fits a connection pool on PostgreSQL.
    """

    READERS = 3  # statements are queued per connection; a few let unrelated reads run side by side

    def __init__(self, path: Path, clock: Clock = utc_now, tz: ZoneInfo = ZoneInfo("Asia/Tehran")) -> None:
        self.path = path
        self._clock = clock
        self._tz = tz  # the programme's calendar day (permit years, validity) is Tehran's
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[aiosqlite.Connection] = []
        self._next_reader = itertools.count()
        self._write_lock = asyncio.Lock()
        # Per store (tests open several): the transaction the current task is inside, if any.
        self._in_transaction: ContextVar[aiosqlite.Connection | None] = ContextVar(f"transaction-{id(self)}",
                                                                                 default=None)

    # -- lifecycle -------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the database (creating its folder), set pragmas and apply missing migrations."""
        if self._writer is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # secure_delete: erased personal data and keys leave no bytes behind in free pages.
        writer = await self._open("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                                  " PRAGMA secure_delete = ON;")
        await migrate(writer)
        await index_awaiting(writer)
        # query_only: a write that wrongly skips the writer fails loudly instead of racing it.
        self._readers = [await self._open("PRAGMA query_only = ON;") for _ in range(self.READERS)]
        self._writer = writer

    async def _open(self, pragmas: str) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT only
        db.row_factory = sqlite3.Row
        await db.executescript("PRAGMA busy_timeout = 5000;" + pragmas)
        # Summaries group permits by Jalali month of issue, in the programme's time zone (migrations use it too).
        await db.create_function("jalali_month", 1, self._jalali_month, deterministic=True)
        return db

    async def close(self) -> None:
        for db in self._readers:
            await db.close()
        self._readers = []
        if self._writer is not None:
            await self._writer.close()
            self._writer = None

    @property
    def writer(self) -> aiosqlite.Connection:
        """The one connection that writes (migrations, maintenance such as ANALYZE)."""
        if self._writer is None:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._writer

    @property
    def db(self) -> aiosqlite.Connection:
        """Where a read goes: the current task's transaction if it is inside one, else a reader connection."""
        joined = self._in_transaction.get()
        if joined is not None:
            return joined
        if not self._readers:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._readers[next(self._next_reader) % len(self._readers)]

    def _now(self) -> str:
        return stored_time(self._clock())

    def _after(self, delay: timedelta) -> str:
        return stored_time(self._clock() + delay)

    def _jalali_month(self, stored: str) -> str:
        day = JalaliDate.to_jalali(datetime.fromisoformat(stored).astimezone(self._tz).date())
        return f"{day.year:04d}-{day.month:02d}"

    def now(self) -> datetime:
        """The store's clock (tests move it)."""
        return self._clock()

    def today(self) -> JalaliDate:
        """Today's Jalali date in the programme's time zone."""
        return JalaliDate.to_jalali(self._clock().astimezone(self._tz).date())

    # -- writing -----------------------------------------------------------------------------

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """One unit of several store calls: they all commit together, or none does."""
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; nobody else writes meanwhile. Called inside
        another transaction, it joins that one (the outer one commits or rolls back everything)."""
        joined = self._in_transaction.get()
        if joined is not None:
            yield joined
            return
        async with self._write_lock:
            db = self.writer
            await db.execute("BEGIN IMMEDIATE")
            token = self._in_transaction.set(db)
            try:
                yield db
                await db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise
            finally:
                self._in_transaction.reset(token)

    async def _write(self, sql: str, parameters: Any = ()) -> int:
        """One statement that changes data: part of the current transaction, or on its own (autocommit, no
        BEGIN/COMMIT round trips); returns the rows it changed."""
        async with self._writing() as db:
            cursor = await db.execute(sql, parameters)
            return int(cursor.rowcount)

    async def _write_returning(self, sql: str, parameters: Any = ()) -> list[sqlite3.Row]:
        """One statement that changes data and returns rows (RETURNING)."""
        async with self._writing() as db:
            return list(await db.execute_fetchall(sql, parameters))

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        joined = self._in_transaction.get()
        if joined is not None:
            yield joined
            return
        async with self._write_lock:
            yield self.writer

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
