"""Per-server views: shipped lore plus an overlay, cached (bounded, revision-checked, one build
per server at a time), swapped atomically on reload."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime

import pytest

from bot.lore.bulk import FREEZER
from bot.lore.layered import ServerView
from bot.lore.library import LoreLibrary, Overlay, footprint, layer
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Entry
from bot.lore.store.base import Change, Version


def entry(entry_id: str, name: str) -> Entry:
    return ENTRY_ADAPTER.validate_python(
        {
            "id": entry_id,
            "kind": "trivia",
            "topic": "film",
            "name": name,
            "summary": f"{name}.",
            "sources": [{"title": "Test"}],
        }
    )


SHIPPED = Lorebook([entry("a-fact", "A"), entry("b-fact", "B")])


class FakeOverlays:
    def __init__(self) -> None:
        self.overlays: dict[int, Overlay] = {}
        self.calls = 0

    async def overlay(self, guild_id: int) -> Overlay:
        self.calls += 1
        return self.overlays.get(guild_id, Overlay())


def test_merge_hides_replaces_and_adds() -> None:
    overlay = Overlay(
        1, (entry("b-fact", "B, corrected"), entry("c-fact", "C")), frozenset({"a-fact"})
    )
    book = layer(SHIPPED, overlay)
    assert [e.id for e in book.entries] == ["b-fact", "c-fact"]
    assert book.get("b-fact") is not None
    assert book.get("b-fact").name == "B, corrected"  # type: ignore[union-attr]
    assert SHIPPED.get("a-fact") is not None


def test_empty_overlay_is_the_shipped_book() -> None:
    assert layer(SHIPPED, Overlay()) is SHIPPED


async def test_views_are_per_server_and_cached() -> None:
    overlays = FakeOverlays()
    overlays.overlays[1] = Overlay(1, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    first = await library.book_for(1)
    assert "c-fact" in first
    assert "c-fact" not in await library.book_for(2)
    assert await library.book_for(None) is SHIPPED
    assert await library.book_for(1) is first
    assert overlays.calls == 2


async def test_invalidate_and_reload_rebuild_views() -> None:
    overlays = FakeOverlays()
    library = LoreLibrary(SHIPPED, overlays)
    await library.book_for(1)
    overlays.overlays[1] = Overlay(2, (entry("d-fact", "D"),))
    library.invalidate(1)
    assert "d-fact" in await library.book_for(1)
    reloaded = Lorebook([entry("z-fact", "Z")])
    library.replace_shipped(reloaded)
    assert library.shipped is reloaded
    view = await library.book_for(1)
    assert "z-fact" in view
    assert "a-fact" not in view


class GatedOverlays(FakeOverlays):
    """Overlays whose reads can be held open: a read takes its snapshot at once, then waits
    for `gate`, as a read does that loses the race with a commit."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.reading = asyncio.Event()

    async def overlay(self, guild_id: int) -> Overlay:
        snapshot = await super().overlay(guild_id)
        self.reading.set()
        await self.gate.wait()
        return snapshot


async def test_a_lookup_racing_a_revert_never_caches_the_pre_revert_view() -> None:
    overlays = GatedOverlays()
    overlays.overlays[1] = Overlay(5, (entry("c-fact", "C, before the revert"),))
    library = LoreLibrary(SHIPPED, overlays)
    lookup = asyncio.create_task(library.book_for(1))
    await overlays.reading.wait()
    # The revert commits and invalidates while the look-up still holds the old overlay.
    overlays.overlays[1] = Overlay(6)
    library.invalidate(1)
    overlays.gate.set()
    stale = await lookup
    assert "c-fact" in stale  # that one answer was asked for before the revert committed
    after = await library.book_for(1)
    assert "c-fact" not in after
    assert await library.book_for(1) is after
    assert library.views.get(1) is not None
    assert library.views.get(1).revision == 6  # type: ignore[union-attr]


