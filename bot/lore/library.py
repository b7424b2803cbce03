"""Which lore a command sees: the shipped book, or the shipped book with a server's overlay.

Commands ask `await library.book_for(guild_id)` and get an immutable `Lorebook`: the shipped book
itself, or a `ServerView` that layers the server's entries on the shared shipped index (see
`bot/lore/layered.py`), so a view costs what the overlay costs. Views
are kept in a bounded cache (least recently used first out, by count and by estimated memory),
so a bot in many servers holds views only for the servers that are being used, and forgets a
server it leaves. Each view is stored with the overlay revision it was built from and the
invalidation generation it started at: a build that began before a change (an edit, a revert)
is never stored over what the change produced. Builds take a lock per server, so concurrent
first look-ups in one server build once while other servers never wait. Replacing the shipped
book (hot reload) is one reference swap; cached views are dropped with it.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.lore.bulk import FREEZER, collector_paused
from bot.lore.layered import DELTA_LIMIT, LAZY_UP_TO, ServerView
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry

if TYPE_CHECKING:  # the store's module reads `Overlay` from this one
    from bot.lore.store.base import Change

DEFAULT_MAX_VIEWS = 1000
VIEW_UNITS = 10
"""A view's weight towards the next freeze (`bot/lore/bulk.py`), beside one per entry: the
hundred-odd objects of its book, index and layers."""
DEFAULT_MAX_VIEW_BYTES = 256 * 1024 * 1024
SHARED_VIEW_BYTES = 512
"""A server without an overlay reads the shipped book itself: its cache slot costs only this."""
VIEW_BASE_BYTES = 160 * 1024
"""What a view costs before its entries: the book, its index tables and an in-memory database."""
ENTRY_BYTES = 6 * 1024
"""What one entry a view indexes itself costs: a 100-entry view grows RSS by about 750 KiB
(`python -m bench.servers`)."""


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


def layer(shipped: Lorebook, overlay: Overlay) -> Lorebook:
    """The shipped entries, less hidden and replaced ones, plus the overlay's entries: the
    shipped book itself when the overlay is empty, else a view sharing its index."""
    if overlay.empty:
        return shipped
    return ServerView(shipped, overlay.entries, overlay.hidden)


def built_view(shipped: Lorebook, overlay: Overlay) -> Lorebook:
    """`layer`, with the collector paused until the view counts towards the next freeze: a
    large view is frozen before any collection walks the objects just built (a collection
    right after building 1,000 entries walks all of them; one freeze spares every later one)."""
    with collector_paused():
        book = layer(shipped, overlay)
        FREEZER.built(VIEW_UNITS + len(overlay.entries))
    return book


def footprint(view: Lorebook) -> int:
    """Estimated bytes a cached view holds beyond the shipped book it shares."""
    if not isinstance(view, ServerView):
        return SHARED_VIEW_BYTES
    return VIEW_BASE_BYTES + ENTRY_BYTES * len(view.own_entries)


@dataclass(frozen=True)
class CachedView:
    """A server's view, the overlay revision it shows, and its estimated size."""

    revision: int
    book: Lorebook
    size: int


class ViewCache:
    """Least recently used views out first, once there are more than `max_views` of them or
    they add up to more than `max_bytes`; the view just stored always stays."""

    def __init__(self, max_views: int, max_bytes: int) -> None:
        if max_views < 1 or max_bytes < 1:
            raise ValueError("a view cache holds at least one view")
        self.max_views = max_views
        self.max_bytes = max_bytes
        self._views: OrderedDict[int, CachedView] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._views)

    def __contains__(self, guild_id: object) -> bool:
        return guild_id in self._views

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, guild_id: int) -> CachedView | None:
        cached = self._views.get(guild_id)
        if cached is not None:
            self._views.move_to_end(guild_id)
        return cached

    def put(self, guild_id: int, view: CachedView) -> None:
        self.pop(guild_id)
        self._views[guild_id] = view
        self._bytes += view.size
        while len(self._views) > 1 and (
            len(self._views) > self.max_views or self._bytes > self.max_bytes
        ):
            _, evicted = self._views.popitem(last=False)
            self._bytes -= evicted.size

    def pop(self, guild_id: int) -> CachedView | None:
        cached = self._views.pop(guild_id, None)
        if cached is not None:
            self._bytes -= cached.size
        return cached

    def clear(self) -> None:
        self._views.clear()
        self._bytes = 0

    def peek(self, guild_id: int) -> CachedView | None:
        """The server's view without counting it as used (a notice is not a look-up)."""
        return self._views.get(guild_id)

    def revisions(self) -> dict[int, int]:
        """Each cached server's overlay revision (nothing moves in the eviction order)."""
        return {guild_id: view.revision for guild_id, view in self._views.items()}


