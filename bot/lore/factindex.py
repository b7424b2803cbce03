"""The chat's retrieval: every fact of a lore snapshot, indexed once, and one scorer over them.

A fact is indexed under keys of four sorts: `#id` for each entry it concerns (its own, the ones
it points at, and any whose name its text says), concepts (`@field`, `~group`, see
`bot.lore.language`), word stems, and `?who`-style question words it answers. A question is a
list of `Need`s over the same keys, each with a weight; a fact's score is the product over the
needs of 1 when it covers the need and (1 - weight) when it does not. So the score is in [0, 1],
one missing key word costs as much as it matters, and it is the confidence the chat reports.
Weights of words and concepts follow their rarity among facts (an idf), so "the" costs nothing
and "titanic", which no fact holds, costs nearly everything.
"""

from __future__ import annotations

import heapq
import math
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bot.lore.facts import Fact, FactContext
from bot.lore.language import Language, stem, words
from bot.lore.mentions import ENTITY as ENTITY
from bot.lore.mentions import PEOPLE, UNNAMED, Mention, Mentioning
from bot.lore.model import BalletScene, Dialogue, Entry, Scene
from bot.lore.names import Names
from bot.lore.narrowing import Narrowing
from bot.lore.search import STOP_WORDS
from bot.lore.text import fold

NEAR = "%"
ASKS = "?"
NEAR_COST = 0.3
"""A named entry that is only a neighbour of the fact's entry ("Julian ... in The Red Shoes")
costs this share of its weight: context, not the subject."""
SETTINGS = frozenset({"work", "scene", "ballet_scene"})
"""Kinds an entry can be set in: naming one ("Julian in The Red Shoes") is context, so a fact of
a neighbouring entry still answers, at `NEAR_COST`."""
NAMED_BY_HINT = frozenset({"played_by"})
"""Facts whose hint only names what they are about (a part's role: "who plays the falconer?"):
its words find them, but not what the words mean ("young composer" is no credit for music)."""
MEASURED_FIELDS = {"@year": "when", "@born": "when", "@died": "when", "@running_time": "how long"}
"""Fields whose facts are a measure, and the question word a sentence holding one answers."""
MEASURES = frozenset(MEASURED_FIELDS.values())
HEADLINED = frozenset({"trivia", "quote"})
"""Kinds whose names are headlines of one detail ("The Shoemaker's steps"), not what the entry
is: their names' concepts do not make them the subject of a question."""
CANDIDATES = 1500
HOPELESS = 0.2
"""Below this ceiling no fact can answer, so ranking is skipped."""
ENOUGH = 40
"""Candidates from the rarest hard needs stop growing once there are this many."""
WIDE = 2500
"""Facts the chat may score without narrowing: the shipped lore's questions reach ~1,600 facts
holding any of their words; a server with thousands of entries must not score them all."""
VOCAB_CUTOFF = 88.0
ROOTED = 7
ROOT_GROWTH = 3
"""A word of this many letters or more is known by the lore's word of the same root, at most
this many letters longer."""
UNKNOWN_WEIGHT = 0.9
SOFT_PRIOR = 1.0
"""Smooths the share of ordinary words covered, so one missed adjective does not sink a fact."""
PROSE = frozenset({"summary", "body", "context", "role_in_story"})
NAMED_CONCEPT = 0.03
"""The tie an entry gets when its name (not a headline's) holds a concept asked for."""


def fact_context(entries: Iterable[Entry]) -> FactContext:
    """What entries read of one another while stating their facts: names, each work's last
    step, the characters' names."""
    entries = list(entries)
    last: dict[tuple[str, str], int] = {}
    for entry in entries:
        if isinstance(entry, Scene | BalletScene):
            step = (entry.kind, entry.work)
            last[step] = max(last.get(step, 0), entry.order)
    characters = frozenset(
        fold(n) for e in entries if e.kind == "character" for n in (e.name, *e.aliases)
    )
    return FactContext({e.id: e.name for e in entries}, last, characters)


def said_lines(dialogues: Iterable[Dialogue]) -> tuple[list[str], list[tuple[Dialogue, int]]]:
    """Every line of dialogue but the last of each (the one a member might say, to be
    answered with the next), as folded words, with where it is."""
    said: list[str] = []
    said_at: list[tuple[Dialogue, int]] = []
    for dialogue in dialogues:
        for number, line in enumerate(dialogue.lines[:-1]):
            said.append(" ".join(words(line.line)))
            said_at.append((dialogue, number))
    return said, said_at


