"""Which guild store to open: PostgreSQL when a `DATABASE_URL` is given, else the SQLite file.

The one place that chooses, so the bot, the console and `ask --guild` cannot disagree about where
a server's lore lives. asyncpg is imported only when PostgreSQL is asked for.
"""

from __future__ import annotations

from pathlib import Path

from bot.lore.store.base import GuildStore
from bot.lore.store.database import DB_NAME
from bot.lore.store.sqlite import SqliteGuildStore


async def open_guild_store(database_url: str | None, data_dir: Path) -> GuildStore:
    """The guild store at `database_url`, or in `data_dir`'s SQLite file when there is none."""
    if database_url is None:
        return await SqliteGuildStore.open(data_dir / DB_NAME)
    from bot.lore.store.postgres.guilds import PostgresGuildStore

    return await PostgresGuildStore.open(database_url)


def stores_exist(database_url: str | None, data_dir: Path) -> bool:
    """Whether there is a store to read: a PostgreSQL server always counts (it is asked)."""
    return database_url is not None or (data_dir / DB_NAME).exists()
