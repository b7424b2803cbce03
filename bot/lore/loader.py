"""Loading lore files into a `Lorebook`, reporting every problem with its file, line and column.

The same functions serve the operator's `lore/*.yaml`, `python -m bot lore check`, hot reload and
a moderator's uploaded YAML, so every path into the lore is held to one standard.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.lore.bulk import collector_paused
from bot.lore.errors import LoreError, LoreProblem
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, ENTRY_CLASSES, BalletScene, Entry, Scene
from bot.lore.yaml_source import ParsedYaml, Path_, parse_yaml, read_lore_bytes

# Which kind of entry each reference field must point at; `related` may point at any kind.
REFERENCE_KINDS: dict[str, str] = {
    "played_by": "person",
    "person": "person",
    "speaker": "character",
    "characters": "character",
    "work": "work",
}

# An entry's `id:` as written (block or flow style), found without parsing the file.
_WRITTEN_ID = re.compile(r"^[ \t-]*\{?[ \t]*id:[ \t]*[\"']?([^\s\"',}#]+)", re.MULTILINE)


@dataclass(frozen=True)
class LocatedEntry:
    """A validated entry and where it was written, so later checks can name its lines."""

    entry: Entry
    display: str
    parsed: ParsedYaml
    base: Path_

    def position(self, path: Path_ = (), *, key: bool = False) -> tuple[int, int]:
        return self.parsed.position((*self.base, *path), key=key)

    def problem(self, message: str, path: Path_ = (), *, key: bool = False) -> LoreProblem:
        line, col = self.position(path, key=key)
        return LoreProblem(self.display, line, col, message)


def _field_name(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "entry"


def _describe(error: ErrorDetails, loc: tuple[int | str, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown field {_field_name(loc)!r}"
    if kind == "missing":
        return f"missing required field {_field_name(loc)!r}"
    if kind == "union_tag_not_found":
        return f"missing required field 'kind' (one of: {', '.join(ENTRY_CLASSES)})"
    if kind == "union_tag_invalid":
        return f"'kind' must be one of: {', '.join(ENTRY_CLASSES)}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{_field_name(loc)}: {message}"


def _validate_entry(
    display: str, parsed: ParsedYaml, base: Path_, raw: Any
) -> tuple[LocatedEntry | None, list[LoreProblem]]:
    try:
        entry = ENTRY_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc and isinstance(raw, dict) and loc[0] == raw.get("kind"):
                loc = loc[1:]
            path = (*base, *loc)
            if error["type"] == "missing":
                line, col = parsed.position(path[:-1])
            else:
                line, col = parsed.position(path, key=error["type"] == "extra_forbidden")
            problems.append(LoreProblem(display, line, col, _describe(error, loc)))
        return None, problems
    return LocatedEntry(entry, display, parsed, base), []


def parse_lore_file(display: str, data: bytes) -> tuple[list[LocatedEntry], list[LoreProblem]]:
    """Parse and validate one lore file's bytes; entries that validated, and every problem."""
    parsed, problems = parse_yaml(display, data)
    if parsed is None:
        return [], problems
    document = parsed.value
    if not isinstance(document, dict) or "entries" not in document:
        return [], [LoreProblem(display, 1, 1, "a lore file is a mapping with an `entries` list")]
    for key in document:
        if key != "entries":
            line, col = parsed.position((key,), key=True)
            problems.append(LoreProblem(display, line, col, f"unknown top-level key {key!r}"))
    raw_entries = document["entries"]
    if not isinstance(raw_entries, list):
        line, col = parsed.position(("entries",))
        return [], [*problems, LoreProblem(display, line, col, "`entries` must be a list")]
    located: list[LocatedEntry] = []
    for index, raw in enumerate(raw_entries):
        entry, entry_problems = _validate_entry(display, parsed, ("entries", index), raw)
        problems += entry_problems
        if entry is not None:
            located.append(entry)
    return located, problems


def written_ids(data: bytes) -> set[str]:
    """The ids a lore file's text defines, read line by line without parsing it.

    Why: when a file does not parse, or one of its entries does not validate, that problem is
    the cause; references to the ids it meant to define must not each be reported again as
    "unknown id" (one tab once brought 180 lines, the cause buried among them).
    """
    return set(_WRITTEN_ID.findall(data.decode("utf-8", errors="replace")))


