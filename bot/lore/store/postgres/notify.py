"""Change notices between processes: PostgreSQL's LISTEN/NOTIFY on one dedicated connection.

Every committed change to a server (`apply`, `set_config`) sends `NOTIFY` with the server's id and
its revision inside its transaction, so the notice goes out exactly when the change is visible,
and never for a change rolled back. Each process listens on a connection of its own (a pooled one
would be handed to queries). Notices sent while that connection was down are lost, so when it
drops the listener reconnects, retrying with a growing pause, and then has the store catch up by
comparing revisions (`on_gap`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

CHANNEL = "redshoes_guild"
RETRY_FIRST, RETRY_MOST = 0.2, 5.0
"""Seconds between reconnection attempts: the first pause, and the longest it grows to."""

log = logging.getLogger(__name__)


def notice(guild_id: int, revision: int) -> str:
    return f"{guild_id} {revision}"


class Listener:
    """Calls `on_change(guild_id, revision)` for each notice; `on_gap()` after a reconnection."""

    def __init__(
        self,
        url: str,
        where: str,
        on_change: Callable[[int, int], None],
        on_gap: Callable[[], Awaitable[None]],
    ) -> None:
        self._url = url
        self._where = where
        self._on_change = on_change
        self._on_gap = on_gap
        self._conn: asyncpg.Connection[Any] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        await self._connect()

    async def _connect(self) -> None:
        conn: asyncpg.Connection[Any] = await asyncpg.connect(self._url, timeout=10.0)
        await conn.add_listener(CHANNEL, self._heard)
        conn.add_termination_listener(self._lost)
        self._conn = conn

    def _heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        guild, revision = str(payload).split()
        self._on_change(int(guild), int(revision))

    def _lost(self, conn: object) -> None:
        if self._closed or self._reconnecting is not None:
            return
        log.warning("change notices from %s lost; reconnecting", self._where)
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        pause = RETRY_FIRST
        while not self._closed:
            try:
                await self._connect()
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("change notices: %s still unreachable (%s)", self._where, error)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_MOST)
                continue
            self._reconnecting = None
            log.info("change notices from %s again; catching up", self._where)
            await self._on_gap()
            return

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()
