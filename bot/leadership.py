"""Which process leads: only the leader polls (or takes webhooks), runs the jobs and delivers the outbox.

On SQLite there is one process and it always leads. On PostgreSQL any number of processes may share one
database; the leader is whoever holds a session advisory lock on its own dedicated connection. PostgreSQL
drops the lock the moment that connection dies (a crash, `kill -9`; a lost network once TCP keepalives give
up, set here to a few seconds), so a standby, trying every LEADER_POLL_SECONDS, takes over within seconds.
A leader checks its connection as often; when it fails, it steps down (stops everything and forgets its
in-memory state) and stands by again, retrying with backoff.
"""

import asyncio
import logging
import os
import socket

import asyncpg

from storage.postgres import APPLICATION_NAME, LEADER_LOCK, current_leader

logger = logging.getLogger(__name__)

_KEEPALIVES = {"tcp_keepalives_idle": "3", "tcp_keepalives_interval": "1", "tcp_keepalives_count": "3"}
MAX_BACKOFF_SECONDS = 30.0


def process_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership:
    """The leader lock, held on a dedicated connection (None: SQLite, always the leader)."""

    def __init__(self, database_url: str | None, poll_seconds: float = 2.0, identity: str | None = None) -> None:
        self.database_url = database_url
        self.poll_seconds = poll_seconds
        self.identity = identity or process_identity()
        self._connection: asyncpg.Connection | None = None
        self.leading = database_url is None

    async def acquire(self) -> None:
        """Wait until this process leads."""
        if self.database_url is None:
            return
        failures = 0
        while True:
            try:
                if await self._try():
                    self.leading = True
                    logger.info("leading (%s)", self.identity)
                    return
                failures = 0
                await asyncio.sleep(self.poll_seconds)
            except (TimeoutError, OSError, asyncpg.PostgresError) as error:
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, self.poll_seconds * 2 ** failures)
                logger.warning("database unreachable for the leader lock (%s); retrying in %.0f s",
                               type(error).__name__, delay)
                await self._drop()
                await asyncio.sleep(delay)

    async def _try(self) -> bool:
        if self._connection is None or self._connection.is_closed():
            assert self.database_url is not None
            self._connection = await asyncpg.connect(
                self.database_url, timeout=self.poll_seconds * 2,
                server_settings={"application_name": f"{APPLICATION_NAME} {self.identity}"} | _KEEPALIVES)
        return bool(await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK,
                                                    timeout=self.poll_seconds * 2))

    async def lost(self) -> None:
        """Return when this process no longer leads (its lock connection failed)."""
        if self.database_url is None:
            await asyncio.Event().wait()  # SQLite: never
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                assert self._connection is not None
                await self._connection.fetchval("SELECT 1", timeout=self.poll_seconds)
            except (TimeoutError, OSError, AssertionError, asyncpg.PostgresError, asyncpg.InterfaceError):
                logger.error("lost the database connection that holds the leader lock: stepping down")
                self.leading = False
                await self._drop()
                return

    async def release(self) -> None:
        """Step down on purpose (shutting down): the lock goes with the connection."""
        self.leading = self.database_url is None
        await self._drop()

    async def _drop(self) -> None:
        if self._connection is not None:
            self._connection.terminate()  # no goodbye round trip: it may be the connection that failed
            self._connection = None

    async def describe(self) -> str:
        """Who leads, for /health and `main.py check`."""
        if self.database_url is None:
            return f"{self.identity} (SQLite: a single process, always the leader)"
        return await current_leader(self.database_url) or "nobody (no process holds the leader lock)"