def check_collection(
    located: Iterable[LocatedEntry],
    known: Mapping[str, Entry] | None = None,
    unloaded: Collection[str] = (),
) -> list[LoreProblem]:
    """Checks across files: unique ids, references that exist and point at the right kind,
    and no two steps of one work's sequence sharing an `order`. `known` holds entries from
    outside these files (the server's view, when checking an upload or a form); references to
    `unloaded` ids (written, but refused for a problem already reported) are not reported again."""
    problems: list[LoreProblem] = []
    items = list(located)
    by_id: dict[str, LocatedEntry] = {}
    for item in items:
        first = by_id.get(item.entry.id)
        if first is not None:
            line, _ = first.position()
            where = f"{first.display}:{line}"
            problems.append(
                item.problem(f"duplicate id {item.entry.id!r} (first at {where})", ("id",))
            )
            continue
        by_id[item.entry.id] = item
    kinds = {i: e.kind for i, e in (known or {}).items()}
    kinds.update({i: item.entry.kind for i, item in by_id.items()})
    for item in items:
        for path, ref in item.entry.references():
            field = str(path[0]) if path[0] != "credits" else "person"
            if ref in unloaded and ref not in kinds:
                continue
            name = _field_name(_written(item, path))
            if ref not in kinds:
                problems.append(item.problem(f"{name}: unknown id {ref!r}", path))
            elif field in REFERENCE_KINDS and kinds[ref] != REFERENCE_KINDS[field]:
                expected = REFERENCE_KINDS[field]
                message = f"{name}: {ref!r} is a {kinds[ref]}, not a {expected}"
                problems.append(item.problem(message, path))
    return problems + _order_problems(items, known or {})


def _written(item: LocatedEntry, path: Path_) -> Path_:
    """As much of a field path as the file spells out: `played_by: moira-shearer` is read as
    `played_by.0.person`, but a problem with it is named `played_by`, as it was written.
    An entry that was not read from a file (a form) keeps the whole path."""
    if not item.parsed.marks:
        return path
    for cut in range(len(path), 1, -1):
        if (*item.base, *path[:cut]) in item.parsed.marks:
            return path[:cut]
    return path[:1]


def _order_problems(items: list[LocatedEntry], known: Mapping[str, Entry]) -> list[LoreProblem]:
    """No two steps of one work's story (or of one ballet) share an `order`: among `items`,
    and between them and the `known` entries they join (except those they replace)."""
    checked = {item.entry.id for item in items}
    taken: dict[tuple[str, str, int], str] = {}
    for entry in known.values():
        if isinstance(entry, Scene | BalletScene) and entry.id not in checked:
            taken.setdefault((entry.kind, entry.work, entry.order), entry.id)
    problems: list[LoreProblem] = []
    for item in items:
        entry = item.entry
        if not isinstance(entry, Scene | BalletScene):
            continue
        other = taken.setdefault((entry.kind, entry.work, entry.order), entry.id)
        if other != entry.id:
            message = (
                f"order {entry.order} is already used by {entry.kind} {other!r}"
                f" of the work {entry.work!r}"
            )
            problems.append(item.problem(message, ("order",)))
    return problems


def lore_files(directory: Path) -> list[Path]:
    """The lore files of a folder, in a stable order."""
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def read_lore(directory: Path) -> tuple[list[LocatedEntry], list[LoreProblem]]:
    """Every entry of every file in `directory`, with every problem found in any of them."""
    if not directory.exists():
        return [], [LoreProblem(str(directory), 1, 1, "no such file or folder")]
    files = lore_files(directory)
    if not files:
        return [], [LoreProblem(str(directory), 1, 1, "no lore files (*.yaml) in this folder")]
    return _read_files(files)


def _read_files(files: list[Path]) -> tuple[list[LocatedEntry], list[LoreProblem]]:
    """Root causes come first (each file's own problems, in file order), then the problems across
    files, so the first lines an operator sees (`/lore reload` shows a few) hold the cause."""
    located: list[LocatedEntry] = []
    problems: list[LoreProblem] = []
    unloaded: set[str] = set()
    with collector_paused():
        for path in files:
            data, file_problems = read_lore_bytes(path)
            if data is not None:
                entries, file_problems = parse_lore_file(str(path), data)
                located += entries
                if file_problems:
                    unloaded |= written_ids(data)
            problems += file_problems
        across = check_collection(located, unloaded=unloaded)
    return located, sorted(problems) + sorted(across)


def check_lore(path: Path) -> list[LoreProblem]:
    """Every problem in a lore folder; empty when the lore is valid.

    `path` may also be one file: it is read with the rest of its folder, so its references
    resolve as they will when the bot loads that folder, and only its own problems are reported.
    """
    if not path.is_file():
        return read_lore(path)[1]
    others = [other for other in lore_files(path.parent) if not other.samefile(path)]
    problems = _read_files([*others, path])[1]
    return [problem for problem in problems if problem.path == str(path)]


def load_lore(directory: Path) -> Lorebook:
    """Load a lore folder into a `Lorebook`, or raise `LoreError` listing every problem."""
    located, problems = read_lore(directory)
    if problems:
        raise LoreError(problems)
    return Lorebook(item.entry for item in located)
