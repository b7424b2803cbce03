"""Per-server views: shipped lore plus an overlay, cached, swapped atomically on reload."""

from __future__ import annotations

from bot.lore.library import LoreLibrary, Overlay, merge
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Entry


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
    book = merge(SHIPPED, overlay)
    assert [e.id for e in book.entries] == ["b-fact", "c-fact"]
    assert book.get("b-fact") is not None
    assert book.get("b-fact").name == "B, corrected"  # type: ignore[union-attr]
    assert SHIPPED.get("a-fact") is not None


def test_empty_overlay_is_the_shipped_book() -> None:
    assert merge(SHIPPED, Overlay()) is SHIPPED


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
