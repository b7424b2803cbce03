"""Export writes lore in the format the loader reads: a round trip changes nothing."""

from __future__ import annotations

from pathlib import Path

from bot.lore.export import dump_lore
from bot.lore.loader import load_lore, parse_lore_file
from bot.lore.lorebook import Lorebook


def test_shipped_lore_round_trips(lorebook: Lorebook) -> None:
    text = dump_lore(lorebook.entries)
    located, problems = parse_lore_file("export.yaml", text.encode("utf-8"))
    assert problems == []
    assert [item.entry for item in located] == list(lorebook.entries)


def test_export_is_a_loadable_lore_folder(lorebook: Lorebook, tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(dump_lore(lorebook.entries), encoding="utf-8")
    assert load_lore(tmp_path).entries == lorebook.entries


def test_export_leaves_defaults_out_and_names_the_schema(lorebook: Lorebook) -> None:
    text = dump_lore(lorebook.entries[:1])
    assert text.startswith("# yaml-language-server: $schema=schema.json\nentries:\n- id: ")
    assert "aliases: []" not in text
    assert "body: null" not in text


def test_several_performers_and_works_round_trip_as_compactly_as_written() -> None:
    pack = Path(__file__).resolve().parent.parent / "data" / "hoffmann.yaml"
    located, problems = parse_lore_file("hoffmann.yaml", pack.read_bytes())
    assert problems == []
    entries = [item.entry for item in located]
    text = dump_lore(entries)
    again, problems = parse_lore_file("export.yaml", text.encode("utf-8"))
    assert problems == []
    assert [item.entry for item in again] == entries
    assert "played_by: robert-rounseville\n" in text
    assert "played_by:\n  - ludmilla-tcherina\n  - person: margherita-grandi\n" in text
    assert text.count("work: tales-of-hoffmann-film\n") == 17
