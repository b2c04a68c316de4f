"""PostgreSQL through asyncpg: a pool, and connections that take the store's SQLite-flavoured SQL.

The store calls `db.execute(sql, params)`, `db.execute_fetchall(sql, params)` and `db.executemany(sql, rows)`
as it does on aiosqlite; each statement goes through `storage/dialect.py` once (cached) and the rows come back
as asyncpg Records, which read by name and by position like sqlite3.Row. A unique or check violation is raised
as `sqlite3.IntegrityError`, the store's one integrity error whatever the database.
"""

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from storage.dialect import postgres_query

# pg_advisory_xact_lock key every store transaction takes: writers are serialised across processes as
# SQLite serialises them (BEGIN IMMEDIATE), so read-then-write code (an open application's check before the
# insert, counters, queue order) stays correct with two processes on one database. Reads never wait for it.
WRITE_LOCK = 7_356_001
MIGRATION_LOCK = 7_356_002  # session lock while one process migrates
LEADER_LOCK = 7_356_003  # session lock on the leader's dedicated connection (bot/leadership.py)
APPLICATION_NAME = "permit-bot"  # the leader's connection is named "permit-bot <host>:<pid>"

Parameters = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Result:
    """What `execute` returns: like a cursor, the rows a statement changed."""

    rowcount: int


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def _numeric(text: str) -> int | Decimal:
    """sum() over BIGINT is NUMERIC in PostgreSQL; the store's sums are whole numbers, as on SQLite."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else value


async def _prepare_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec("numeric", encoder=str, decoder=_numeric, schema="pg_catalog", format="text")


async def _release(connection: asyncpg.Connection) -> None:
    """What a pooled connection needs before its next statement: only the end of a transaction left unfinished.
    The store keeps no session state on pooled connections (its advisory locks are transaction-level, the
    migration lock is released explicitly, the leader's lock has a connection of its own), and asyncpg's default
    reset (unlock all, CLOSE ALL, UNLISTEN, RESET ALL) is a second round trip after every read."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


class PgConnection:
    """One connection (a transaction's, or a pooled one for a single statement) speaking the store's SQL."""

    def __init__(self, connection: asyncpg.Connection | asyncpg.Pool) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Parameters = ()) -> Result:
        query = postgres_query(sql)
        with integrity_errors():
            return Result(_rowcount(await self._connection.execute(query.text, *query.arguments(parameters))))

    async def execute_fetchall(self, sql: str, parameters: Parameters = ()) -> list[asyncpg.Record]:
        query = postgres_query(sql)
        with integrity_errors():
            return list(await self._connection.fetch(query.text, *query.arguments(parameters)))

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        query = postgres_query(sql)
        arguments = [query.arguments(row) for row in rows]
        if arguments:
            with integrity_errors():
                await self._connection.executemany(query.text, arguments)

    async def executescript(self, script: str) -> None:
        """Several statements without parameters (simple query protocol)."""
        with integrity_errors():
            await self._connection.execute(postgres_query(script).text)


class integrity_errors:  # noqa: N801 (used as a context manager, like contextlib's)
    """asyncpg's errors as the sqlite3 ones the store catches: a constraint violation as IntegrityError, a
    lost or refused connection as OperationalError (the database is unavailable)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if isinstance(error, asyncpg.IntegrityConstraintViolationError):
            raise sqlite3.IntegrityError(str(error)) from error
        if isinstance(error, asyncpg.PostgresConnectionError | asyncpg.InterfaceError | ConnectionError):
            raise sqlite3.OperationalError(str(error)) from error


def mask_password(url: str) -> str:
    """The URL as it may be printed or logged: the password replaced by ***."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


async def connection_problem(url: str) -> str | None:
    """Why the database at DATABASE_URL cannot be used (one line, password masked), or None."""
    try:
        connection = await asyncpg.connect(url, timeout=10)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        return mask_password(f"DATABASE_URL: cannot connect to {url}: {type(error).__name__}: {error}".strip())
    await connection.close()
    return None


async def current_leader(database_url: str) -> str | None:
    """The identity of the process holding the leader lock, as PostgreSQL sees it; None if nobody does."""
    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        name = await connection.fetchval(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1",
            LEADER_LOCK)
    finally:
        await connection.close()
    return str(name).removeprefix(f"{APPLICATION_NAME} ") if name else None


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database."""

    name = "postgresql"

    def __init__(self, url: str, pool_min: int = 2, pool_max: int = 10) -> None:
        self.url = url
        self._pool_min = pool_min
        self._pool_max = pool_max
        self._pool: asyncpg.Pool | None = None
        self._reader: PgConnection | None = None
        # One transaction of this process at a time waits for the write lock, not one pooled connection each.
        self._write_lock = asyncio.Lock()

    async def connect(self, prepare: "Any") -> None:
        """Open the pool; `prepare(connection)` migrates, under a lock so two starting processes take turns."""
        pool = await asyncpg.create_pool(self.url, min_size=self._pool_min, max_size=self._pool_max,
                                         init=_prepare_connection, reset=_release)
        try:
            async with pool.acquire() as connection:
                await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
                try:
                    await prepare(connection)
                finally:
                    await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        except BaseException:
            await pool.close()
            raise
        self._pool = pool
        self._reader = PgConnection(pool)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
            self._reader = None

    @property
    def reader(self) -> PgConnection:
        """Reads outside a transaction: any pooled connection, committed data only."""
        if self._reader is None:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConnection]:
        """One pooled connection for the whole transaction, holding the write lock until it ends."""
        if self._pool is None:
            raise RuntimeError("Store.connect() has not been awaited")
        async with self._write_lock, self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            yield PgConnection(connection)

    @asynccontextmanager
    async def single(self) -> AsyncIterator[PgConnection]:
        """One statement on its own (autocommit) on any pooled connection."""
        yield self.reader
