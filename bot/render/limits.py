"""Discord's size limits, and the one checker every payload is held to.

Discord rejects a whole message when one field is a character too long, so renderers clip and
split against these numbers, and tests and benchmarks run every payload through `problems`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
OPTION_TEXT = 100
PLACEHOLDER = 150
CHOICES = 25
CHOICE_NAME = 100
MODAL_TITLE = 45
INPUT_LABEL = 45

ELLIPSIS = "…"
Sized = str | Sequence[Any]


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with an ellipsis when anything was dropped."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


_BREAKS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?;])\s+"),
    re.compile(r"\s+"),
)


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at the widest break that fits.

    Paragraphs are kept whole when they can be, then lines, sentences and words; a word longer
    than the limit is the only thing ever cut mid-way.
    """
    text = text.strip()
    if not text:
        return []
    return [piece for piece in _split(text, limit, 0) if piece]


def _split(text: str, limit: int, level: int) -> Iterator[str]:
    if len(text) <= limit:
        yield text
        return
    if level == len(_BREAKS):
        yield from (text[i : i + limit] for i in range(0, len(text), limit))
        return
    pattern = _BREAKS[level]
    current = ""
    for part, sep in _parts(text, pattern):
        candidate = current + sep + part if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            yield current.strip()
        if len(part) <= limit:
            current = part
        else:
            yield from _split(part, limit, level + 1)
            current = ""
    if current.strip():
        yield current.strip()


def _parts(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """Pieces of `text` between matches of `pattern`, each with the separator before it."""
    position, separator = 0, ""
    for match in pattern.finditer(text):
        yield text[position : match.start()], separator
        position, separator = match.end(), match.group(0)
    yield text[position:], separator


def embed_size(embed: Mapping[str, Any]) -> int:
    """The characters Discord counts towards an embed's 6000."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", "")) + len(
        embed.get("author", {}).get("name", "")
    )
    size += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
    return size


def _over(problems: list[str], where: str, value: Sized, limit: int, low: int = 0) -> None:
    if not low <= len(value) <= limit:
        problems.append(f"{where}: length {len(value)} outside {low}..{limit}")


def _embed_problems(problems: list[str], embed: Mapping[str, Any], where: str) -> None:
    _over(problems, f"{where}.title", embed.get("title", ""), EMBED_TITLE)
    _over(problems, f"{where}.description", embed.get("description", ""), EMBED_DESCRIPTION)
    _over(problems, f"{where}.footer", embed.get("footer", {}).get("text", ""), FOOTER)
    _over(problems, f"{where}.author", embed.get("author", {}).get("name", ""), AUTHOR)
    fields = embed.get("fields", [])
    _over(problems, f"{where}.fields", fields, EMBED_FIELDS)
    for i, field in enumerate(fields):
        _over(problems, f"{where}.fields[{i}].name", field.get("name", ""), FIELD_NAME, 1)
        _over(problems, f"{where}.fields[{i}].value", field.get("value", ""), FIELD_VALUE, 1)
    if embed_size(embed) > EMBED_TOTAL:
        problems.append(f"{where}: {embed_size(embed)} characters in total, over {EMBED_TOTAL}")


def _component_problems(problems: list[str], rows: Sequence[Mapping[str, Any]]) -> None:
    _over(problems, "components", rows, ACTION_ROWS)
    seen: set[str] = set()
    for r, row in enumerate(rows):
        items = row.get("components", [])
        _over(problems, f"components[{r}]", items, ROW_BUTTONS, 1)
        for c, item in enumerate(items):
            where = f"components[{r}][{c}]"
            custom_id = item.get("custom_id")
            if custom_id is not None:
                _over(problems, f"{where}.custom_id", custom_id, CUSTOM_ID, 1)
                if custom_id in seen:
                    problems.append(f"{where}: custom_id {custom_id!r} used twice")
                seen.add(custom_id)
            if item.get("type") == 2:
                _over(problems, f"{where}.label", item.get("label", ""), BUTTON_LABEL)
            if item.get("type") == 3:
                options = item.get("options", [])
                _over(problems, f"{where}.options", options, SELECT_OPTIONS, 1)
                _over(problems, f"{where}.placeholder", item.get("placeholder", ""), PLACEHOLDER)
                for o, option in enumerate(options):
                    for key in ("label", "value"):
                        _over(problems, f"{where}.options[{o}].{key}", option[key], OPTION_TEXT, 1)
                    _over(
                        problems,
                        f"{where}.options[{o}]",
                        option.get("description", ""),
                        OPTION_TEXT,
                    )


def message_problems(data: Mapping[str, Any]) -> list[str]:
    """Every way a message payload (content, embeds, components) breaks Discord's limits."""
    problems: list[str] = []
    _over(problems, "content", data.get("content") or "", CONTENT)
    embeds = data.get("embeds") or []
    _over(problems, "embeds", embeds, EMBEDS)
    for i, embed in enumerate(embeds):
        _embed_problems(problems, embed, f"embeds[{i}]")
    total = sum(embed_size(e) for e in embeds)
    if total > EMBED_TOTAL:
        problems.append(f"embeds: {total} characters across the message, over {EMBED_TOTAL}")
    _component_problems(problems, data.get("components") or [])
    if "allowed_mentions" in data and data["allowed_mentions"] != {"parse": []}:
        problems.append(f"allowed_mentions is {data['allowed_mentions']!r}, not none")
    return problems


def choice_problems(choices: Sequence[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    _over(problems, "choices", choices, CHOICES)
    for i, choice in enumerate(choices):
        _over(problems, f"choices[{i}].name", choice["name"], CHOICE_NAME, 1)
        _over(problems, f"choices[{i}].value", str(choice["value"]), CHOICE_NAME, 1)
    return problems


def modal_problems(data: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _over(problems, "title", data.get("title", ""), MODAL_TITLE, 1)
    _over(problems, "custom_id", data.get("custom_id", ""), CUSTOM_ID, 1)
    for r, row in enumerate(data.get("components", [])):
        for c, item in enumerate(row.get("components", [])):
            _over(problems, f"components[{r}][{c}].label", item.get("label", ""), INPUT_LABEL)
    return problems


def problems(callback: Mapping[str, Any]) -> list[str]:
    """Problems with an interaction callback (`{"type": n, "data": {...}}`) or a bare message."""
    if "type" not in callback:
        return message_problems(callback)
    data = callback.get("data") or {}
    kind = callback["type"]
    if kind == 8:
        return choice_problems(data.get("choices", []))
    if kind == 9:
        return modal_problems(data)
    return message_problems(data)
