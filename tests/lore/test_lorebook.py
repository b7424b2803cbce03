"""The read model: entries by id and kind, scenes in story order, reverse links, voice lines."""

from __future__ import annotations

from pathlib import Path

from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import BalletScene, Character, EntryBase, Scene, Trivia, Work, kind_of


def test_scenes_come_in_story_order(lorebook: Lorebook) -> None:
    for cls in (Scene, BalletScene):
        scenes = lorebook.of_type(cls)
        assert [s.order for s in scenes] == list(range(1, len(scenes) + 1))


def test_played_by_is_the_reverse_of_character_played_by(lorebook: Lorebook) -> None:
    assert {c.id for c in lorebook.played_by("moira-shearer")} >= {"vicky-page", "ballet-the-girl"}
    assert lorebook.played_by("no-such-person") == ()


def test_persona_lines_and_the_dialogue(lorebook: Lorebook) -> None:
    assert lorebook.persona("greeting")
    dialogue = lorebook.dialogue("why-do-you-want-to-dance")
    assert dialogue is not None
    assert dialogue.lines[0].line == "Why do you want to dance?"
    assert lorebook.dialogue("vicky-page") is None


def test_find_takes_names_and_near_misses_but_not_prose_matches(lorebook: Lorebook) -> None:
    found = lorebook.find("lermontof", ["character"])
    assert found is not None
    assert found.id == "boris-lermontov"
    assert lorebook.find("a ballerina dog", ["character"]) is None


def test_ids_and_length(lorebook: Lorebook) -> None:
    assert "vicky-page" in lorebook
    assert (
        lorebook.get("vicky-page")
        is lorebook.entries[[e.id for e in lorebook.entries].index("vicky-page")]
    )
    assert len(lorebook) == len(lorebook.entries)


def test_of_type_matches_a_scan_of_every_entry(lorebook: Lorebook) -> None:
    for cls in (Work, Character, Scene, BalletScene, Trivia, EntryBase):
        assert lorebook.of_type(cls) == tuple(e for e in lorebook.entries if isinstance(e, cls))


def test_kind_of_names_the_kind_a_class_stands_for() -> None:
    assert (kind_of(Work), kind_of(BalletScene), kind_of(EntryBase)) == (
        "work",
        "ballet_scene",
        None,
    )


def test_facts_are_ready_once_built_and_built_once(lore_dir: Path) -> None:
    book = load_lore(lore_dir)
    assert not book.facts_ready
    index = book.facts
    assert book.facts_ready
    assert book.facts is index
