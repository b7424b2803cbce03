"""Entries as five-field forms and back, with every bad field named."""

from __future__ import annotations

import pytest

from bot.lore.errors import LoreError
from bot.lore.forms import blank_form, describe, entry_form, entry_from_form, form_fields
from bot.lore.model import KINDS, Character, Trivia
from tests.lore.test_store import trivia


def messages(error: pytest.ExceptionInfo[LoreError]) -> list[str]:
    return [describe(p) for p in error.value.problems]


def test_forms_fit_in_a_discord_modal() -> None:
    assert len(form_fields(new=True)) == 5
    assert all(f.max_length <= 4000 for f in form_fields(new=True))
    for kind in KINDS:
        assert "sources" in blank_form(kind)["details"]


def test_an_entry_round_trips_through_its_form() -> None:
    entry = trivia("t-one")
    assert entry_from_form("trivia", entry_form(entry), "t-one") == entry


def test_a_new_character_from_a_form() -> None:
    values = {
        "name": "Julian Craster",
        "summary": "A young composer.",
        "details": "played_by: marius-goring\nsources:\n  - title: Film credits\n",
    }
    entry = entry_from_form("character", values, "julian-craster")
    assert isinstance(entry, Character)
    assert entry.people == ("marius-goring",)


def test_a_character_of_another_work_with_a_singing_voice_from_a_form() -> None:
    assert "work: the-red-shoes-film" in blank_form("character")["details"]
    assert "work: ballet-of-the-red-shoes" in blank_form("ballet_scene")["details"]
    details = (
        "work: tales-of-hoffmann-film\n"
        "played_by:\n  - moira-shearer\n  - {person: dorothy-bond, note: singing voice}\n"
        "sources:\n  - title: Film credits\n"
    )
    values = {"name": "Olympia", "summary": "A mechanical doll.", "details": details}
    entry = entry_from_form("character", values, "olympia")
    assert isinstance(entry, Character)
    assert (entry.work, entry.people) == (
        "tales-of-hoffmann-film",
        ("moira-shearer", "dorothy-bond"),
    )
    shown = entry_form(entry)["details"]
    assert "- person: dorothy-bond\n  note: singing voice\n" in shown
    assert entry_from_form("character", entry_form(entry), "olympia") == entry


def test_a_field_over_its_limit_is_named() -> None:
    values = {**entry_form(trivia("t-one")), "summary": "x" * 1001}
    with pytest.raises(LoreError) as error:
        entry_from_form("trivia", values, "t-one")
    assert messages(error) == ["summary: 1001 characters; at most 1000"]


def test_schema_errors_use_the_loader_messages() -> None:
    values = {**entry_form(trivia("t-one")), "details": "topic: opera\nhat: red\n"}
    with pytest.raises(LoreError) as error:
        entry_from_form("trivia", values, "t-one")
    found = messages(error)
    assert "unknown field 'hat'" in found
    assert any(m.startswith("topic: Input should be") for m in found)


def test_details_problems_point_into_the_yaml() -> None:
    values = {**entry_form(trivia("t-one")), "details": "sources: [\n"}
    with pytest.raises(LoreError) as error:
        entry_from_form("trivia", values, "t-one")
    assert messages(error)[0].startswith("details:2:1: YAML syntax error")
    values["details"] = "topic: film\nname: Twice\n"
    with pytest.raises(LoreError) as error:
        entry_from_form("trivia", values, "t-one")
    assert messages(error) == ["details:2:1: 'name' has its own field"]


def test_an_entry_too_long_for_a_form_is_refused() -> None:
    entry = trivia("t-one").model_copy(update={"body": "word " * 1000})
    assert isinstance(entry, Trivia)
    with pytest.raises(LoreError) as error:
        entry_form(entry)
    assert messages(error) == ["body: 5000 characters, more than a form holds (4000)"]
