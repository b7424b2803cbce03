"""Normalising text on its way into lore.

Lore text arrives from YAML files, Discord modals and uploads, and the project's seed was a wiki
dump full of HTML entities and mojibake. Everything passes through `clean_text` so the rest of the
code can trust that a string is NFC, decoded and free of wiki markup. Lore is posted under the
bot's name, so text that could mislead a reader is refused too: masked links (`[discord.com](…)`
pointing elsewhere), Discord invites, and invisible characters that reorder or hide text
(right-to-left overrides, zero-width characters).
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization="NFC",
)

WIKI_DEBRIS = re.compile(
    r"\{\{|\}\}|<\s*/?\s*ref\b|\[\[|\]\]|<!--|^\s*\{\||__NOTOC__",
    re.IGNORECASE | re.MULTILINE,
)


def _may_hold_debris(text: str) -> bool:
    """Whether `text` could match `WIKI_DEBRIS`: every match holds one of these characters
    (in "{{", "}}", "{|", "[[", "]]", "<" or "__"; the pattern's letters match in any case, these
    do not). A membership test per character costs a tenth of the search."""
    return "{" in text or "}" in text or "<" in text or "[" in text or "]" in text or "_" in text


_NOT_WORD = re.compile(r"[^\w]+")

MISLEADING = re.compile(
    r"(?P<link>\[[^\]\n]*\]\(\s*<?\s*https?://[^)\s]*)"
    r"|(?P<invite>(?:discord(?:app)?\.com/invite|discord\.gg)/[\w-]+)",
    re.IGNORECASE,
)
"""Masked links and Discord invites: a name shown over an address, or a door to another server.
Both hold a "/": text without one is searched no further."""
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Bidirectional controls and zero-width characters: they reorder or hide what a reader sees."""


class WikiDebrisError(ValueError):
    """Raised for text that still carries wiki markup such as ``{{cite web}}`` or ``<ref>``."""


class MisleadingTextError(ValueError):
    """Raised for a masked link, an invite or an invisible character in lore text."""


def invisible_name(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`: how a problem names a character nobody can see."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def clean_text(raw: str) -> str:
    """Decode entities, repair mojibake and NFC-normalise; refuse leftover wiki markup, masked
    links, invites and invisible characters.

    Entities are decoded before the debris check so that an escaped ``&#60;ref`` is caught too.
    Plain ASCII without an ``&`` can hold neither entities nor mojibake, so it skips the costly
    repair (most lore text; this keeps a 10,000-entry load fast). The two searches that follow
    run only when the text holds a character every match needs: the searches cost more than
    the rest of validating an entry, and a server's stored entries are validated on every read.
    """
    text = raw
    if not text.isascii() or "&" in text:
        text = html.unescape(text)
        hidden = INVISIBLE.search(text)
        if hidden:
            name = invisible_name(hidden.group(0))
            raise MisleadingTextError(f"invisible character {name} is not allowed in lore text")
        text = ftfy.fix_text(text, _FTFY_CONFIG)
        text = unicodedata.normalize("NFC", text)
    match = WIKI_DEBRIS.search(text) if _may_hold_debris(text) else None
    if match:
        raise WikiDebrisError(f"wiki markup {match.group(0).strip()!r} is not allowed in lore text")
    misleading = MISLEADING.search(text) if "/" in text else None
    if misleading and misleading.lastgroup == "link":
        raise MisleadingTextError(
            f"masked link {misleading.group(0)!r} is not allowed in lore text; "
            "write the address out in full"
        )
    if misleading:
        raise MisleadingTextError(
            f"Discord invite {misleading.group(0)!r} is not allowed in lore text"
        )
    return text


def fold(text: str) -> str:
    """Fold text for matching: lower case, no accents, punctuation as spaces, single spaces.

    Used by search so that "leonide massine" finds "Léonide Massine".
    """
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = folded.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ł", "l")
    return " ".join(_NOT_WORD.sub(" ", folded).split())
