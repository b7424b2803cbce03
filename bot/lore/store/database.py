"""The project's one SQLite file: opening it, migrating its schema, one transaction at a time.

Every store on that file (the guild store here, the quiz's score store in `bot.quiz.sqlite`)
extends this class for its plumbing alone, each on a connection of its own: a quiz point then
never waits behind, or lands inside, a moderator's lore transaction. WAL mode so readers never
block the writer, `synchronous=FULL` so a commit survives a crash, `BEGIN IMMEDIATE` so a write
transaction holds the write lock before it reads what it checks, and a busy timeout so a second
process waits for the lock instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.lore.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

DB_NAME = "guilds.sqlite3"
BUSY_TIMEOUT_MS = 10_000


class SqliteDatabase:
    """A connection to the database file; open it with `await <subclass>.open(path)`."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Self:
        """Open (creating if needed) the database at `path` and bring its schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = FULL")
            await db.execute("PRAGMA foreign_keys = ON")
            await _migrate(db)
        except BaseException:
            await db.close()
            raise
        return cls(db)

    async def close(self) -> None:
        await self._db.close()

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _rows(self, sql: str, *args: Any) -> list[Any]:
        async with self._transaction(write=False) as db:
            return list(await db.execute_fetchall(sql, args))


async def _migrate(db: aiosqlite.Connection) -> None:
    """Run the migration steps this file has not seen, each atomically with its version bump."""
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    version = int(rows[0][0])
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"the database is at schema version {version}, newer than this bot "
            f"({len(MIGRATIONS)}); upgrade the bot instead of downgrading the data"
        )
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{step}\n;PRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
        log.info("database schema migrated to version %d", number)
