"""`--database postgresql://…`: each run gets a scratch database on that server, dropped afterwards."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg


@asynccontextmanager
async def scratch_database(server_url: str | None, tag: str) -> AsyncIterator[str | None]:
    """None without a server (SQLite, as before); else the URL of a new empty database (the role needs CREATEDB)."""
    if server_url is None:
        yield None
        return
    name = f"bench_{tag}_{os.getpid()}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {name}")
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()
