"""Claims of a value of which a thing has only one, checked against what the lore says.

A film is in colour or in black and white; the lexicon lists such values (`exclusive`), and
where the lore's sentences say one of them and never another, a question taking the other as
so ("why was it shot in black and white?") is set straight with the sentence that says it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.lore.factindex import ENTITY, FactIndex, Need
from bot.lore.facts import Fact
from bot.lore.language import stem, words
from bot.persona.asking import Query
from bot.persona.refuted import STORY, Refuted, entries_named

LABELS = frozenset({"award", "credit"})
"""Fields whose words name a category or a role ("Best Art Direction, Color"), not the thing."""


def exclusive(index: FactIndex, query: Query) -> Refuted | None:
    """ "Why was it shot in black and white?": one of the lexicon's values of which a thing has
    only one, claimed where the lore's sentences say another and never this one. Said with the
    sentence that says the other, of the thing named when it names one."""
    tokens, language = query.question.tokens, index.language
    for values in language.exclusive:
        claimed = [v for v in values if language.said(tokens, v)]
        if len(claimed) != 1:
            continue
        named = [
            Need(frozenset(f"{ENTITY}{i}" for i in m.ids), 0.5, hard=False) for m in query.mentions
        ]  # and what it says of them ("shot in...": a sentence about the camera)
        itself = {c for v in values for p in v for c in language.concepts(p)[0]}
        named += [replace(n, hard=False) for n in query.groups if not n.keys & itself]
        told = {v: _saying(index, named, v) for v in values}
        own = {f for i in entries_named(index, query, STORY) for f in index.of_entry(i)}
        held = {v for v in values if any(language.said(words(f.text), v) for f in own)}
        if claimed[0] in (held or {v for v, facts in told.items() if facts}):
            return None  # the lore says it too: part of it, perhaps, or another version
        rival = next((facts[0] for v, facts in told.items() if facts and v != claimed[0]), None)
        return Refuted((rival,)) if rival else None
    return None


def _saying(index: FactIndex, named: list[Need], value: frozenset[tuple[str, ...]]) -> list[Fact]:
    """The lore's sentences saying a value, those of the things named first, and sentences
    before labels ("Best Art Direction, Color" names a category, not how a film looks)."""
    said = Need(frozenset(stem(w) for phrase in value for w in phrase), 0.9)
    ranked = [r.fact for r in index.rank([said, *named])]
    saying = [f for f in ranked if index.language.said(words(f.text), value)]
    return sorted(saying, key=lambda f: f.field in LABELS)