def proper_words(entries: Iterable[Entry]) -> dict[str, set[str]]:
    """Capitalised words of names and aliases, each with the entries whose names hold it."""
    proper: dict[str, set[str]] = {}
    for entry in entries:
        for name in (entry.name, *entry.aliases) if entry.kind not in UNNAMED else ():
            for word in name.split():
                if word[:1].isupper():
                    for token in words(word):
                        proper.setdefault(token, set()).add(entry.id)
    return proper


@dataclass(frozen=True)
class Need:
    """Something a question asks for: any one of `keys` covers it; missing it costs `weight`."""

    keys: frozenset[str]
    weight: float
    words: str = ""
    near: frozenset[str] = frozenset()
    hard: bool = True
    """A hard need (a name, an asked field, a word the lore lacks) multiplies the score by
    (1 - weight) when missed; soft needs (ordinary words) only lower the share covered."""


@dataclass(frozen=True)
class Ranked:
    fact: Fact
    score: float
    missing: tuple[Need, ...]
    near: tuple[Need, ...] = ()
    """Needs the fact covers only through a neighbouring entry."""


class FactIndex(Mentioning):
    """Facts of one `Lorebook`, built on first use; immutable after that."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.names = Names(entries)
        self.language = Language.of(entries)
        self.kinds = {e.id: e.kind for e in entries}
        self.name_keys = {e.id: self._name_keys(e) for e in entries}
        self.works = {e.id: work for e in entries if (work := getattr(e, "work", None))}
        context = fact_context(entries)
        self.prominence: Counter[str] = Counter(ref for e in entries for _, ref in e.references())
        self.near: dict[str, set[str]] = {}
        for entry in entries:
            for _, ref in entry.references():
                self.near.setdefault(entry.id, set()).add(ref)
                self.near.setdefault(ref, set()).add(entry.id)
        forms = {e.id: str(getattr(e, "form", "")) for e in entries}
        self._kind_words = {e.id: self._kind_of(e, forms) for e in entries}
        self.proper = proper_words(entries)
        self._hints: dict[str, tuple[list[str], set[str], set[str]]] = {}
        self._asks_of: dict[str, frozenset[str]] = {}
        self.facts: list[Fact] = []
        self.keys: list[frozenset[str]] = []
        self.vocab: set[str] = set()
        self._lower: set[str] = set()
        """Words the facts write in lower case somewhere: a name word never so written
        ("Broadway") is a proper noun wherever it appears, never a plain word."""
        self._postings: dict[str, list[int]] = {}
        for entry in entries:
            for fact in entry.facts(context):
                self._add(fact)
        self._df_total = max(1, len(self.facts))
        self._said, self._said_at = said_lines(e for e in entries if isinstance(e, Dialogue))
        self._by_letter: dict[tuple[str, int], list[str]] = {}
        for word in sorted(self.vocab):  # ties in `correct` go the same way in every process
            self._by_letter.setdefault((word[0], len(word)), []).append(word)

    def _add(self, fact: Fact) -> None:
        tokens = words(fact.text)
        named = self.mentions(tokens, partial=False)
        concepts = self._concepts(tokens, named) | self._measured(tokens, fact)
        hint, hint_ids, hint_concepts = self._hinted(fact.hint)
        if fact.field not in NAMED_BY_HINT:
            concepts |= hint_concepts
        entities = {fact.entry, *fact.about, *(i for m in named for i in m.ids)}
        if fact.entry in self.works:  # a scene of the ballet is a fact about the ballet too
            entities.add(self.works[fact.entry])
        keys = {f"{ENTITY}{e}" for e in entities} | concepts | {f"@{fact.field}"}
        keys |= {
            f"{NEAR}{e}" for e in self.near.get(fact.entry, ()) if self.kinds.get(e) in SETTINGS
        }
        keys |= {f"{NEAR}{e}" for e in hint_ids}  # named in its context
        if self.kinds.get(fact.entry) == "person":  # who played a part is near its work too
            keys |= {
                f"{NEAR}{self.works[e]}" for e in self.near.get(fact.entry, ()) if e in self.works
            }
        keys |= self._kind_words.get(fact.entry, set())
        keys |= {stem(t) for t in (*tokens, *hint) if t not in STOP_WORDS}
        if self.kinds.get(fact.entry) in PEOPLE:  # "the villain": what a part is called says it too
            keys |= self.name_keys.get(fact.entry, frozenset())
        keys |= {f"{ASKS}{a}" for a in fact.answers}
        if any(self.kinds.get(i) == "person" for i in entities):
            keys.add(f"{ASKS}who")  # a sentence of or naming a person answers "who ...?"
        self.vocab.update(t for t in (*tokens, *hint) if len(t) > 2)
        self._lower.update(
            w for word in fact.text.split() if word[:1].islower() for w in words(word)
        )
        number = len(self.facts)
        self.facts.append(fact)
        self.keys.append(frozenset(keys))
        for key in keys:
            self._postings.setdefault(key, []).append(number)

    def _name_keys(self, entry: Entry) -> frozenset[str]:
        """The stems and concepts of an entry's name and aliases ("Vicky's death": `~dies`), so
        a question whose words name the entry ("how does Vicky die") prefers its facts."""
        tokens = [w for n in (entry.name, *entry.aliases) for w in (*words(n), "")]
        concepts, _ = self.language.concepts(tokens, fields=False)
        stems = frozenset({stem(w) for w in tokens if w} - STOP_WORDS)
        return stems if entry.kind in HEADLINED else stems | frozenset(concepts)

    def _hinted(self, hint: str) -> tuple[list[str], set[str], set[str]]:
        """A hint's words, the entries it names and its concepts (no relations: a context
        says who was there, not who is whose), worked out once per distinct hint."""
        cached = self._hints.get(hint)
        if cached is None:
            tokens = words(hint)
            named = self.mentions(tokens, partial=False)
            concepts = self._concepts(tokens, named) - self.language.relations
            cached = self._hints[hint] = (tokens, {i for m in named for i in m.ids}, concepts)
        return cached

    def _concepts(self, tokens: Sequence[str], named: Sequence[Mention]) -> set[str]:
        """Concepts of a fact's words, leaving out words inside names ("Heart of Fire" is not
        about firing anyone)."""
        unnamed = list(tokens)
        for mention in named:
            unnamed[mention.start : mention.end] = [""] * (mention.end - mention.start)
        return set(self.language.concepts(unnamed, fields=False)[0])

    def _measured(self, tokens: Sequence[str], fact: Fact) -> set[str]:
        """The fields a sentence of prose gives the measure of: a phrasing of a dated field
        beside a date ("it opened in Britain on 16 November 1945"), of a length beside a length.
        A pack's release dates and running time often live in its prose alone."""
        if not MEASURES & fact.answers:
            return set()  # most sentences hold no measure: their phrasings are never read
        said = self.language.concepts(tokens)[0]
        return {c for c in said if MEASURED_FIELDS.get(c) in fact.answers}

    def _kind_of(self, entry: Entry, forms: dict[str, str]) -> set[str]:
        """Words naming what an entry is ("ballet scene", a work's form, the form of the work
        it belongs to), so "the carnival scene" finds a scene whose text never says "scene"
        and "the start of the film" a scene of a film."""
        work = self.works.get(entry.id, "")
        said = [entry.kind.replace("_", " "), forms.get(entry.id, ""), forms.get(work, "")]
        tokens = [t for text in said for t in words(text)]
        concepts, _ = self.language.concepts(tokens, fields=False)
        return {stem(t) for t in tokens} | set(concepts)

    def field_answers(self, field: str, asks: str | None) -> bool:
        """Whether facts of this field (`@year`) can answer the question word: some do, or
        the word is one no structured fact answers in particular ("what")."""
        if asks not in {"where", "who", "when", "how long", "how many", "how old"}:
            return True
        return f"{ASKS}{asks}" in self._field_asks(field)

    def _field_asks(self, field: str) -> frozenset[str]:
        found = self._asks_of.get(field)
        if found is None:
            facts = self._postings.get(field, ())
            found = frozenset(f"{ASKS}{a}" for n in facts for a in self.facts[n].answers)
            found |= frozenset(k for n in facts for k in self.keys[n] if k.startswith(ASKS))
            self._asks_of[field] = found
        return found

    def setting_of(self, ids: Iterable[str]) -> set[str]:
        """The keys of words naming what these entries are and the works they are in."""
        return set().union(*(self._kind_words.get(i, set()) for i in ids))

    def known(self, token: str) -> bool:
        return token in self.vocab or stem(token) in self._postings

    def correct(self, token: str) -> str | None:
        """The lore's own word closest to a misspelt one ("directd" → "directed"), if close."""
        if len(token) < 4:
            return None
        pool = [
            word
            for size in range(len(token) - 1, len(token) + 2)
            for letter in {token[0], token[-1]}
            for word in self._by_letter.get((letter, size), ())
        ]
        best = process.extractOne(token, pool, scorer=fuzz.ratio, score_cutoff=VOCAB_CUTOFF)
        return best[0] if best else self._same_root(token)

    def _same_root(self, token: str) -> str | None:
        """The lore's word of the same root as a long word it lacks ("Hebrides" for the lore's
        "Hebridean"): all but its last two letters begin the lore's word, which is not much
        longer. Short words are left alone: too many of them share a beginning."""
        if len(token) < ROOTED:
            return None
        root = token[: len(token) - 2]
        return next(
            (
                word
                for size in range(len(root), len(token) + ROOT_GROWTH)
                for word in self._by_letter.get((token[0], size), ())
                if word.startswith(root)
            ),
            None,
        )

    def weight(self, key: str) -> float:
        """How much missing this key costs: rare keys more (an idf scaled into 0.3..0.85)."""
        df = len(self._postings.get(key, ()))
        if df == 0:
            return UNKNOWN_WEIGHT
        rarity = math.log(self._df_total / df) / math.log(self._df_total + 1)
        return 0.3 + 0.55 * min(1.0, rarity * 1.6)

    def rank(
        self,
        needs: Sequence[Need],
        keep: Callable[[Fact], bool] | None = None,
        limit: int = 8,
    ) -> list[Ranked]:
        """Facts covering any need, best first, scored as the module docstring says."""
        # A need no fact holds (a word the lore never uses) caps every fact's score alike.
        ceiling = math.prod(1 - n.weight for n in needs if n.hard and not self._held(n))
        if ceiling < HOPELESS:
            return []
        candidates = self._candidates(needs, keep)  # kept already
        focus = {k for n in needs for k in n.keys if k.startswith(ENTITY)}
        asked_words = {k for n in needs if not n.hard for k in n.keys}
        soft_total = SOFT_PRIOR
        for need in needs:
            if not need.hard:
                soft_total += need.weight
        leans: dict[str, tuple[float, float, float]] = {}
        scored: list[tuple[float, int, float, list[Need], list[Need]]] = []
        for number in candidates:
            fact = self.facts[number]
            keys = self.keys[number]
            score = 1.0
            soft_covered = SOFT_PRIOR
            missing = []
            nearby = []
            for need in needs:
                if not need.hard:
                    if need.keys.isdisjoint(keys):
                        missing.append(need)
                    else:
                        soft_covered += need.weight
                elif not need.keys.isdisjoint(keys):
                    continue
                elif not need.near.isdisjoint(keys):
                    score *= 1.0 - need.weight * NEAR_COST
                    nearby.append(need)
                else:
                    score *= 1.0 - need.weight
                    missing.append(need)
            score *= soft_covered / soft_total
            lean = leans.get(fact.entry)
            if lean is None:
                lean = leans[fact.entry] = self._leans(fact.entry, focus, asked_words)
            prominent, named, own = lean
            tie = 0.01 * (fact.field not in PROSE) + prominent
            if fact.about and f"{ENTITY}{fact.about[0]}" in focus:
                tie += 0.01  # told of the one named: a speaker's own line, an actor's part
            if named:
                tie += named
            if own:
                tie += own
            tie -= number * 1e-9
            scored.append((score + tie, -number, score, missing, nearby))
        best = heapq.nlargest(limit, scored, key=lambda row: row[:2])
        return [Ranked(self.facts[-n], s, tuple(m), tuple(near)) for _, n, s, m, near in best]

    def _leans(
        self, entry: str, focus: set[str], asked_words: set[str]
    ) -> tuple[float, float, float]:
        """What tips a tie toward an entry's facts in one ranking (added to each fact's score
        in this order, or not at all when 0): how often the lore points at it, its own name
        holding an asked word ("the newspaper"; a concept less), its being named, the more so
        the rarer the name. Worked out once per entry, not once per fact."""
        prominent = 0.0005 * min(10, self.prominence[entry])
        named_by = asked_words & self.name_keys.get(entry, frozenset())
        named = 0.0
        if named_by:
            named = 0.04 if any(k[0] != "~" for k in named_by) else NAMED_CONCEPT
        own = f"{ENTITY}{entry}"
        return prominent, named, 0.03 * self.weight(own) if own in focus else 0.0

    def _candidates(self, needs: Iterable[Need], keep: Callable[[Fact], bool] | None) -> set[int]:
        """Facts holding a key of the rarest hard needs (or of any need, when none is hard): a
        fact missing a hard need scores too low to matter, so the rarest one bounds the work.
        With `keep` (the chat passes one to leave opinions out), every kept fact holding any
        need, while they are few enough to score (narrowing first can drop an answer that a
        softer need would have found); in a large lore, narrowed as without it."""
        needs = list(needs)
        if keep is not None:
            keys = {k for n in needs for k in n.keys | n.near}
            if sum(len(self._postings.get(k, ())) for k in keys) <= WIDE:
                return {i for k in keys for i in self._postings.get(k, ()) if keep(self.facts[i])}
        leading = [n for n in needs if n.hard and not all(k.startswith(ASKS) for k in n.keys)]
        groups = []
        for need in leading or needs:  # a name's own facts, else those of its neighbours
            group = self._group(need.keys)
            if not any(group[1]):
                group = self._group(need.near)
            groups.append(group)
        groups = [g for g in groups if any(g[1])]
        groups.sort(key=lambda g: sum(map(len, g[1])))
        if not groups:
            return set()
        found = Narrowing(*groups[0], self.keys, self.facts, keep)
        softer = [
            self._group(need.keys)
            for need in needs
            if not need.hard and not any(k.startswith(ASKS) for k in need.keys)
        ]
        for held, postings in [*groups[1:], *sorted(softer, key=lambda g: sum(map(len, g[1])))]:
            if not found.more_than(ENOUGH):
                break
            # many facts hold the rarest need: keep those holding the next one too, if any do
            found.narrow(held, postings)
        return found.first(CANDIDATES)

    def _group(self, keys: frozenset[str]) -> tuple[frozenset[str], list[list[int]]]:
        """Keys, with the postings of each."""
        return keys, [self._postings.get(key, []) for key in keys]

    def _held(self, need: Need) -> bool:
        return any(key in self._postings for key in need.keys | need.near)

    def line_said(self, said: str, cutoff: float) -> tuple[Dialogue, int] | None:
        """The dialogue line `said` (folded words) repeats, closely enough, and where it is."""
        if not self._said or not said:
            return None
        found = process.extractOne(said, self._said, scorer=fuzz.ratio, score_cutoff=cutoff)
        return self._said_at[found[2]] if found else None

    def of_field(self, field: str) -> list[Fact]:
        """Every fact of one field (`played_by`) in the lore's order: what a list asked of a
        whole work ("list the cast") is read from, without walking every entry."""
        return [self.facts[n] for n in self._postings.get(f"@{field}", ())]

    def stated(self, entry_id: str, field: str) -> list[Fact]:
        """The facts an entry states from one field ("who played Livy", a work's credits),
        read from the shorter of the two postings: a film is named by thousands of facts,
        while a field of one entry holds a few."""
        lists = (self._postings.get(f"{ENTITY}{entry_id}", ()), self._postings.get(f"@{field}", ()))
        numbers = min(lists, key=len)
        facts = (self.facts[n] for n in numbers)
        return [f for f in facts if f.entry == entry_id and f.field == field]

    def of_entry(self, entry_id: str) -> list[Fact]:
        """Every fact an entry states itself, in its own order."""
        return [
            self.facts[n]
            for n in self._postings.get(f"{ENTITY}{entry_id}", ())
            if self.facts[n].entry == entry_id
        ]


_BUILT: weakref.WeakKeyDictionary[Any, FactIndex] = weakref.WeakKeyDictionary()
_BUILDING = threading.RLock()
"""Re-entrant: a server view's index is built from the shipped book's, which may be built
first, inside the same call."""


def facts_ready(book: Any) -> bool:
    """Whether `facts_of(book)` would answer at once, without building."""
    return book in _BUILT


def facts_of(book: Any, build: Callable[[], FactIndex] | None = None) -> FactIndex:
    """The fact index of a book (a `Lorebook` or a server's view of one), built once on first
    use (by `build`, else from all of its entries) and dropped with the book."""
    built = _BUILT.get(book)
    if built is None:
        with _BUILDING:
            built = _BUILT.get(book)
            if built is None:
                built = _BUILT[book] = build() if build else FactIndex(book.entries)
    return built
