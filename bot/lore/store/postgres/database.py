"""A pool of connections to PostgreSQL: opening it, migrating, one transaction per call.

Each store (guilds, quiz scores) opens a small pool of its own, as each SQLite store has a
connection of its own, so a quiz point never waits behind a large import. Writes run at READ
COMMITTED and lock the rows they check (see `bot.lore.store.guilds`); reads run at REPEATABLE
READ, read only, so a server's revision and its entries come from one snapshot. Faults of the
server or the connection come out as `StorageError` naming the server (never the password), a
broken constraint as `ConstraintError`.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal, Self

import asyncpg

from bot.lore.store.base import StorageError
from bot.lore.store.postgres.faults import shown, storage_error
from bot.lore.store.postgres.migrations import migrate
from bot.lore.store.sql import ConstraintError, Database

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the server at start-up before saying it does not answer."""


@functools.lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """The stores' `?` placeholders as PostgreSQL's `$1, $2, ...`."""
    count = itertools.count(1)
    return re.sub(r"\?", lambda _: f"${next(count)}", sql)


class PostgresSql:
    """An asyncpg connection as the stores' `Sql`."""

    def __init__(self, conn: asyncpg.pool.PoolConnectionProxy[Any]) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        return list(await self._conn.fetch(numbered(sql), *args))

    async def execute(self, sql: str, *args: Any) -> None:
        await self._conn.execute(numbered(sql), *args)

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            await self._conn.executemany(numbered(sql), rows)


class PostgresDatabase(Database):
    """A pool on the database at `url`; open it with `await <subclass>.open(url)`."""

    POOL_SIZE = 4

    def __init__(self, pool: asyncpg.Pool[Any], url: str) -> None:
        self._pool = pool
        self._url = url
        self._where = shown(url)

    @classmethod
    async def open(cls, url: str) -> Self:
        """Connect and bring the schema up to date; `StorageError` says what is wrong and what
        to do (an address PostgreSQL cannot read, no server, a refused login, a newer schema)."""
        where = shown(url)
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=cls.POOL_SIZE, timeout=CONNECT_TIMEOUT
            )
        except ValueError as error:  # also asyncpg's ClientConfigurationError
            raise StorageError(
                where,
                "DATABASE_URL is not an address PostgreSQL can use",
                "write it as postgresql://USER:PASSWORD@HOST:5432/DATABASE",
            ) from error
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise storage_error(where, error) from error
        try:
            async with pool.acquire() as conn:
                await migrate(conn, where)
        except BaseException as error:
            await pool.close()
            if isinstance(error, OSError | asyncpg.PostgresError | asyncpg.InterfaceError):
                raise storage_error(where, error) from error
            raise
        return cls(pool, url)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[PostgresSql]:
        isolation: Literal["read_committed", "repeatable_read"] = (
            "read_committed" if write else "repeatable_read"
        )
        try:
            async with (
                self._pool.acquire() as conn,
                conn.transaction(isolation=isolation, readonly=not write),
            ):
                yield PostgresSql(conn)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise ConstraintError(str(error)) from error
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise storage_error(self._where, error) from error
