"""The loader: every problem in every file, each with its path, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.lore.errors import LoreError
from bot.lore.loader import check_lore, load_lore, parse_lore_file
from bot.lore.model import Character
from tests.conftest import LORE_DIR, WriteLore

HEADER = "# yaml-language-server: $schema=schema.json\nentries:\n"
PERSON = """\
  - id: moira-shearer
    kind: person
    name: Moira Shearer
    summary: Scottish ballerina who played Vicky Page.
    roles: [actor, dancer]
    sources:
      - title: Film credits
"""
CHARACTER = """\
  - id: vicky-page
    kind: character
    name: Victoria Page
    summary: A young dancer.
    played_by: moira-shearer
    sources:
      - title: Film credits
"""


def messages(folder: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}:{p.col}: {p.message}" for p in check_lore(folder)]


def test_valid_lore_loads_into_a_lorebook(write_lore: WriteLore) -> None:
    folder = write_lore("a.yaml", HEADER + PERSON + CHARACTER)
    book = load_lore(folder)
    vicky = book.get("vicky-page")
    assert isinstance(vicky, Character)
    assert vicky.people == ("moira-shearer",)
    assert [c.id for c in book.played_by("moira-shearer")] == ["vicky-page"]


def test_unknown_field_points_at_its_key(write_lore: WriteLore) -> None:
    folder = write_lore(
        "a.yaml", HEADER + PERSON + CHARACTER.replace("    sources:", "    hat: red\n    sources:")
    )
    assert messages(folder) == ["a.yaml:15:5: unknown field 'hat'"]


def test_wrong_type_points_at_the_value(write_lore: WriteLore) -> None:
    folder = write_lore("a.yaml", HEADER + PERSON.replace("roles: [actor, dancer]", "roles: 7"))
    assert messages(folder) == ["a.yaml:7:12: roles: Input should be a valid tuple"]


def test_missing_required_field_points_at_the_entry(write_lore: WriteLore) -> None:
    text = HEADER + CHARACTER.replace("    summary: A young dancer.\n", "") + PERSON
    assert messages(write_lore("a.yaml", text)) == ["a.yaml:3:5: missing required field 'summary'"]


def test_unknown_kind_is_named(write_lore: WriteLore) -> None:
    folder = write_lore("a.yaml", HEADER + PERSON.replace("kind: person", "kind: dancer"))
    [message] = messages(folder)
    assert message.startswith("a.yaml:3:5: 'kind' must be one of: work, character, person")


def test_duplicate_ids_across_files_name_both_places(write_lore: WriteLore) -> None:
    write_lore("a.yaml", HEADER + PERSON)
    folder = write_lore("b.yaml", HEADER + "\n" + PERSON)
    [message] = messages(folder)
    assert message.startswith("b.yaml:4:9: duplicate id 'moira-shearer' (first at ")
    assert message.endswith("a.yaml:3)")


def test_references_to_missing_ids_are_reported(write_lore: WriteLore) -> None:
    text = HEADER + CHARACTER.replace("    sources:", "    related: [julian-craster]\n    sources:")
    assert messages(write_lore("a.yaml", text)) == [
        "a.yaml:7:16: played_by: unknown id 'moira-shearer'",
        "a.yaml:8:15: related.0: unknown id 'julian-craster'",
    ]


def test_speaker_must_be_a_character(write_lore: WriteLore) -> None:
    quote = """\
  - id: why-dance
    kind: quote
    name: Why dance
    summary: The audition question.
    line: Why do you want to dance?
    speaker: moira-shearer
    context: At Lady Neston's party.
    sources: [{title: The film}]
"""
    folder = write_lore("a.yaml", HEADER + PERSON + CHARACTER + quote)
    assert messages(folder) == [
        "a.yaml:22:14: speaker: 'moira-shearer' is a person, not a character"
    ]


def test_scene_characters_must_exist(write_lore: WriteLore) -> None:
    scene = """\
  - id: opening
    kind: scene
    name: Opening
    summary: Students rush into Covent Garden.
    order: 1
    characters: [vicky-page, julian-craster]
    sources: [{title: The film}]
