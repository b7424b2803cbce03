"""The project's one SQLite file: opening it, migrating its schema, one transaction at a time.

Every store on that file (the guild store in `bot.lore.store.sqlite`, the quiz's score store in
`bot.quiz.sqlite`) takes its plumbing alone from this class, and its statements from the
engine-neutral stores (`bot.lore.store.sql`), each on a connection of its own: a quiz point then
never waits behind, or lands inside, a moderator's lore transaction. WAL mode so readers never
block the writer, `synchronous=FULL` so a commit survives a crash, `BEGIN IMMEDIATE` so a write
transaction holds the write lock before it reads what it checks, and a busy timeout so a second
process waits for the lock instead of failing.

Faults of the file itself (a DATA_DIR that cannot be written, a damaged or foreign file, a schema
from a newer bot, a full disk) are raised as `StorageError`, one sentence naming the file and what
to do: the command line prints it and exits 2 at start-up, a command apologises in character and
logs it. A failed transaction is rolled back only if SQLite has not already done so (it does on a
full disk), so the real cause is what gets reported, not "cannot rollback".
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.lore.store.base import StorageError
from bot.lore.store.migrations import MIGRATIONS
from bot.lore.store.sql import ConstraintError, Database

log = logging.getLogger(__name__)

DB_NAME = "guilds.sqlite3"
BUSY_TIMEOUT_MS = 10_000


class SqliteSql:
    """aiosqlite's connection as the stores' `Sql`."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        return list(await self._db.execute_fetchall(sql, args))

    async def execute(self, sql: str, *args: Any) -> None:
        await self._db.execute(sql, args)

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        await self._db.executemany(sql, rows)


class SqliteDatabase(Database):
    """A connection to the database file; open it with `await <subclass>.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self._path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Self:
        """Open (creating if needed) the database at `path` and bring its schema up to date;
        `StorageError` says what is wrong with the file or its folder, and what to do."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise _storage_error(path.parent, error) from error
        try:
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = FULL")
            await db.execute("PRAGMA foreign_keys = ON")
            await _migrate(db, path)
        except BaseException as error:
            await db.close()
            if isinstance(error, sqlite3.DatabaseError | OSError):
                raise _storage_error(path, error) from error
            raise
        return cls(db, path)

    async def close(self) -> None:
        await self._db.close()

    async def _rows(self, sql: str, *args: Any) -> list[Any]:
        """One statement's rows, read without BEGIN and COMMIT: SQLite reads a statement on its
        own in one snapshot anyway, and each of those is a trip to the connection's thread and
        back, which on a busy machine is most of a cold server's first look-up."""
        async with self._lock:
            try:
                return list(await self._db.execute_fetchall(sql, args))
            except sqlite3.ProgrammingError:
                raise  # a mistake of the code, not a fault of the file
            except sqlite3.DatabaseError as error:
                raise _storage_error(self._path, error) from error

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[SqliteSql]:
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield SqliteSql(self._db)
                except BaseException:
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
            except sqlite3.IntegrityError as error:
                raise ConstraintError(str(error)) from error
            except sqlite3.ProgrammingError:
                raise  # a mistake of the code, not a fault of the file
            except sqlite3.DatabaseError as error:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise _storage_error(self._path, error) from error


def _storage_error(path: Path, error: OSError | sqlite3.Error) -> StorageError:
    """What went wrong with the file (in SQLite's or the OS's own words) and what to do."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    lowered = reason.lower()
    if "full" in lowered:
        remedy = "free some disk space; nothing was written"
    elif "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        remedy = (
            "the file is damaged or is not this bot's database: move it aside to start empty, "
            "or put back a copy"
        )
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        remedy = "make it writable by the bot's user (or set DATA_DIR to a folder that is)"
    else:
        remedy = "check that DATA_DIR is a folder the bot can create, read and write"
    return StorageError(path, f"the database cannot be used ({reason})", remedy)


async def _migrate(db: aiosqlite.Connection, path: Path) -> None:
    """Run the migration steps this file has not seen, each atomically with its version bump."""
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    version = int(rows[0][0])
    if version > len(MIGRATIONS):
        raise StorageError(
            path,
            f"the database is at schema version {version}, newer than this bot ({len(MIGRATIONS)})",
            "upgrade the bot (or point DATA_DIR at another folder); the data was left as it was",
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
