"""A consistent copy of the SQLite database, made and put back while the file is in use.

Copying `guilds.sqlite3` with `cp` misses what still sits in the write-ahead log (`-wal`) and can
catch a transaction half written; SQLite's online backup API copies the database as one
transaction sees it, WAL included, while the bot goes on reading and writing (a write during the
copy makes it start over, so it always ends consistent). A restore checks that the copy is this
bot's database and intact before writing anything, keeps the database it replaces beside it
(`guilds.sqlite3.before-restore`), and writes through the same API, so a connection still open
sees either the old database or the restored one. PostgreSQL has its own tools (pg_dump,
pg_restore; see the README).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.lore.store.base import StorageError
from bot.lore.store.migrations import LATEST

PAGES_PER_STEP = 1024
"""Pages copied per step: the bot's writes are held back only for one step at a time."""


def backup(database: Path, target: Path) -> None:
    """Copy `database` to `target` (a new file) as one consistent snapshot."""
    if not database.exists():
        raise StorageError(database, "there is no database to back up", "check DATA_DIR")
    if target.exists():
        raise StorageError(target, "the file exists already", "name a new file for the copy")
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(database, partial)
        partial.replace(target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise StorageError(target, f"the copy failed ({error})", "nothing was written") from error


def restore(source: Path, database: Path) -> Path | None:
    """Put `source`, a copy `backup` made, in place of `database`; return where the replaced
    database was kept (None when there was none)."""
    _check_copy(source)
    kept = database.with_name(database.name + ".before-restore")
    replacing = database.exists()
    try:
        if replacing:
            kept.unlink(missing_ok=True)
            _copy(database, kept)
        database.parent.mkdir(parents=True, exist_ok=True)
        _copy(source, database)
    except (OSError, sqlite3.Error) as error:
        raise StorageError(
            database, f"the restore failed ({error})", f"the database before it is in {kept}"
        ) from error
    return kept if replacing else None


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer, pages=PAGES_PER_STEP)


def _check_copy(source: Path) -> None:
    """`StorageError` unless `source` is an intact database of this bot, no newer than it."""
    if not source.is_file():
        raise StorageError(source, "there is no such file", "name the copy `backup` made")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy:
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
            (version,) = copy.execute("PRAGMA user_version").fetchone()
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise StorageError(
            source, f"it is not a database ({error})", "name the copy `backup` made"
        ) from error
    if verdict != "ok":
        raise StorageError(source, f"the copy is damaged ({verdict})", "use another copy")
    if "guild" not in tables or version < 1:
        raise StorageError(source, "it is not this bot's database", "name the copy `backup` made")
    if version > LATEST:
        raise StorageError(
            source,
            f"the copy is at schema version {version}, newer than this bot ({LATEST})",
            "restore it with the bot that made it",
        )
