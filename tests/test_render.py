"""Rendering: clipping and splitting, the limit checker, and screens at the edge of the limits."""

from __future__ import annotations

from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER
from bot.render import limits
from bot.render.limits import clip, embed_size, problems, split_text
from bot.render.screens import ACCENT, choices, entry_screen, screen_for, sequence_screen

SOURCE = [{"title": "A very long book title " * 8}]


def test_clip_marks_what_it_cut():
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"


def test_split_text_keeps_paragraphs_and_never_exceeds_the_limit():
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 60 for i in range(10))
    pieces = split_text(text, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_split_text_cuts_an_unbroken_word_only_when_it_must():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("   ", 10) == []


def test_problems_finds_every_broken_limit():
    embed = {
        "title": "t" * 257,
        "description": "d" * 4097,
        "fields": [{"name": "", "value": "v" * 1025}] * 26,
        "footer": {"text": "f" * 2049},
    }
    found = problems({"type": 4, "data": {"content": "c" * 2001, "embeds": [embed] * 11}})
    for where in ("content", "embeds", "title", "description", "fields", "name", "value", "footer"):
        assert any(where in p for p in found), where
    assert problems({"type": 4, "data": {"content": "ok", "allowed_mentions": {"parse": []}}}) == []
    assert problems({"type": 4, "data": {"allowed_mentions": {"parse": ["users"]}}})
    assert problems({"type": 8, "data": {"choices": [{"name": "", "value": "x"}]}})


def _huge_book() -> Lorebook:
    """Entries at every maximum the schema allows: long body, many credits, long names."""
    person = {
        "id": "pp",
        "kind": "person",
        "name": "P" * 200,
        "summary": "s" * 1000,
        "roles": ["r" * 200] * 30,
        "sources": SOURCE,
    }
    work = {
        "id": "the-film",
        "kind": "work",
        "form": "film",
        "year": 1948,
        "name": "N" * 200,
        "summary": "s" * 1000,
        "body": ("word " * 199 + "\n\n") * 8,
        "sources": SOURCE * 20,
        "credits": [{"role": f"role {i} " + "x" * 180, "person": "pp"} for i in range(60)],
        "awards": [{"award": "a" * 200, "category": "c" * 200, "year": 1949, "result": "won"}] * 30,
        "related": ["pp"],
    }
    characters = [
        {
            "id": f"c{i}",
            "kind": "character",
            "name": f"C{i} " + "n" * 190,
            "summary": "s" * 1000,
            "played_by": "pp",
            "sources": SOURCE,
        }
        for i in range(40)
    ]
    return Lorebook(ENTRY_ADAPTER.validate_python(e) for e in [person, work, *characters])


def test_the_largest_entries_split_into_pages_within_every_limit():
    book = _huge_book()
    for entry in book.entries:
        screen = entry_screen(book, entry)
        for page in screen.pages:
            data = page.embed.to_dict()
            assert problems({"embeds": [data]}) == []
            assert embed_size(data) <= limits.EMBED_TOTAL
            assert page.embed.colour == ACCENT
            assert "Source: " in (page.embed.footer.text or "")
    film = entry_screen(book, book.get("the-film"))  # type: ignore[arg-type]
    assert len(film.pages) > 1
    assert film.pages[-1].embed.footer.text.endswith(f"page {len(film.pages)}/{len(film.pages)}")  # type: ignore[union-attr]


def test_a_person_screen_links_the_characters_they_played(lorebook):
    screen = entry_screen(lorebook, lorebook.get("moira-shearer"))
    fields = {f.name: f.value for f in screen.pages[0].embed.fields}
    assert "Victoria" in str(fields["Played"])
    assert screen.pages[0].links[0].id == "vicky-page"


def test_a_character_screen_shows_and_links_who_played_them(lorebook):
    screen = entry_screen(lorebook, lorebook.get("vicky-page"))
    fields = {f.name: f.value for f in screen.pages[0].embed.fields}
    assert fields["Played by"] == "Moira Shearer"
    assert screen.pages[0].links[0].id == "moira-shearer"


def test_sequences_list_every_scene_in_order_across_pages(lorebook):
    screen = sequence_screen(lorebook, "seq.story")
    listed = [e.id for page in screen.pages for e in page.links]
    assert listed == [e.id for e in lorebook.of_kind("scene")]
    assert screen_for(lorebook, "seq.ballet") is not None
    assert screen_for(lorebook, "no-such-entry") is None


def test_choices_fit_discord(lorebook):
    made = choices(lorebook.entries)
    assert len(made) == limits.CHOICES
    assert all(1 <= len(c.name) <= limits.CHOICE_NAME for c in made)


def test_screens_are_built_once_per_book_and_follow_a_new_book(lorebook: Lorebook):
    vicky = lorebook.get("vicky-page")
    assert vicky is not None
    first = entry_screen(lorebook, vicky)
    assert entry_screen(lorebook, vicky) is first
    assert sequence_screen(lorebook, "seq.ballet") is sequence_screen(lorebook, "seq.ballet")
    renamed = vicky.model_copy(update={"name": "Vicky, renamed"})
    reloaded = Lorebook([renamed if e.id == vicky.id else e for e in lorebook.entries])
    assert entry_screen(reloaded, renamed).pages[0].embed.title == "Vicky, renamed"
    assert entry_screen(lorebook, vicky).pages[0].embed.title == vicky.name