async def test_an_older_revision_is_never_stored_over_a_newer_one() -> None:
    overlays = FakeOverlays()
    overlays.overlays[1] = Overlay(7, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    newer = await library.book_for(1)
    # A build that read an older revision (a replica lagging behind, say) finishes late.
    overlays.overlays[1] = Overlay(3, (entry("old-fact", "Old"),))
    assert "old-fact" in await library._build(1, overlays)
    assert library.views.get(1).book is newer  # type: ignore[union-attr]


async def test_concurrent_first_lookups_in_one_server_build_once() -> None:
    overlays = GatedOverlays()
    overlays.overlays[1] = Overlay(1, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    lookups = [asyncio.create_task(library.book_for(1)) for _ in range(3)]
    await overlays.reading.wait()
    overlays.gate.set()
    books = await asyncio.gather(*lookups)
    assert overlays.calls == 1
    assert books[0] is books[1] is books[2]
    assert not library._locks  # no lock is kept once nobody builds


async def test_a_server_never_waits_for_another_servers_build() -> None:
    overlays = GatedOverlays()
    overlays.overlays[1] = Overlay(1, (entry("c-fact", "C"),))
    overlays.overlays[2] = Overlay(1, (entry("d-fact", "D"),))
    library = LoreLibrary(SHIPPED, overlays)
    stuck = asyncio.create_task(library.book_for(1))
    await overlays.reading.wait()
    overlays.gate.set()
    other = await asyncio.wait_for(library.book_for(2), 1)
    assert "d-fact" in other
    await stuck


async def test_the_cache_keeps_the_most_recently_used_views_within_its_bounds() -> None:
    overlays = FakeOverlays()
    for guild in range(1, 6):
        overlays.overlays[guild] = Overlay(1, (entry(f"g{guild}-fact", f"G{guild}"),))
    library = LoreLibrary(SHIPPED, overlays, max_views=3)
    for guild in (1, 2, 3):
        await library.book_for(guild)
    await library.book_for(1)  # used again: now 2 is the least recently used
    await library.book_for(4)
    assert sorted(guild for guild in range(1, 6) if guild in library.views) == [1, 3, 4]
    # What was evicted is rebuilt, correctly, when it is needed again.
    assert "g2-fact" in await library.book_for(2)
    assert len(library.views) == 3

    one_view = footprint(await library.book_for(2))
    by_memory = LoreLibrary(SHIPPED, overlays, max_view_bytes=2 * one_view)
    for guild in range(1, 6):
        assert f"g{guild}-fact" in await by_memory.book_for(guild)
    assert len(by_memory.views) == 2 and by_memory.views.bytes <= 2 * one_view


async def test_a_server_the_bot_left_is_forgotten() -> None:
    overlays = FakeOverlays()
    overlays.overlays[1] = Overlay(1, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    await library.book_for(1)
    library.invalidate(1)
    await library.book_for(1)
    library.forget(1)
    assert 1 not in library.views and 1 not in library._generations


def committed(entry_id: str, after: Version, overlay_revision: int) -> Change:
    """A change as the store returns it: with the overlay revision its batch produced."""
    when = datetime.now(UTC)
    return Change(1, entry_id, 1, "edit", 9, when, Version(), after, overlay_revision)


async def test_a_change_is_applied_to_the_cached_view_not_rebuilt() -> None:
    overlays = FakeOverlays()
    overlays.overlays[1] = Overlay(4, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    await library.book_for(1)
    edited = entry("c-fact", "C, edited")
    overlays.overlays[1] = Overlay(5, (edited,))
    library.changed(1, [committed("c-fact", Version(entry=edited), 5)])
    view = await library.book_for(1)
    assert overlays.calls == 1  # the store was not read again
    assert isinstance(view, ServerView) and view.get("c-fact") == edited
    assert library.views.get(1).revision == 5  # type: ignore[union-attr]
    library.changed(1, [committed("a-fact", Version(hidden=True), 6)])
    assert [e.id for e in (await library.book_for(1)).entries] == ["b-fact", "c-fact"]
    assert overlays.calls == 1
    # A build that read the overlay before these changes finishes late: it is not stored.
    assert "c-fact" in await library._build(1, overlays)
    assert library.views.get(1).revision == 6  # type: ignore[union-attr]
    assert "a-fact" not in await library.book_for(1)


async def test_a_change_that_skips_a_revision_drops_the_view() -> None:
    overlays = FakeOverlays()
    overlays.overlays[1] = Overlay(4, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    await library.book_for(1)
    # Revision 5 (another change) was never applied to this view: it cannot take 6 on top.
    overlays.overlays[1] = Overlay(6, (entry("d-fact", "D"),), frozenset({"c-fact"}))
    library.changed(1, [committed("d-fact", Version(entry=entry("d-fact", "D")), 6)])
    assert 1 not in library.views
    view = await library.book_for(1)
    assert overlays.calls == 2
    assert "d-fact" in view and "c-fact" not in view


def test_a_dropped_view_leaves_no_reference_cycle() -> None:
    """Views are frozen out of the collector's way (`bot/lore/bulk.py`): one evicted must go by
    reference counting alone, its search index's SQLite connection included."""
    overlay = Overlay(1, (entry("b-fact", "B, corrected"), entry("c-fact", "C")))
    gc.collect()
    gc.disable()
    try:
        book = layer(SHIPPED, overlay)
        assert [e.name for e, _ in book.index.text("corrected")] == ["B, corrected"]
        assert book.facts.facts
        del book
        assert gc.collect() == 0
    finally:
        gc.enable()


async def test_a_view_is_frozen_before_the_collector_can_walk_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large view frozen after the collector resumed would first be walked by the collection
    that follows its build (one after a 10,000-entry book was built took 189 ms in `python -m
    bench.servers`): it is frozen while the collector is still paused."""
    freezes: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(gc.isenabled()))
    monkeypatch.setattr(FREEZER, "after", 1)
    overlays = FakeOverlays()
    overlays.overlays[1] = Overlay(1, (entry("c-fact", "C"),))
    library = LoreLibrary(SHIPPED, overlays)
    assert "c-fact" in await library.book_for(1)
    assert freezes == [False]
    assert gc.isenabled()
