"""The YAML reader: positions, and every way a file can be unsafe or malformed."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from bot.lore.yaml_source import MAX_DEPTH, MAX_FILE_BYTES, parse_yaml, read_lore_bytes

BOMB = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_values_keep_their_line_and_column() -> None:
    parsed, problems = parse_yaml("f.yaml", b"entries:\n  - id: vicky\n    name: Vicky\n")
    assert problems == []
    assert parsed is not None
    assert parsed.value == {"entries": [{"id": "vicky", "name": "Vicky"}]}
    assert parsed.position(("entries", 0, "name")) == (3, 11)
    assert parsed.position(("entries", 0, "name"), key=True) == (3, 5)
    assert parsed.position(("entries", 0, "missing")) == (2, 5)


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a: 1\nb:\n  c: 2\n  c: 3\n")
    assert parsed is None
    assert [str(p) for p in problems] == ["f.yaml:4:3: duplicate key 'c' (first defined at line 3)"]


def test_tabs_in_indentation_are_reported_per_line() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a:\n\tb: 1\n  c: 2\n \td: 3\n")
    assert parsed is None
    assert [str(p) for p in problems] == [
        "f.yaml:2:1: tab in indentation; use spaces",
        "f.yaml:4:2: tab in indentation; use spaces",
    ]


def test_syntax_errors_name_the_line() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a: [1, 2\nb: 3\n")
    assert parsed is None
    assert len(problems) == 1
    assert problems[0].line == 2
    assert problems[0].message.startswith("YAML syntax error:")


def test_non_utf8_bytes_are_reported_where_they_are() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a: ok\nb: caf\xe9\n")
    assert parsed is None
    assert [str(p) for p in problems] == [
        "f.yaml:2:7: file is not UTF-8 (byte 0xe9 cannot be decoded)"
    ]


def test_python_tags_are_refused_not_run() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a: !!python/object/apply:os.system ['true']\n")
    assert parsed is None
    assert problems[0].line == 1
    assert "python/object/apply" in problems[0].message


def test_files_over_the_size_limit_are_refused_unread() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a: " + b"x" * MAX_FILE_BYTES)
    assert parsed is None
    assert [str(p) for p in problems] == ["f.yaml:1:1: file is 1.0 MiB; the limit is 1024 KiB"]


def test_alias_bomb_is_refused_within_a_second() -> None:
    # CPU time, not wall time: the point is that the parser gives up after bounded work, and a
    # busy machine stretches the wall clock without the parser doing any more of it
    started = time.process_time()
    parsed, problems = parse_yaml("bomb.yaml", BOMB)
    elapsed = time.process_time() - started
    assert parsed is None
    assert len(problems) == 1
    assert "alias bomb" in problems[0].message
    assert elapsed < 1.0


def test_empty_document_is_none() -> None:
    parsed, problems = parse_yaml("f.yaml", b"# only a comment\n")
    assert problems == []
    assert parsed is not None
    assert parsed.value is None


def test_a_self_referencing_alias_is_refused_with_its_line() -> None:
    parsed, problems = parse_yaml("f.yaml", b"a: 1\nentries: &a [*a]\n")
    assert parsed is None
    assert [str(p) for p in problems] == [
        "f.yaml:2:10: an alias here refers to a value that contains it"
    ]


def test_deep_nesting_is_refused_with_its_line() -> None:
    flow = b"entries: " + b"[" * 600 + b"]" * 600 + b"\n"
    block = ("entries:\n" + "".join("  " * i + "- \n" for i in range(1, 600))).encode()
    for data in (flow, block):
        parsed, problems = parse_yaml("f.yaml", data)
        assert parsed is None
        assert len(problems) == 1
        assert problems[0].message == f"nested more than {MAX_DEPTH} levels deep; refused"
        assert problems[0].line >= 1


def test_a_huge_file_is_refused_by_its_size_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: 64 MiB long, no disk used
        handle.truncate(64 * 1024 * 1024)
    tracemalloc.start()
    try:
        data, problems = read_lore_bytes(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data is None
    assert [str(p) for p in problems] == [f"{path}:1:1: file is 64.0 MiB; the limit is 1024 KiB"]
    assert peak < 1024 * 1024
    assert path.stat().st_size == 64 * 1024 * 1024


def test_a_file_that_cannot_be_read_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    data, problems = read_lore_bytes(tmp_path / "gone.yaml")
    assert data is None
    assert [p.message for p in problems] == ["cannot be read (No such file or directory)"]
