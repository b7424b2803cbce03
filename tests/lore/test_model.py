"""The schema: its published JSON Schema stays in sync, and cross-field rules hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from bot.lore.model import ENTRY_ADAPTER, lore_json_schema
from bot.lore.yaml_source import MAX_FILE_BYTES

TRIVIA: dict[str, Any] = {
    "id": "oscars",
    "kind": "trivia",
    "name": "Two Oscars",
    "summary": "The film won two Academy Awards.",
    "topic": "film",
    "sources": [{"title": "Academy Awards database"}],
}


def test_committed_schema_matches_the_models(lore_dir: Path) -> None:
    committed = json.loads((lore_dir / "schema.json").read_text(encoding="utf-8"))
    regenerate = "run: .venv/bin/python -m bot lore schema > lore/schema.json"
    assert committed == lore_json_schema(), regenerate


def test_every_lore_file_names_the_schema_for_editors(lore_dir: Path) -> None:
    for path in sorted(lore_dir.glob("*.yaml")):
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=schema.json\n"
        ), path.name


def test_shipped_files_validate_against_the_json_schema(lore_dir: Path) -> None:
    schema = lore_json_schema()
    for path in sorted(lore_dir.glob("*.yaml")):
        assert path.stat().st_size < MAX_FILE_BYTES
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_a_quiz_question_needs_answers_and_wrong_choices() -> None:
    with pytest.raises(ValidationError, match="at least one accepted answer"):
        ENTRY_ADAPTER.validate_python({**TRIVIA, "question": "How many Oscars?"})
    with pytest.raises(ValidationError, match="between 1 and 4 `wrong` choices"):
        ENTRY_ADAPTER.validate_python({**TRIVIA, "question": "How many?", "answers": ["Two"]})
    entry = ENTRY_ADAPTER.validate_python(
        {**TRIVIA, "question": "How many?", "answers": ["Two"], "wrong": ["One", "Three"]}
    )
    assert entry.kind == "trivia"


def test_answers_without_a_question_are_refused() -> None:
    with pytest.raises(ValidationError, match="need a `question`"):
        ENTRY_ADAPTER.validate_python({**TRIVIA, "answers": ["Two"]})


def test_a_credit_names_a_person_or_a_name_not_both() -> None:
    work = {
        "id": "film",
        "kind": "work",
        "name": "The Red Shoes",
        "summary": "A 1948 film.",
        "form": "film",
        "year": 1948,
        "sources": [{"title": "BFI"}],
    }
    with pytest.raises(ValidationError, match="exactly one of"):
        ENTRY_ADAPTER.validate_python({**work, "credits": [{"role": "director"}]})
    with pytest.raises(ValidationError, match="exactly one of"):
        ENTRY_ADAPTER.validate_python(
            {**work, "credits": [{"role": "director", "person": "powell", "name": "Powell"}]}
        )


def test_entries_are_frozen() -> None:
    entry = ENTRY_ADAPTER.validate_python(TRIVIA)
    with pytest.raises(ValidationError):
        entry.name = "Changed"  # type: ignore[misc]
    assert entry.name == "Two Oscars"
