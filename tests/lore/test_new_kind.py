"""A kind of entry added by one class and its data alone: loaded, searched, shown, edited in a
form, stored and exported without a change anywhere else.

Why: every place that must know a kind asks the entry's class (label, form template, search
text, how it is shown, what it links to), so a kind someone adds cannot be forgotten by one of
them; this test is the proof, with a kind the shipped code has never heard of.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import pytest

from bot.lore import model
from bot.lore.export import dump_lore
from bot.lore.forms import blank_form, entry_form, entry_from_form
from bot.lore.loader import load_lore, parse_lore_file
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Detail, EntryBase, InWork, ShortText, searchable_kinds
from bot.render.limits import problems
from bot.render.screens import entry_screen, hit_line, select_options
from tests.conftest import WriteLore

LORE = """\
entries:
  - id: the-red-shoes-film
    kind: work
    name: The Red Shoes
    form: film
    year: 1948
    summary: A film by Powell and Pressburger.
    sources: [{title: The film}]
  - id: covent-garden-playbill
    kind: playbill
    name: Covent Garden playbill
    venue: Royal Opera House
    summary: The bill of the Ballet Lermontov's London season.
    related: [the-red-shoes-film]
    sources: [{title: The film}]
"""


@pytest.fixture
def playbill() -> Iterator[type[EntryBase]]:
    """The new kind, registered by defining it, and forgotten after the test."""

    class Playbill(InWork):
        """A printed programme of a season: where it played."""

        label: ClassVar[str] = "Playbill"
        form_template: ClassVar[Mapping[str, Any]] = MappingProxyType({"venue": ""})

        kind: Literal["playbill"]
        venue: ShortText

        def search_text(self) -> list[str]:
            return [*super().search_text(), self.venue]

        def details(self, book: Lorebook) -> list[Detail]:
            return [Detail("Venue", self.venue, True), *super().details(book)]

    try:
        yield Playbill
    finally:
        del model.ENTRY_CLASSES["playbill"]


def test_a_new_kind_is_loaded_searched_shown_edited_stored_and_exported(
    playbill: type[EntryBase], write_lore: WriteLore
) -> None:
    book = load_lore(write_lore("lore.yaml", LORE))
    entry = book.get("covent-garden-playbill")
    assert isinstance(entry, playbill)

    assert [h.entry for h in book.search("Royal Opera House")][:1] == [entry]
    assert book.find("covent garden playbill") == entry
    assert book.of_kind("playbill") == (entry,)  # type: ignore[arg-type]
    assert "playbill" in searchable_kinds()  # what /search looks in

    page = entry_screen(book, entry).pages[0]
    shown = page.embed.to_dict()
    assert problems({"embeds": [shown]}) == []
    fields = {f["name"]: f["value"] for f in shown.get("fields", [])}
    assert fields == {"Venue": "Royal Opera House", "From": "The Red Shoes"}
    assert [e.id for e in page.links] == ["the-red-shoes-film"]
    assert "Playbill" in hit_line(book, entry)
    assert select_options([entry])[0].description.startswith("Playbill · ")  # type: ignore[union-attr]

    assert "venue" in blank_form("playbill")["details"]  # type: ignore[arg-type]
    values = {**entry_form(entry), "summary": "The bill of the London season."}
    edited = entry_from_form("playbill", values, entry.id)  # type: ignore[arg-type]
    assert isinstance(edited, playbill)
    assert edited == entry.model_copy(update={"summary": "The bill of the London season."})

    assert ENTRY_ADAPTER.validate_json(ENTRY_ADAPTER.dump_json(edited)) == edited

    exported = dump_lore([edited])
    located, found = parse_lore_file("export.yaml", exported.encode("utf-8"))
    assert found == []
    assert [item.entry for item in located] == [edited]


def test_the_kind_is_gone_once_its_class_is(write_lore: WriteLore) -> None:
    """Registering is per class; the test's kind does not leak into other tests."""
    assert "playbill" not in model.ENTRY_CLASSES
    _, found = parse_lore_file("lore.yaml", LORE.encode("utf-8"))
    assert [p.message for p in found] == ["'kind' must be one of: " + ", ".join(model.KINDS)]