"""
    folder = write_lore("a.yaml", HEADER + PERSON + CHARACTER + scene)
    assert messages(folder) == ["a.yaml:22:30: characters.1: unknown id 'julian-craster'"]


def test_every_problem_in_every_file_is_reported(write_lore: WriteLore) -> None:
    write_lore("a.yaml", HEADER + PERSON.replace("roles: [actor, dancer]", "roles: []"))
    write_lore("b.yaml", "entries:\n  - id: x\n\tkind: person\n")
    folder = write_lore("c.yaml", HEADER + CHARACTER + "  - id: Bad Id\n    kind: person\n")
    found = messages(folder)
    assert "a.yaml:7:12: roles: Tuple should have at least 1 item after validation, not 0" in found
    assert "b.yaml:3:1: tab in indentation; use spaces" in found
    assert any(m.startswith("c.yaml:10:5: missing required field") for m in found)
    assert any(m.startswith("c.yaml:10:9: id: String should match pattern") for m in found)
    assert len(found) >= 4


def test_duplicate_keys_and_syntax_errors_and_bad_bytes(write_lore: WriteLore) -> None:
    write_lore("a.yaml", HEADER + PERSON.replace("    roles:", "    name: Again\n    roles:"))
    write_lore("b.yaml", "entries:\n  - id: [broken\n")
    folder = write_lore("c.yaml", "")
    (folder / "c.yaml").write_bytes(b"entries:\n  - name: Caf\xe9\n")
    found = messages(folder)
    assert found[0] == "a.yaml:7:5: duplicate key 'name' (first defined at line 5)"
    assert found[1].startswith("b.yaml:3:1: YAML syntax error:")
    assert found[2] == "c.yaml:2:14: file is not UTF-8 (byte 0xe9 cannot be decoded)"


def test_text_is_normalised_on_the_way_in(write_lore: WriteLore) -> None:
    person = PERSON.replace("name: Moira Shearer", "name: LÃ©onide Massine").replace(
        "summary: Scottish ballerina who played Vicky Page.",
        "summary: The company&#39;s shoemaker, Cafe\u0301 regular.",
    )
    book = load_lore(write_lore("a.yaml", HEADER + person))
    entry = book.get("moira-shearer")
    assert entry is not None
    assert entry.name == "Léonide Massine"
    assert entry.summary == "The company's shoemaker, Café regular."


@pytest.mark.parametrize(
    "debris", ["{{cite web}}", "&lt;ref name=x&gt;", "<ref>x</ref>", "[[Moira Shearer]]"]
)
def test_wiki_debris_is_refused_with_its_line(write_lore: WriteLore, debris: str) -> None:
    text = HEADER + PERSON.replace("Scottish ballerina", f"Scottish {debris} ballerina")
    [message] = messages(write_lore("a.yaml", text))
    assert message.startswith("a.yaml:6:14: summary: wiki markup ")


def test_load_lore_raises_with_every_problem_and_returns_nothing(write_lore: WriteLore) -> None:
    folder = write_lore("a.yaml", HEADER + CHARACTER + "  - name: no kind\n")
    with pytest.raises(LoreError) as caught:
        load_lore(folder)
    lines = str(caught.value).splitlines()
    assert lines[0].endswith(
        "missing required field 'kind' (one of: work, character, person, "
        "scene, ballet_scene, quote, dialogue, trivia, persona, lexicon)"
    )
    assert lines[1].endswith("played_by: unknown id 'moira-shearer'")


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    [problem] = check_lore(tmp_path)
    assert problem.message == "no lore files (*.yaml) in this folder"


def test_parse_lore_file_validates_uploaded_bytes() -> None:
    quote = HEADER + PERSON.replace("kind: person", "kind: quote")
    located, problems = parse_lore_file("upload.yaml", quote.encode())
    assert located == []
    assert {p.message for p in problems} >= {
        "unknown field 'roles'",
        "missing required field 'line'",
    }
    assert {p.path for p in problems} == {"upload.yaml"}


def test_a_huge_file_is_named_and_the_rest_still_checked(write_lore: WriteLore) -> None:
    folder = write_lore("a.yaml", HEADER + PERSON + CHARACTER.replace("moira-shearer", "nobody"))
    with (folder / "huge.yaml").open("wb") as handle:
        handle.truncate(2 * 1024 * 1024 * 1024)  # 2 GB, sparse: never read
    assert messages(folder) == [
        "huge.yaml:1:1: file is 2048.0 MiB; the limit is 1024 KiB",
        "a.yaml:14:16: played_by: unknown id 'nobody'",
    ]


@pytest.mark.parametrize(
    "hostile",
    ["entries: &a [*a]\n", "entries: " + "[" * 600 + "]" * 600 + "\n"],
    ids=["self-alias", "deep"],
)
def test_recursion_is_a_located_problem_not_a_crash(write_lore: WriteLore, hostile: str) -> None:
    folder = write_lore("a.yaml", hostile)
    [problem] = messages(folder)
    assert problem.startswith("a.yaml:1:")
    assert "refers to a value that contains it" in problem or "levels deep" in problem
    with pytest.raises(LoreError):
        load_lore(folder)


SINGER = """\
  - id: dorothy-bond
    kind: person
    name: Dorothy Bond
    summary: Soprano who sang Olympia's part.
    roles: [singer]
    sources:
      - title: Film credits
"""
WORKS = """\
  - id: film-a
    kind: work
    form: film
    year: 1948
    name: Film A
    summary: One film.
    sources: [{title: Film credits}]
  - id: film-b
    kind: work
    form: film
    year: 1951
    name: Film B
    summary: Another film.
    sources: [{title: Film credits}]
