"""`python -m bot commands`: the definitions a sync would send, read from the real tree, and valid
as Discord's published description of the sync request says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import LORE_DIR, skip_without_spec

SYNC = "/applications/{application_id}/commands"


def _run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    monkeypatch.setenv("LORE_DIR", str(LORE_DIR))
    assert main(["commands", *argv]) == 0
    return capsys.readouterr().out


@pytest.fixture
def synced(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> list[dict[str, object]]:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    payloads: list[dict[str, object]] = json.loads(_run(capsys, monkeypatch, "--json"))
    assert not (tmp_path / "data").exists()  # printing the definitions stores nothing
    return payloads


def test_json_is_every_command_of_the_tree(synced: list[dict[str, object]]) -> None:
    names = {p["name"] for p in synced}
    assert {"character", "search", "quote", "lermontov", "help", "lore", "quiz"} <= names
    assert len(names) == len(synced)
    lore = next(p for p in synced if p["name"] == "lore")
    assert {o["name"] for o in lore["options"]} >= {"add", "edit", "config"}  # type: ignore[attr-defined]


def test_json_is_what_discord_accepts_for_a_sync(synced: list[dict[str, object]]) -> None:
    from standin.openapi import body_errors

    skip_without_spec()
    assert body_errors(SYNC, "PUT", "application/json", synced) == []


def test_text_names_each_command_with_where_it_works(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    text = _run(capsys, monkeypatch)
    assert "/character  [installed:" in text
    assert "    name: (required) — Start typing a name" in text
