"""Which lore a command sees: the shipped book, or the shipped book merged with a server's overlay.

Commands ask `await library.book_for(guild_id)` and get an immutable `Lorebook`. Merged books are
cached per server and rebuilt only when that server's overlay revision changes, so a look-up in
a server with a large overlay costs what a look-up without one costs. Replacing the shipped book
(hot reload) is one reference swap; cached merged books are dropped with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry


@dataclass(frozen=True)
class Overlay:
    """One server's changes: entries it added or replaced (by id), and shipped ids it hides."""

    revision: int = 0
    entries: tuple[Entry, ...] = ()
    hidden: frozenset[str] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not self.entries and not self.hidden


class OverlaySource(Protocol):
    """Where overlays come from (the guild store); `revision` must grow with every change."""

    async def overlay(self, guild_id: int) -> Overlay: ...


def merge(shipped: Lorebook, overlay: Overlay) -> Lorebook:
    """The shipped entries, less hidden and replaced ones, plus the overlay's entries."""
    if overlay.empty:
        return shipped
    replaced = {e.id for e in overlay.entries}
    kept = [e for e in shipped.entries if e.id not in overlay.hidden and e.id not in replaced]
    added = [e for e in overlay.entries if e.id not in overlay.hidden]
    return Lorebook([*kept, *added])


class LoreLibrary:
    """The current shipped book and each server's merged view of it."""

    def __init__(self, shipped: Lorebook, overlays: OverlaySource | None = None) -> None:
        self._shipped = shipped
        self._overlays = overlays
        self._merged: dict[int, tuple[int, Lorebook]] = {}
        self._lock = asyncio.Lock()

    @property
    def shipped(self) -> Lorebook:
        return self._shipped

    def replace_shipped(self, book: Lorebook) -> None:
        """Swap in a new shipped book (a reload); every server's view follows it."""
        self._shipped = book
        self._merged = {}

    def invalidate(self, guild_id: int) -> None:
        """Forget a server's merged view after its overlay changed."""
        self._merged.pop(guild_id, None)

    async def book_for(self, guild_id: int | None) -> Lorebook:
        """The book a command in this server (None: a DM) should read."""
        if guild_id is None or self._overlays is None:
            return self._shipped
        cached = self._merged.get(guild_id)
        if cached is not None:
            return cached[1]
        async with self._lock:
            shipped = self._shipped
            overlay = await self._overlays.overlay(guild_id)
            # Indexing a large merged book takes a while; keep the event loop answering others.
            book = await asyncio.to_thread(merge, shipped, overlay)
            if shipped is self._shipped:
                self._merged[guild_id] = (overlay.revision, book)
            return book