"""


def _scene(scene_id: str, order: int, work: str | None) -> str:
    line = f"    work: {work}\n" if work else ""
    return (
        f"  - id: {scene_id}\n    kind: scene\n    name: {scene_id}\n    summary: A scene.\n"
        f"    order: {order}\n{line}    sources: [{{title: The film}}]\n"
    )


def test_played_by_takes_several_people_each_with_an_optional_credit_note(
    write_lore: WriteLore,
) -> None:
    several = CHARACTER.replace(
        "    played_by: moira-shearer\n",
        "    played_by:\n      - moira-shearer\n"
        "      - {person: dorothy-bond, note: singing voice}\n",
    )
    book = load_lore(write_lore("a.yaml", HEADER + PERSON + SINGER + several))
    vicky = book.get("vicky-page")
    assert isinstance(vicky, Character)
    assert vicky.people == ("moira-shearer", "dorothy-bond")
    assert [p.note for p in vicky.played_by] == [None, "singing voice"]
    assert [c.id for c in book.played_by("dorothy-bond")] == ["vicky-page"]
    assert [c.id for c in book.played_by("moira-shearer")] == ["vicky-page"]


def test_each_performer_is_checked_where_it_is_written(write_lore: WriteLore) -> None:
    several = CHARACTER.replace(
        "    played_by: moira-shearer\n",
        "    played_by:\n      - moira-shearer\n"
        "      - {person: nobody-here, note: dance double}\n",
    )
    folder = write_lore("a.yaml", HEADER + PERSON + several)
    assert messages(folder) == ["a.yaml:16:18: played_by.1.person: unknown id 'nobody-here'"]


def test_scene_orders_are_per_work(write_lore: WriteLore) -> None:
    scenes = _scene("a-one", 1, None) + _scene("b-one", 1, "film-b") + _scene("b-two", 2, "film-b")
    book = load_lore(write_lore("a.yaml", HEADER + WORKS + scenes))
    assert book.sequence_works("scene") == ("the-red-shoes-film", "film-b")
    assert [s.id for s in book.sequence("scene", "film-b")] == ["b-one", "b-two"]
    assert [s.id for s in book.of_kind("scene")] == ["a-one", "b-one", "b-two"]


def test_a_taken_order_within_one_work_is_refused(write_lore: WriteLore) -> None:
    scenes = _scene("b-one", 1, "film-b") + _scene("b-again", 1, "film-b")
    folder = write_lore("a.yaml", HEADER + WORKS + scenes)
    assert messages(folder) == [
        "a.yaml:28:12: order 1 is already used by scene 'b-one' of the work 'film-b'"
    ]


def test_a_scene_names_a_work_not_another_kind(write_lore: WriteLore) -> None:
    folder = write_lore("a.yaml", HEADER + PERSON + _scene("a-one", 1, "moira-shearer"))
    assert messages(folder) == [
        "a.yaml:15:11: work: 'moira-shearer' is a person, not a work",
    ]


def _copy_shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "lore"
    shutil.copytree(LORE_DIR, folder)
    return folder


def test_a_file_that_does_not_parse_is_the_one_cause_not_a_cascade_of_unknown_ids(
    tmp_path: Path,
) -> None:
    """One tab in the people file used to bring 180 lines, the cause among them on line 27."""
    folder = _copy_shipped(tmp_path)
    people = folder / "people.yaml"
    lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[26] = "\t" + lines[26].lstrip(" ")
    people.write_text("".join(lines), encoding="utf-8")
    problems = check_lore(folder)
    assert [str(p) for p in problems] == [f"{people}:27:1: tab in indentation; use spaces"]


def test_one_bad_field_is_reported_once_not_as_every_reference_to_its_entry(
    tmp_path: Path,
) -> None:
    folder = _copy_shipped(tmp_path)
    people = folder / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(
        text.replace("  - id: moira-shearer\n", "  - id: moira-shearer\n    hat: red\n")
    )
    problems = check_lore(folder)
    assert [p.message for p in problems] == ["unknown field 'hat'"]
    assert problems[0].path == str(people)


def test_root_causes_come_before_the_references_they_break(write_lore: WriteLore) -> None:
    """`/lore reload` shows the first few problems: the cause must be among them."""
    folder = write_lore("z.yaml", HEADER + PERSON.replace("roles: [actor, dancer]", "roles: 7"))
    write_lore("a.yaml", HEADER + CHARACTER.replace("moira-shearer", "ludmilla-tcherina"))
    assert messages(folder) == [
        "z.yaml:7:12: roles: Input should be a valid tuple",
        "a.yaml:7:16: played_by: unknown id 'ludmilla-tcherina'",
    ]
    with pytest.raises(LoreError) as caught:
        load_lore(folder)
    assert [p.message for p in caught.value.problems] == [
        "roles: Input should be a valid tuple",
        "played_by: unknown id 'ludmilla-tcherina'",
    ]


def test_misleading_lore_text_is_refused_with_its_line(write_lore: WriteLore) -> None:
    person = PERSON.replace(
        "summary: Scottish ballerina who played Vicky Page.",
        "summary: Scottish ballerina; [her page](https://evil.example).",
    )
    folder = write_lore("a.yaml", HEADER + person)
    [problem] = messages(folder)
    assert problem.startswith("a.yaml:6:14: summary: masked link '[her page](https://evil.example'")
    with pytest.raises(LoreError):
        load_lore(folder)
