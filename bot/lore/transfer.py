"""Moderators' import and export: lore files in the same format as `lore/*.yaml`.

An upload is checked by its declared size before a byte is downloaded, then read by the same
loader as the shipped lore (so the same `path:line:col` errors, the same alias-bomb and encoding
guards), checked against the server's current view, and turned into a plan the moderator sees
before anything changes. The plan remembers the revision of every entry it would overwrite, so
applying it after someone else changed one of them is refused instead of overwriting their work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.lore.errors import LoreError, LoreProblem
from bot.lore.loader import check_collection, parse_lore_file
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry
from bot.lore.store.base import EntryState
from bot.lore.yaml_source import size_problem


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do to one server's view; applying it puts `entries`."""

    added: tuple[str, ...]
    replaced: tuple[str, ...]
    unchanged: tuple[str, ...]
    entries: tuple[Entry, ...]
    bases: Mapping[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.entries


def plan_import(
    display: str, data: bytes, view: Lorebook, states: Mapping[str, EntryState]
) -> ImportPlan:
    """Validate an upload against the server's `view`; `LoreError` lists every problem."""
    problem = size_problem(display, len(data))
    if problem is not None:
        raise LoreError([problem])
    located, problems = parse_lore_file(display, data)
    if not problems and not located:
        problems = [LoreProblem(display, 1, 1, "the file has no entries")]
    known = {e.id: e for e in view.entries}
    problems += check_collection(located, known=known)
    if problems:
        raise LoreError(problems)
    added: list[str] = []
    replaced: list[str] = []
    unchanged: list[str] = []
    entries: list[Entry] = []
    for item in located:
        entry = item.entry
        current = view.get(entry.id)
        if current == entry:
            unchanged.append(entry.id)
            continue
        (added if current is None else replaced).append(entry.id)
        entries.append(entry)
    bases = {e.id: states[e.id].revision for e in entries if e.id in states}
    return ImportPlan(tuple(added), tuple(replaced), tuple(unchanged), tuple(entries), bases)
