"""What the stores' SQL needs of a database, so one set of statements serves SQLite and PostgreSQL.

The guild store (`bot.lore.store.guilds`) and the quiz's score store (`bot.quiz.sql`) are written
once against `Database`: a transaction that hands out an `Sql` connection. Statements use `?`
placeholders and SQL both engines accept (`ON CONFLICT`, `CAST`, `IN (...)`); each backend supplies
only its plumbing: `bot.lore.store.database` (SQLite, aiosqlite) and `bot.lore.store.postgres`
(asyncpg, which numbers the placeholders). Two copies of every statement would drift apart; one
copy, run by one contract test suite against both engines, cannot.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol


class Sql(Protocol):
    """One connection inside a transaction: the three calls the stores' statements use."""

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        """Every row the statement returns, each a sequence of column values."""

    async def execute(self, sql: str, *args: Any) -> None: ...

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None: ...


class ConstraintError(Exception):
    """A statement broke a rule of the schema (a duplicate key): the caller's mistake, not a
    fault of the database, and the transaction changed nothing."""


class Database(ABC):
    """A store's connection(s) to its database; subclasses open it and run transactions."""

    @abstractmethod
    def _transaction(self, *, write: bool) -> AbstractAsyncContextManager[Sql]:
        """All or nothing: committed when the block ends, rolled back if it raises. Faults of
        the database itself come out as `StorageError`, broken constraints as
        `ConstraintError`."""

    @abstractmethod
    async def close(self) -> None: ...

    async def _rows(self, sql: str, *args: Any) -> list[Any]:
        async with self._transaction(write=False) as db:
            return await db.fetch(sql, *args)

    async def _write(self, sql: str, *args: Any) -> None:
        async with self._transaction(write=True) as db:
            await db.execute(sql, *args)
