"""The guild store on SQLite (a file under DATA_DIR), through aiosqlite.

The statements are the engine-neutral ones of `bot.lore.store.guilds`; the file's plumbing
(WAL, `BEGIN IMMEDIATE`, busy timeout, migrations, faults as `StorageError`) is
`bot.lore.store.database`. This process is the file's only writer, so nothing is announced.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.lore.store.base import GuildConfig
from bot.lore.store.database import SqliteDatabase
from bot.lore.store.guilds import SqlGuildStore


class SqliteGuildStore(SqliteDatabase, SqlGuildStore):
    """`GuildStore` on one SQLite file; open it with `await SqliteGuildStore.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        super().__init__(db, path)
        self._configs: dict[int, GuildConfig] = {}
