"""A throwaway PostgreSQL cluster for the test session, from the machine's binaries.

initdb in a temporary folder, a free port, the unix socket in that folder, durability off (a test database
is thrown away anyway); stopped and deleted at the end. The server refuses to run as root, so as root the
cluster belongs to the `postgres` user. Never touches a system cluster.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.app import DATA_DIR, shipped_catalog
from storage import Store
from storage.assessment import read_questionnaire
from storage.reason_store import read_refusal_reasons

BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"), Path("/usr/lib/postgresql/17/bin"))


def binaries() -> Path | None:
    return next((folder for folder in BIN_DIRS if (folder / "pg_ctl").exists()), None)


class ThrowawayCluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self.user = "postgres" if self._as_postgres else os.environ.get("USER", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@/postgres?host={self.folder}&port={self.port}"

    def start(self) -> "ThrowawayCluster":
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", self.user, "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
                   " -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin_dir / program), *arguments]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresForTests:
    """The test session's PostgreSQL: TEST_DATABASE_URL, else a throwaway cluster started on first use."""

    _shared: "PostgresForTests | None" = None

    def __init__(self) -> None:
        self._given = os.environ.get("TEST_DATABASE_URL") or None
        self._bin_dir = binaries()
        self._cluster: ThrowawayCluster | None = None
        self._admin_url: str | None = None
        self._template: str | None = None
        self._count = 0
        self._prefix = f"bot_test_{os.getpid()}"  # xdist workers and other sessions share a given server

    @classmethod
    def shared(cls) -> "PostgresForTests":
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    @property
    def available(self) -> bool:
        return self._given is not None or self._bin_dir is not None

    def describe(self) -> str:
        if self._given:
            return "PostgreSQL tests: on TEST_DATABASE_URL"
        if self._bin_dir:
            return f"PostgreSQL tests: on a throwaway cluster from {self._bin_dir}"
        return ("PostgreSQL tests skipped: no TEST_DATABASE_URL and no PostgreSQL binaries in "
                + " or ".join(str(folder) for folder in BIN_DIRS) + " (apt-get install postgresql-15)")

    def fresh_database(self) -> str:
        """A new database with every migration applied, copied from the template (fast)."""
        admin = self._admin()
        if self._template is None:
            self._template = f"{self._prefix}_template"
            _run_sql(admin, f"DROP DATABASE IF EXISTS {self._template}", f"CREATE DATABASE {self._template}")
            _run_async(prepare_template(_with_database(admin, self._template)))
        return self._create(f"TEMPLATE {self._template}")

    def empty_database(self) -> str:
        """A new database with nothing in it, as an operator creates one for `copy-to-postgres`."""
        return self._create("")

    def _create(self, options: str) -> str:
        admin = self._admin()
        self._count += 1
        name = f"{self._prefix}_{self._count}"
        _run_sql(admin, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name} {options}")
        return _with_database(admin, name)

    def drop_database(self, url: str) -> None:
        _run_sql(self._admin(), f"DROP DATABASE IF EXISTS {_database_name(url)} WITH (FORCE)")

    def stop(self) -> None:
        if self._cluster is not None:
            self._cluster.stop()
            self._cluster = None
        elif self._given and self._template:
            _run_sql(self._given, f"DROP DATABASE IF EXISTS {self._template} WITH (FORCE)")

    def _admin(self) -> str:
        if self._admin_url is None:
            if self._given:
                self._admin_url = self._given
            else:
                assert self._bin_dir is not None
                self._cluster = ThrowawayCluster(self._bin_dir).start()
                self._admin_url = self._cluster.url
        return self._admin_url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _database_name(url: str) -> str:
    return urlsplit(url).path.strip("/")


async def prepare_template(database: str | Path) -> None:
    """Every migration applied and the shipped data loaded, as the first start loads them (catalog, refusal
    reasons, questionnaire): what each test's database is copied from, so no test pays for parsing them."""
    store = Store(database)
    await store.connect()
    await store.load_catalog(shipped_catalog())
    await store.seed_refusal_reasons(read_refusal_reasons(DATA_DIR))
    await store.seed_questionnaire(read_questionnaire(DATA_DIR))
    await store.close()


def _run_sql(url: str, *statements: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    _run_async(run())


def _run_async(work: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine from synchronous fixture code, whether or not an event loop is running here."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, work).result()
