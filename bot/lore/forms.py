"""An entry as a form of at most five text fields, and a submitted form back into an entry.

Discord modals hold at most five text inputs of at most 4000 characters each, while entry kinds
have up to a dozen fields. So every form has the fields people edit most (id when adding, name,
summary, body) and one `details` field holding every other field as YAML, prefilled with the
kind's required fields. The submitted form is validated by the same loader as lore files, so a
moderator sees the same messages the operator sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from bot.lore.errors import LoreError, LoreProblem
from bot.lore.export import entry_to_data
from bot.lore.loader import parse_lore_file
from bot.lore.model import ENTRY_CLASSES, SUMMARY_MAX, Entry, Kind
from bot.lore.yaml_source import parse_yaml

FORM = "form"
"""The path of problems that concern the whole form rather than one field."""

INPUT_MAX = 4000
"""Discord's limit for one text input."""


@dataclass(frozen=True)
class FormField:
    key: str
    """Also names the field's label in each language (`lore.field.<key>` in bot/locales)."""
    max_length: int
    required: bool = True
    long: bool = False
    placeholder: str = ""


ID_FIELD = FormField("id", 64, placeholder="vicky-page")
NAME_FIELD = FormField("name", 200)
SUMMARY_FIELD = FormField("summary", SUMMARY_MAX, long=True)
BODY_FIELD = FormField("body", INPUT_MAX, required=False, long=True)
DETAILS_FIELD = FormField("details", INPUT_MAX, long=True, placeholder="sources:\n  - title: ...")
OWN_FIELDS = frozenset({"id", "kind", "name", "summary", "body"})


def form_fields(*, new: bool) -> tuple[FormField, ...]:
    """The form's fields: adding asks for the id too; editing keeps the id fixed."""
    rest = (NAME_FIELD, SUMMARY_FIELD, BODY_FIELD, DETAILS_FIELD)
    return (ID_FIELD, *rest) if new else rest


def _yaml(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=100)


def blank_form(kind: Kind) -> dict[str, str]:
    """Starting values for adding an entry of `kind`: its class's `form_template`, after the
    work it belongs to by default (shown filled in, so a moderator writing about another work
    sees where to say so)."""
    cls = ENTRY_CLASSES[kind]
    work = cls.model_fields.get("work")
    belongs = {"work": work.default} if work is not None else {}
    details = {**belongs, **cls.form_template, "sources": [{"title": ""}]}
    return {"details": _yaml(details)}


def entry_form(entry: Entry) -> dict[str, str]:
    """The form prefilled with `entry`; `LoreError` when a value does not fit in a text input."""
    data = entry_to_data(entry)
    values = {
        "name": data["name"],
        "summary": data["summary"],
        "body": data.get("body", ""),
        "details": _yaml({k: v for k, v in data.items() if k not in OWN_FIELDS}),
    }
    problems = [
        LoreProblem(
            f.key, 0, 0, f"{len(values[f.key])} characters, more than a form holds ({f.max_length})"
        )
        for f in form_fields(new=False)
        if len(values[f.key]) > f.max_length
    ]
    if problems:
        raise LoreError(problems)
    return values


def entry_from_form(kind: Kind, values: Mapping[str, str], entry_id: str) -> Entry:
    """The entry a submitted form describes, or `LoreError` naming each bad field."""
    fields = form_fields(new=True)
    problems = [
        LoreProblem(f.key, 0, 0, f"{len(values.get(f.key, ''))} characters; at most {f.max_length}")
        for f in fields
        if len(values.get(f.key, "")) > f.max_length
    ]
    if problems:
        raise LoreError(problems)
    parsed, problems = parse_yaml("details", values.get("details", "").encode("utf-8"))
    details = parsed.value if parsed is not None else None
    if parsed is not None and details is not None and not isinstance(details, dict):
        problems.append(LoreProblem("details", 1, 1, "write the other fields as `field: value`"))
    if parsed is not None and isinstance(details, dict):
        for key in details:
            if key in OWN_FIELDS:
                line, col = parsed.position((key,), key=True)
                problems.append(LoreProblem("details", line, col, f"{key!r} has its own field"))
    if problems:
        raise LoreError(problems)
    raw: dict[str, Any] = {"id": entry_id, "kind": kind}
    raw.update({k: values[k] for k in ("name", "summary", "body") if values.get(k, "").strip()})
    if isinstance(details, dict):
        raw.update(details)
    located, problems = parse_lore_file("form", _yaml({"entries": [raw]}).encode("utf-8"))
    if problems:
        raise LoreError([LoreProblem(FORM, 0, 0, p.message) for p in problems])
    return located[0].entry


def describe(problem: LoreProblem) -> str:
    """A form problem for people: `details:2:5: ...` inside the YAML field, else `summary: ...`."""
    if problem.line:
        return str(problem)
    return problem.message if problem.path == FORM else f"{problem.path}: {problem.message}"
