"""The connection, transactions and the helpers every part of the store shares."""

import json
import logging
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
from storage.migrate import migrate, migrate_postgres
from storage.postgres import PgConnection, PostgresDatabase
from storage.records import OutboxKind
from storage.sqlite import SqliteDatabase

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# What the store's code talks to: an aiosqlite connection, or a PostgreSQL one taking the same SQL.
Connection = aiosqlite.Connection | PgConnection
Row = Any  # sqlite3.Row or asyncpg.Record: both read by column name (the store's way) and by position


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_postgres_url(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


# Applications awaiting an officer, as an SQL condition built from the lifecycle's one list (no copy in SQL).
AWAITING_CONDITION = "stage IN (" + ", ".join(f"'{stage.value}'" for stage in AWAITING_OFFICER) + ")"
_AWAITING_INDEX = "applications_awaiting_officer"
_WANTED_INDEX = f"CREATE INDEX {_AWAITING_INDEX} ON applications (province_code, id) WHERE {AWAITING_CONDITION}"


async def index_awaiting(db: aiosqlite.Connection) -> None:
    """The officers' /pending index, (re)made whenever the lifecycle's list of awaiting stages changes."""
    rows = await db.execute_fetchall("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                                     (_AWAITING_INDEX,))
    if rows and rows[0][0] == _WANTED_INDEX:
        return
    if rows:
        await db.execute(f"DROP INDEX {_AWAITING_INDEX}")
    await db.execute(_WANTED_INDEX)


async def index_awaiting_postgres(connection: Any) -> None:
    """The same on PostgreSQL, which rewrites an index's text: the wanted statement is kept as its comment."""
    made = await connection.fetchval("SELECT obj_description(to_regclass($1), 'pg_class')", _AWAITING_INDEX)
    if made == _WANTED_INDEX:
        return
    async with connection.transaction():
        await connection.execute(f"DROP INDEX IF EXISTS {_AWAITING_INDEX}")
        await connection.execute(_WANTED_INDEX)
        quoted = _WANTED_INDEX.replace("'", "''")
        await connection.execute(f"COMMENT ON INDEX {_AWAITING_INDEX} IS '{quoted}'")


class StoreBase:
    """The store over one database: an SQLite file (storage/sqlite.py) or PostgreSQL (storage/postgres.py).

    A transaction is a unit that the store methods called inside it join, through a context variable, so a
    method that writes inside another's transaction neither takes the lock twice nor commits early; writers
    are serialised on both databases. Reads outside a transaction see only committed data (SQLite's reader
    connections, PostgreSQL's pool); reads inside a transaction see its own writes.
    """

    def __init__(self, path: Path | str, clock: Clock = utc_now, tz: ZoneInfo = ZoneInfo("Asia/Tehran"),
                 pool_size: tuple[int, int] = (2, 10)) -> None:
        """`path`: the SQLite file, or a postgresql:// URL; `pool_size`: PostgreSQL's (min, max) connections."""
        self.path = path
        self._clock = clock
        self._tz = tz  # the programme's calendar day (permit years, validity) is Tehran's
        self._database: SqliteDatabase | PostgresDatabase = (
            PostgresDatabase(path, *pool_size) if is_postgres_url(path)
            else SqliteDatabase(Path(path), self._jalali_month))
        self._connected = False
        # Per store (tests open several): the transaction the current task is inside, if any.
        self._in_transaction: ContextVar[Any] = ContextVar(f"transaction-{id(self)}", default=None)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql': for the few named pieces that differ (PRAGMAs, row locks)."""
        return self._database.name

    async def connect(self) -> None:
        """Open the database (an SQLite file's folder is created) and apply missing migrations."""
        if self._connected:
            return
        if isinstance(self._database, SqliteDatabase):
            await self._database.connect(_prepare_sqlite)
        else:
            await self._database.connect(_prepare_postgres)
        self._connected = True

    async def close(self) -> None:
        await self._database.close()
        self._connected = False

    @property
    def writer(self) -> Connection:
        """A connection that writes outside the store's methods (maintenance such as ANALYZE)."""
        if isinstance(self._database, SqliteDatabase):
            return self._database.writer
        return self._database.reader

    @property
    def db(self) -> Connection:
        """Where a read goes: the current task's transaction if it is inside one, else a reader."""
        joined = self._in_transaction.get()
        if joined is not None:
            return joined  # type: ignore[no-any-return]
        return self._database.reader

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

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One unit of several store calls: they all commit together, or none does."""
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        """A transaction, rolled back on any error; nobody else writes meanwhile. Called inside another
        transaction, it joins that one (the outer one commits or rolls back everything)."""
        joined = self._in_transaction.get()
        if joined is not None:
            yield joined
            return
        async with self._database.transaction() as db:
            token = self._in_transaction.set(db)
            try:
                yield db
            finally:
                self._in_transaction.reset(token)

    async def _write(self, sql: str, parameters: Any = ()) -> int:
        """One statement that changes data: part of the current transaction, or on its own (autocommit, no
        BEGIN/COMMIT round trips); returns the rows it changed."""
        async with self._writing() as db:
            cursor = await db.execute(sql, parameters)
            return int(cursor.rowcount)

    async def _write_returning(self, sql: str, parameters: Any = ()) -> list[Any]:
        """One statement that changes data and returns rows (RETURNING)."""
        async with self._writing() as db:
            return list(await db.execute_fetchall(sql, parameters))

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[Connection]:
        joined = self._in_transaction.get()
        if joined is not None:
            yield joined
            return
        async with self._database.single() as db:
            yield db

    async def schema_version(self) -> int:
        rows = await self.db.execute_fetchall("SELECT coalesce(max(version), 0) AS version FROM schema_version")
        return int(rows[0]["version"])
    # -- helpers inside a transaction -------------------------------------------------------

    async def _next_counter(self, name: str) -> int:
        rows = await self.db.execute_fetchall(
            "INSERT INTO counters (name, value) VALUES (?, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
            (name,),
        )
        return int(rows[0]["value"])

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


async def _prepare_sqlite(db: aiosqlite.Connection) -> None:
    await migrate(db)
    await index_awaiting(db)


async def _prepare_postgres(connection: Any) -> None:
    await migrate_postgres(connection)
    await index_awaiting_postgres(connection)


def stored_time(moment: datetime) -> str:
    """How times are stored: UTC ISO-8601 text, which sorts as it should."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