@dataclass
class _GuildLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class LoreLibrary:
    """The current shipped book and each server's merged view of it."""

    def __init__(
        self,
        shipped: Lorebook,
        overlays: OverlaySource | None = None,
        *,
        max_views: int = DEFAULT_MAX_VIEWS,
        max_view_bytes: int = DEFAULT_MAX_VIEW_BYTES,
    ) -> None:
        self._shipped = shipped
        self.loaded = datetime.now(UTC)
        """When the shipped book was loaded or last reloaded (/about shows it)."""
        self.reloads: Counter[str] = Counter()
        """Reloads by result, "ok" or "refused" (the metrics endpoint reads them)."""
        self._overlays = overlays
        self.views = ViewCache(max_views, max_view_bytes)
        self._generations: dict[int, int] = {}
        self._locks: dict[int, _GuildLock] = {}

    @property
    def shipped(self) -> Lorebook:
        return self._shipped

    def replace_shipped(self, book: Lorebook) -> None:
        """Swap in a new shipped book (a reload); every server's view follows it."""
        self._shipped = book
        self.loaded = datetime.now(UTC)
        self.reloads["ok"] += 1
        self.views.clear()

    def invalidate(self, guild_id: int) -> None:
        """Forget a server's view after its overlay changed; a build already under way for it
        will not be stored, since it may have read the overlay before the change."""
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self.views.pop(guild_id)

    def changed(self, guild_id: int, changes: Sequence[Change]) -> None:
        """A batch of changes the store just committed for a server. A cached view at the
        revision just before the batch takes them on in place of a rebuild (a small layer of the
        changed entries, built here on the loop since it is small); otherwise, or when the view
        says a full build serves better, the view is dropped as by `invalidate`."""
        cached = self.views.get(guild_id)
        self.invalidate(guild_id)
        revision = changes[0].overlay_revision if changes else None
        if (
            cached is None
            or revision is None
            or cached.revision != revision - 1
            or not isinstance(cached.book, ServerView)
            or len(changes) > DELTA_LIMIT
        ):
            return
        copies = {c.entry_id: c.after.entry for c in changes}
        hidden = {c.entry_id for c in changes if c.after.hidden}
        book = cached.book.changed(copies, hidden)
        if book is not None:
            self.views.put(guild_id, CachedView(revision, book, footprint(book)))
            FREEZER.built(VIEW_UNITS + len(changes))

    def outdated(self, guild_id: int, revision: int) -> None:
        """Another process moved a server to `revision` (the store heard it, or caught up after
        missing notices): a view from before it is dropped as by `invalidate`, and so is a build
        under way, which may have read the state before; a view already there stays."""
        cached = self.views.peek(guild_id)
        if cached is None or cached.revision < revision:
            self.invalidate(guild_id)

    def heard(self, guild_id: int, changes: Sequence[Change]) -> None:
        """Another process's batch, fetched after its notice (`Subscriber.heard`): applied to a
        view at the revision just before it, as this process's own changes are (`changed`)."""
        cached = self.views.peek(guild_id)
        revision = changes[0].overlay_revision if changes else None
        if cached is not None and revision is not None and cached.revision >= revision:
            return
        self.changed(guild_id, changes)

    def held(self) -> dict[int, int]:
        """The overlay revision of each server's cached view (the store's catch-up compares)."""
        return self.views.revisions()

    def forget(self, guild_id: int) -> None:
        """Drop everything held for a server the bot has left."""
        self.views.pop(guild_id)
        self._generations.pop(guild_id, None)

    @asynccontextmanager
    async def _building(self, guild_id: int) -> AsyncIterator[None]:
        """One build at a time per server; the lock goes when nobody holds or awaits it."""
        held = self._locks.setdefault(guild_id, _GuildLock())
        held.users += 1
        try:
            async with held.lock:
                yield
        finally:
            held.users -= 1
            if not held.users:
                del self._locks[guild_id]

    async def book_for(self, guild_id: int | None) -> Lorebook:
        """The book a command in this server (None: a DM) should read."""
        if guild_id is None or self._overlays is None:
            return self._shipped
        cached = self.views.get(guild_id)
        if cached is not None:
            return cached.book
        async with self._building(guild_id):
            cached = self.views.get(guild_id)  # built while this one waited for the lock
            if cached is not None:
                return cached.book
            return await self._build(guild_id, self._overlays)

    async def _build(self, guild_id: int, overlays: OverlaySource) -> Lorebook:
        shipped = self._shipped
        generation = self._generations.get(guild_id, 0)
        overlay = await overlays.overlay(guild_id)
        if len(overlay.entries) <= LAZY_UP_TO:
            # A small overlay's view is built in a few milliseconds of pure Python: a worker
            # thread would hold the interpreter lock as long (other servers' look-ups wait
            # either way) and add two thread wake-ups, which cost most on a busy machine.
            book = built_view(shipped, overlay)
        else:
            # Indexing a large overlay takes a while; keep the event loop answering others.
            book = await asyncio.to_thread(built_view, shipped, overlay)
        current = self.views.get(guild_id)
        if (
            shipped is self._shipped
            and generation == self._generations.get(guild_id, 0)
            and (current is None or current.revision <= overlay.revision)
        ):
            size = footprint(book)
            self.views.put(guild_id, CachedView(overlay.revision, book, size))
        return book
