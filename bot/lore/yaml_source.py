"""Reading YAML safely, keeping the line and column of every value.

PyYAML alone is not enough for lore: it silently keeps the last of two duplicate keys, forgets
where each value came from (so schema errors could not name a line), and happily expands alias
bombs. Here we compose the YAML into nodes with the safe loader, then build plain Python values
ourselves: duplicate keys are reported, positions are recorded per path, and the number of
values built is capped so an alias bomb is refused in milliseconds. Nesting is capped too, and an
alias that refers to a value containing it is refused, so no document can exhaust Python's
recursion limit: every way a file can be hostile ends as a `path:line:col` problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.lore.errors import LoreProblem

_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plain scalar starting with a letter can only be a bool, a null or a string in YAML 1.1.
_WORDS_NOT_STR = frozenset(
    variant
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for variant in (word, word.capitalize(), word.upper())
)
_STR_TAG = "tag:yaml.org,2002:str"
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)

MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 200_000
MAX_DEPTH = 32
"""Lore nests six levels at most (entries, an entry, credits, a credit, ...); 32 is generous."""

Path_ = tuple[str | int, ...]


@dataclass
class ParsedYaml:
    """A document's value plus the (line, col) of every path in it, 1-based."""

    value: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Where `path` is written: its key when `key`, else its value; else the nearest parent."""
        if key and path in self.key_marks:
            return self.key_marks[path]
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.marks:
                return self.marks[path[:cut]]
        return (1, 1)


class _Loader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader with a shortcut past the implicit-type regexes for ordinary words,
    which are most scalars in lore (keys, names, prose)."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if (
            kind is yaml.ScalarNode
            and implicit[0]
            and value[:1].isalpha()
            and value not in _WORDS_NOT_STR
        ):
            return _STR_TAG
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[LoreProblem] = []
        self.count = 0
        self.parsed = ParsedYaml(value=None)
        self.constructor = yaml.constructor.SafeConstructor()
        self.open: set[int] = set()

    def problem(self, mark: yaml.Mark, message: str) -> None:
        self.problems.append(LoreProblem(self.display, mark.line + 1, mark.column + 1, message))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            limit = f"document expands to more than {MAX_VALUES} values (alias bomb?); refused"
            raise _Refused(node.start_mark, limit)
        if len(path) > MAX_DEPTH:
            raise _Refused(node.start_mark, f"nested more than {MAX_DEPTH} levels deep; refused")
        self.parsed.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _CORE_TAGS:
            self.problem(node.start_mark, f"tag {node.tag!r} is not allowed in lore files")
            return None
        if isinstance(node, yaml.CollectionNode):
            return self._collection(node, path)
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == _STR_TAG:
            return node.value
        return self.constructor.construct_object(node, deep=True)

    def _collection(self, node: yaml.CollectionNode, path: Path_) -> Any:
        """A mapping or sequence; one that contains itself (through an alias) is refused."""
        if id(node) in self.open:
            raise _Refused(node.start_mark, "an alias here refers to a value that contains it")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                self.problem(key_node.start_mark, "mapping keys must be plain strings")
                continue
            key = key_node.value if key_node.tag == _STR_TAG else str(self.build(key_node, path))
            if key in result:
                first = self.parsed.key_marks[(*path, key)]
                self.problem(
                    key_node.start_mark,
                    f"duplicate key {key!r} (first defined at line {first[0]})",
                )
                continue
            mark = key_node.start_mark
            self.parsed.key_marks[(*path, key)] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, (*path, key))
        return result


class _Refused(Exception):
    """A document refused as a whole (too many values, too deep, self-referencing)."""

    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def size_problem(display: str, size: int) -> LoreProblem | None:
    """Why a file of `size` bytes is refused before a byte of it is read, if it is."""
    if size > MAX_FILE_BYTES:
        mib = size / (1024 * 1024)
        limit = MAX_FILE_BYTES // 1024
        return LoreProblem(display, 1, 1, f"file is {mib:.1f} MiB; the limit is {limit} KiB")
    return None


def read_lore_bytes(path: Path) -> tuple[bytes | None, list[LoreProblem]]:
    """A lore file's bytes, or why not. The size is checked before reading, and no more than the
    limit is ever read (a file growing meanwhile is caught too), so a 2 GB file costs a stat."""
    display = str(path)
    try:
        with path.open("rb") as handle:
            problem = size_problem(display, os.fstat(handle.fileno()).st_size)
            if problem is not None:
                return None, [problem]
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [LoreProblem(display, 1, 1, f"cannot be read ({error.strerror})")]
    problem = size_problem(display, len(data))
    return (None, [problem]) if problem is not None else (data, [])


def _tab_problems(display: str, text: str) -> list[LoreProblem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            col = indent.index("\t") + 1
            problems.append(LoreProblem(display, number, col, "tab in indentation; use spaces"))
    return problems


def _decode(display: str, data: bytes) -> tuple[str | None, list[LoreProblem]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")) + 1
        byte = data[exc.start]
        message = f"file is not UTF-8 (byte 0x{byte:02x} cannot be decoded)"
        return None, [LoreProblem(display, line, col, message)]


def parse_yaml(display: str, data: bytes) -> tuple[ParsedYaml | None, list[LoreProblem]]:
    """Parse one YAML document from raw bytes; returns the value with marks, or the problems.

    `display` is the path printed in problems. Nothing here can run code: only the safe loader's
    composer is used, and every tag outside the YAML core schema is an error.
    """
    too_big = size_problem(display, len(data))
    if too_big is not None:
        return None, [too_big]
    text, problems = _decode(display, data)
    if text is None:
        return None, problems
    problems = _tab_problems(display, text)
    if problems:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # libyaml caps nesting itself; the pure-Python fallback does not
        return None, [LoreProblem(display, 1, 1, f"nested too deep (the limit is {MAX_DEPTH})")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [LoreProblem(display, line, col, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [LoreProblem(display, 1, 1, f"YAML error: {exc}")]
    if node is None:
        return ParsedYaml(value=None), []
    builder = _Builder(display)
    try:
        builder.parsed.value = builder.build(node, ())
    except _Refused as exc:
        builder.problem(exc.mark, exc.message)
        return None, builder.problems
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [LoreProblem(display, line, col, f"YAML error: {exc.problem}")]
    if builder.problems:
        return None, builder.problems
    return builder.parsed, []
