"""The guild store on PostgreSQL: the shared statements, plus notices to and from other processes.

Each process keeps views of servers' lore (`LoreLibrary`) and their settings (`_configs`) in
memory; another process's change must reach them within a second. A change announces itself
inside its transaction (`NOTIFY`); every process's listener drops the settings it held for that
server, fetches the batch the notice names and hands it to its subscriber, whose view takes it
on as it does this process's own changes (or is dropped, for a large batch). After the listener
reconnects, notices may have been missed: every setting held is dropped and each held view's
revision is compared with the database's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from bot.lore.layered import DELTA_LIMIT
from bot.lore.store.base import GuildConfig, StorageError, Subscriber
from bot.lore.store.guilds import SqlGuildStore
from bot.lore.store.postgres.database import PostgresDatabase
from bot.lore.store.postgres.faults import storage_error
from bot.lore.store.postgres.notify import CHANNEL, Listener, notice
from bot.lore.store.sql import Sql


class PostgresGuildStore(PostgresDatabase, SqlGuildStore):
    """`GuildStore` on PostgreSQL; open it with `await PostgresGuildStore.open(url)`."""

    def __init__(self, pool: asyncpg.Pool[Any], url: str) -> None:
        super().__init__(pool, url)
        self._configs: dict[int, GuildConfig] = {}
        self._subscriber: Subscriber | None = None
        self._listener: Listener | None = None
        self._following: set[asyncio.Task[None]] = set()

    async def _announce(self, db: Sql, guild_id: int, revision: int) -> None:
        await db.execute("SELECT pg_notify(?, ?)", CHANNEL, notice(guild_id, revision))

    async def subscribe(self, subscriber: Subscriber) -> None:
        self._subscriber = subscriber
        if self._listener is None:
            self._listener = Listener(self._url, self._where, self._heard, self._catch_up)
            try:
                await self._listener.start()
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self._listener = None
                raise storage_error(self._where, error) from error

    def _heard(self, guild_id: int, revision: int) -> None:
        self._configs.pop(guild_id, None)
        if self._subscriber is not None:
            task = asyncio.get_running_loop().create_task(self._follow(guild_id, revision))
            self._following.add(task)
            task.add_done_callback(self._following.discard)

    async def _follow(self, guild_id: int, revision: int) -> None:
        """Fetch the batch a notice announced and hand it to the subscriber, whose view then
        takes it on in place of a rebuild; a large batch, or a fetch that fails, drops the view
        (it is rebuilt from the database at the next look-up)."""
        assert self._subscriber is not None
        try:
            changes = await self.batch(guild_id, revision, DELTA_LIMIT)
        except StorageError:
            changes = None
        if changes:
            self._subscriber.heard(guild_id, changes)
        else:
            self._subscriber.outdated(guild_id, revision)

    async def _catch_up(self) -> None:
        """After missed notices: forget every setting held, compare every view's revision."""
        self._configs.clear()
        if self._subscriber is None:
            return
        held = self._subscriber.held()
        if not held:
            return
        rows = await self._rows(
            "SELECT guild_id, revision FROM guild WHERE guild_id = ANY(?)", list(held)
        )
        current = {int(guild): int(revision) for guild, revision in rows}
        for guild_id, revision in held.items():
            if current.get(guild_id, 0) != revision:
                self._subscriber.outdated(guild_id, current.get(guild_id, 0))

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
        for task in self._following:
            task.cancel()
        await super().close()
