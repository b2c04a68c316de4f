"""SQLite through aiosqlite: one writer connection and a few readers on one file in WAL mode."""

import asyncio
import itertools
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite


class SqliteDatabase:
    """Writes are serialised (SQLite has one writer anyway) by a lock on the writer connection; reads go to
    reader connections whose every statement sees only committed data."""

    name = "sqlite"
    READERS = 3  # statements are queued per connection; a few let unrelated reads run side by side

    def __init__(self, path: Path, jalali_month: Callable[[str], str]) -> None:
        self.path = path
        self._jalali_month = jalali_month
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[aiosqlite.Connection] = []
        self._next_reader = itertools.count()
        self._write_lock = asyncio.Lock()

    async def connect(self, prepare: Callable[[aiosqlite.Connection], Awaitable[None]]) -> None:
        """Open the file (creating its folder), set pragmas, `prepare` (migrate) on the writer, open readers."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # secure_delete: erased personal data and keys leave no bytes behind in free pages.
        writer = await self._open("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                                  " PRAGMA secure_delete = ON;")
        try:
            await prepare(writer)
        except BaseException:
            await writer.close()
            raise
        # query_only: a write that wrongly skips the writer fails loudly instead of racing it.
        self._readers = [await self._open("PRAGMA query_only = ON;") for _ in range(self.READERS)]
        self._writer = writer

    async def _open(self, pragmas: str) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT only
        db.row_factory = sqlite3.Row
        await db.executescript("PRAGMA busy_timeout = 5000;" + pragmas)
        # Older migrations (0006, 0020) group permits by Jalali month in SQL; new rows carry it in a column.
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
        if self._writer is None:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._writer

    @property
    def reader(self) -> aiosqlite.Connection:
        if not self._readers:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._readers[next(self._next_reader) % len(self._readers)]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; nobody else writes meanwhile."""
        async with self._write_lock:
            db = self.writer
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                await db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def single(self) -> AsyncIterator[aiosqlite.Connection]:
        """One statement on its own (autocommit, no BEGIN/COMMIT round trips), between transactions."""
        async with self._write_lock:
            yield self.writer
