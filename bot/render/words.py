"""The fixed words of the bot's replies in the member's language, from `bot/locales/`.

Buttons, select placeholders, form titles, refusals, waits, /help and the quiz's frame are data:
`en.yaml` holds every key in English, and each locale file's `ui:` section the same keys in its
language (a key set to `~` stays English on purpose). Lermontov's in-character error lines
(`lines:`, by persona purpose) are written in each language rather than translated word for word;
in English they are the lore's own persona lines, which a server may have rewritten. Everything
else the lore says (entries, quotes, the chat, the quizmaster's remarks) stays as written.

Every file is checked on load: a missing or unknown key, a `{placeholder}` that differs from the
English one, or an unknown purpose stops the bot with `LocaleError` naming the file and the key.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.lore.lorebook import Lorebook
from bot.lore.model import PersonaPurpose
from bot.persona.lines import persona_line

LOCALES = Path(__file__).resolve().parent.parent / "locales"
ENGLISH = "en.yaml"
"""The source of every key, in English; it is no Discord locale of its own (every English one
falls back to it)."""
LINE_PURPOSES: tuple[PersonaPurpose, ...] = (
    "apology",
    "cooldown",
    "forbidden",
    "unknown",
    "busy",
    "not_yours",
    "timeout",
    "verdict",
)
"""The persona purposes an error or refusal speaks with; each language writes its own lines."""


class LocaleError(ValueError):
    """A locale file that cannot be used; the message names the file and what is wrong."""


def fields_of(text: str) -> set[str]:
    """The `{placeholders}` a text is formatted with."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Words:
    """One language's fixed words: `words("pager.next")`, `words.count("quiz.points", 3)`."""

    locale: str
    texts: Mapping[str, str]
    lines: Mapping[str, tuple[str, ...]]
    """In-character lines by purpose; empty for English (the lore's persona lines are used)."""
    choices: Mapping[str, str]
    """The commands' choice names in this language (a quiz topic shown on a question)."""

    def __call__(self, key: str, **fields: Any) -> str:
        return self.texts[key].format(**fields)

    def count(self, key: str, n: int, **fields: Any) -> str:
        """`key.one` for one, `key.other` otherwise, with `{n}` filled in."""
        return self(f"{key}.{'one' if n == 1 else 'other'}", n=n, **fields)

    def choice(self, value: str) -> str:
        """A command choice's value as the member's command list names it."""
        return self.choices.get(value, value)

    def line(self, book: Lorebook, purpose: PersonaPurpose, rng: random.Random) -> str:
        """Lermontov's line for `purpose` in this language (the lore's own, in English)."""
        written = self.lines.get(purpose)
        return rng.choice(written) if written else persona_line(book, purpose, rng)


class Dictionary:
    """Every language's words; a locale without a file of its own gets its language's file
    (Latin American Spanish, es-419, gets es-ES), and failing that English."""

    def __init__(self, english: Words, others: Mapping[str, Words]) -> None:
        self.english = english
        self.others = dict(others)
        self._by_language = {locale.split("-")[0]: w for locale, w in sorted(others.items())}

    def __getitem__(self, locale: object) -> Words:
        code = str(locale)
        found = self.others.get(code) or self._by_language.get(code.split("-")[0])
        return found or self.english


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LocaleError(f"{path.name}: cannot be read: {error}") from error
    if not isinstance(data, dict):
        raise LocaleError(f"{path.name}: not a mapping")
    return data


def _texts(path: Path, data: dict[str, Any], english: Mapping[str, str]) -> dict[str, str]:
    given = data.get("ui") or {}
    if not isinstance(given, dict):
        raise LocaleError(f"{path.name}: ui: not a mapping")
    missing = sorted(set(english) - set(given))
    unknown = sorted(set(given) - set(english))
    if missing or unknown:
        raise LocaleError(f"{path.name}: ui: missing {missing}, not in {ENGLISH} {unknown}")
    texts = dict(english)
    for key, text in given.items():
        if text is None:  # English on purpose
            continue
        if not isinstance(text, str) or not text.strip():
            raise LocaleError(f"{path.name}: ui.{key}: not a text")
        if fields_of(text) != fields_of(english[key]):
            raise LocaleError(
                f"{path.name}: ui.{key}: placeholders {sorted(fields_of(text))}, "
                f"the English has {sorted(fields_of(english[key]))}"
            )
        texts[key] = text
    return texts


def _lines(path: Path, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    given = data.get("lines") or {}
    if not isinstance(given, dict) or sorted(given) != sorted(LINE_PURPOSES):
        raise LocaleError(f"{path.name}: lines: needs exactly {sorted(LINE_PURPOSES)}")
    lines: dict[str, tuple[str, ...]] = {}
    for purpose, written in given.items():
        if written is None:  # the lore's English lines on purpose
            continue
        if not isinstance(written, list) or not all(
            isinstance(w, str) and w.strip() and not fields_of(w) for w in written
        ):
            raise LocaleError(f"{path.name}: lines.{purpose}: a list of texts without {{}}")
        lines[purpose] = tuple(written)
    return lines


@cache
def load_words(folder: Path = LOCALES) -> Dictionary:
    """Read and check every locale file once (the files ship with the code)."""
    source = _read(folder / ENGLISH)
    english_texts = source.get("ui")
    if not isinstance(english_texts, dict) or not all(
        isinstance(t, str) for t in english_texts.values()
    ):
        raise LocaleError(f"{ENGLISH}: ui: every key needs its English text")
    english = Words("en-US", english_texts, {}, {})
    others: dict[str, Words] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == ENGLISH:
            continue
        data = _read(path)
        locale = str(data.get("locale", ""))
        choices = dict(data.get("choices") or {})
        others[locale] = Words(
            locale, _texts(path, data, english_texts), _lines(path, data), choices
        )
    return Dictionary(english, others)
