"""Finding what a question is about in the lore, and the sentences of the lore that answer it.

Names are matched exact-first (every run of up to five words against ids, names and aliases,
with and without a leading "the"), then fuzzily for typos, and every fuzzy match must be backed
by a word of the entry's own names, so a stray word never drags in an unrelated entry. Words that
match nothing are kept: a question about something the lore does not hold must be told so.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.lore.lorebook import Lorebook
from bot.lore.model import Character, Entry, Kind, Person, Trivia, Work
from bot.lore.search import entry_names, entry_text
from bot.lore.text import fold
from bot.persona.intent import AUTHORED_WORDS, GRAMMAR, QUESTION_WORDS, WORK_WORDS

ANSWERABLE: tuple[Kind, ...] = (
    "character",
    "person",
    "work",
    "scene",
    "ballet_scene",
    "quote",
    "dialogue",
    "trivia",
)
FUZZY_KINDS: tuple[Kind, ...] = ("character", "person", "work")
"""Kinds matched despite typos. Other kinds have names made of common words ("The carnival",
"Recommended by Helpmann") that a fuzzy match would find in almost any sentence."""

MAX_GRAM = 5
FUZZY_CUTOFF = 80.0
WORD_CUTOFF = 75.0
NAMED_CUTOFF = 90.0
TYPO_CUTOFF = 85.0
_SENTENCE = re.compile(r"(?<=[.!?])\s+")

IRREGULAR = {"wrote": "write", "written": "write", "left": "leave", "died": "die", "dead": "die"}
"""Verb forms the suffix-stripping `stem` cannot reach."""


def _groups(*groups: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(group.split()) for group in groups)


CONCEPTS = _groups(
    "based inspired inspire modelled modeled model compared compare prompted real",
    "die dies dying death kill killed suicide",
    "different difference differ differs change changes unlike instead keeps",
    "long length minutes runtime duration runs hour",
    "marry married marries marriage wedding engaged engagement",
    "related relation relative relatives family aunt niece nephew uncle cousin mother father",
    "originally original first meant intended vehicle",
    "britain british uk england english london",
    "flop flopped failure failed fail closed troubled hostile losing",
    "restore restoring restored restoration repair repaired damage damaged mould",
    "turn turns transform transforms become becomes",
    "color colour colors colours colored coloured technicolor",
    "filmed shot shooting location locations",
    "dance dances danced dancing dancer dancers",
    "fire fired fires sack sacked sacks dismiss dismissed dismisses rid forces forced expel "
    "expelled",
)
"""Words a question and the lore use for the same idea ("based on" / "modelled on")."""

_QUALIFIER = re.compile(r"\([^)]*\)")
"""A bracketed qualifier in a name: "The Shoemaker (Ballet of the Red Shoes)"."""

TOLD_KINDS: frozenset[Kind] = frozenset({"scene", "ballet_scene"})
"""Kinds whose prose tells an event as it happens, rather than summing it up."""

RELATIONS = _groups(
    "husband hubby wife spouse married marries marry",
    "boyfriend girlfriend lover sweetheart love",
    "fiance fiancee betrothed engaged",
    "teacher teachers professor mentor tutor",
    "assistant secretary",
    "aunt",
    "niece",
    "friend",
    "dresser",
)
"""Words for how one character stands to another ("Vicky's husband" is the one who "marries
Vicky"). Being engaged is not being married: one group never answers for another."""
SYMMETRIC = frozenset({"husband", "lover"})
"""Relations that hold both ways: the owner's own text may name the other after the relation
word ("marries Vicky"). An engagement is not one: "she is engaged, which makes Lermontov drop
her" names someone else."""
RELATION_CANDIDATES = 20
"""Characters read for a relation, besides those linked to the owner: the full-text search's
best for the owner's names and the relation's words, so a large lore is not read whole for one
question (a role in the story is not indexed; a character whose relation is said only there is
found through its links)."""
RELATION_SPAN = 3
"""How many words apart a relation word and a name may stand in one sentence ("Julian's music
professor"): further apart, the sentence is about something else ("leaves to get married,
opening the way for Vicky")."""

_backrefs: weakref.WeakKeyDictionary[Lorebook, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class Mention:
    """An entry the question names, how sure the match is (100 = exact) and where it starts."""

    entry: Entry
    score: float
    at: int
    possessive: bool = False
    """Named as an owner ("Vicky's mother"): the question may be about someone else."""


@dataclass(frozen=True)
class Subjects:
    """Everything a question names, plus the words that named nothing in the lore."""

    mentions: tuple[Mention, ...]
    unknown: tuple[str, ...]

    def first(self, kinds: Iterable[Kind]) -> Mention | None:
        allowed = set(kinds)
        return next((m for m in self.mentions if m.entry.kind in allowed), None)

    def surest(self, kinds: Iterable[Kind]) -> Mention | None:
        """The mention of these kinds matched most exactly (the first of equals): "the shoes
        off the girl at the end of the ballet" names the ballet outright, the film only loosely."""
        allowed = set(kinds)
        found = [m for m in self.mentions if m.entry.kind in allowed]
        return max(found, key=lambda m: m.score, default=None)

    def of_kinds(self, kinds: Iterable[Kind]) -> list[Entry]:
        allowed = set(kinds)
        return [m.entry for m in self.mentions if m.entry.kind in allowed]


def stem(word: str) -> str:
    """A crude stem, enough to match "jumped" with "jump" and "debated" with "debate"."""
    word = IRREGULAR.get(word, word)
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def work_of_form(book: Lorebook, form: str) -> Work | None:
    """The first work of a form (the film, the ballet, the tale)."""
    return next((e for e in book.of_kind("work") if isinstance(e, Work) and e.form == form), None)


def find_subjects(book: Lorebook, words: Sequence[str]) -> Subjects:
    """Entries named in `words` (exact, then generic work words, then fuzzy) and leftovers."""
    mentions: list[Mention] = []
    used = [False] * len(words)
    i = 0
    while i < len(words):
        found = _exact_at(book, words, i)
        if found:
            length, entries = found
            mentions += [Mention(e, 100.0, i, _owns(words, i + length, e)) for e in entries]
            used[i : i + length] = [True] * length
            i += length
        else:
            i += 1
    for i in range(len(words)):
        made = None if used[i] else _made_by(book, words, i)
        if made is not None:
            used[i] = True
            mentions.append(Mention(made, 95.0, i))
    mentions = _first_per_entry(_authored_work(book, words, m) for m in mentions)
    for i, word in enumerate(words):
        if not used[i] and word in WORK_WORDS:
            work = work_of_form(book, WORK_WORDS[word])
            used[i] = True
            if work is not None and all(m.entry.id != work.id for m in mentions):
                mentions.append(Mention(work, 95.0, i))
    for run in _runs(words, used):
        for part in (run, run[:-1], run[1:]) if len(run) > 2 else (run,):
            fuzzy = _fuzzy(book, words, part, used)
            if fuzzy:
                mentions += fuzzy
                break
    unknown = tuple(
        w
        for i, w in enumerate(words)
        if not used[i] and w not in QUESTION_WORDS and not w.isdigit()
    )
    mentions = _named_over_plain(words, mentions)
    mentions.sort(key=lambda m: m.at)
    return Subjects(tuple(mentions), unknown)


def _named_over_plain(words: Sequence[str], mentions: list[Mention]) -> list[Mention]:
    """ "A ballet by Matthew Bourne": the plain word "ballet" describes the work named beside
    it (a stage ballet), so it does not also mean the film's own ballet."""
    named_forms = [
        m.entry.form
        for m in mentions
        if isinstance(m.entry, Work) and words[m.at] not in WORK_WORDS
    ]
    return [
        m
        for m in mentions
        if not (
            isinstance(m.entry, Work)
            and words[m.at] in WORK_WORDS
            and any(
                WORK_WORDS[words[m.at]] in form and form != m.entry.form for form in named_forms
            )
        )
    ]


def _first_per_entry(mentions: Iterable[Mention]) -> list[Mention]:
    """Each entry once, where it is first named."""
    first: dict[str, Mention] = {}
    for mention in mentions:
        first.setdefault(mention.entry.id, mention)
    return list(first.values())


def _authored_work(book: Lorebook, words: Sequence[str], mention: Mention) -> Mention:
    """ "Andersen's tale", "Bourne's version": a maker followed by a word for a work means the
    work they made (their own, as author, before one merely based on it), not the maker."""
    if not isinstance(mention.entry, Person):
        return mention
    after = [w for w in words[mention.at + 1 : mention.at + 4] if w in AUTHORED_WORDS]
    if not after:
        return mention
    form = WORK_WORDS.get(after[0])
    made = [
        (credit.role != "author", work)
        for work in book.of_type(Work)
        for credit in work.credits
        if credit.person == mention.entry.id and (form is None or work.form == form)
    ]
    if not made:
        return mention
    return Mention(min(made, key=lambda pair: pair[0])[1], mention.score, mention.at)


def _owns(words: Sequence[str], end: int, entry: Entry) -> bool:
    """A name followed by "s" ("Vicky's", as it folds) or typed as "vickys": an owner."""
    last = words[end - 1]
    return tuple(words[end : end + 1]) == ("s",) or (
        last.endswith("s") and last not in _name_words(entry)
    )


def _name_words(entry: Entry) -> set[str]:
    return {w for name in entry_names(entry) for w in fold(name).split()}


def _made_by(book: Lorebook, words: Sequence[str], i: int) -> Work | None:
    """ "Bourne's version", "bournes version": a maker the lore only credits by name (no person
    entry), followed by a word for a work, means the work that credits them or bears their name."""
    rest = [w for w in words[i + 1 : i + 3] if w != "s"]
    if not rest or rest[0] not in AUTHORED_WORDS or words[i] in QUESTION_WORDS:
        return None
    maker = {words[i], words[i][:-1]} if words[i].endswith("s") else {words[i]}
    for work in book.of_type(Work):
        credited = {w for c in work.credits if c.name for w in fold(c.name).split()}
        if maker & (credited | _name_words(work)):
            return work
    return None


def _exact_at(book: Lorebook, words: Sequence[str], i: int) -> tuple[int, list[Entry]] | None:
    if words[i] in GRAMMAR:
        return None
    for length in range(min(MAX_GRAM, len(words) - i), 0, -1):
        gram = words[i : i + length]
        if gram[-1] in QUESTION_WORDS or gram == ["the"]:
            continue
        key = " ".join(gram)
        entries = book.exact(key, ANSWERABLE)
        if not entries and gram[0] != "the":
            entries = book.exact("the " + key, ANSWERABLE)
        if not entries:
            entries = _possessive(book, gram)
        if entries:
            return length, entries
    return None


def _possessive(book: Lorebook, gram: Sequence[str]) -> list[Entry]:
    """ "vickys aunt" typed without the apostrophe: as "vicky s aunt" (how "Vicky's" folds),
    then, for a final "vickys", as "vicky"."""
    owners = [f"{w[:-1]} s" if w.endswith("s") and len(w) > 3 else w for w in gram]
    if owners == list(gram):
        return []
    entries = book.exact(" ".join(owners), ANSWERABLE)
    if not entries and owners[-1] != gram[-1]:
        entries = book.exact(" ".join([*gram[:-1], gram[-1][:-1]]), ANSWERABLE)
    return entries


def _runs(words: Sequence[str], used: list[bool]) -> list[list[int]]:
    """Maximal runs of unused words that could be (part of) a name."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, word in enumerate(words):
        if used[i] or word in QUESTION_WORDS or word.isdigit():
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def _fuzzy(book: Lorebook, words: Sequence[str], run: list[int], used: list[bool]) -> list[Mention]:
    query = " ".join(words[i] for i in run)
    for hit in book.search(query, FUZZY_KINDS, limit=3):
        if hit.how == "text" or hit.score < FUZZY_CUTOFF:
            continue
        name_words = _name_words(hit.entry)
        backed = [
            i
            for i in run
            if len(words[i]) >= 3
            and any(fuzz.ratio(words[i], n) >= WORD_CUTOFF for n in name_words)
        ]
        if backed:
            for i in backed:
                used[i] = True
            return [Mention(hit.entry, float(hit.score), run[0])]
    return []


def sentences(entry: Entry) -> list[str]:
    """The prose of an entry, sentence by sentence (role in the story included).

    A trivia entry's quiz question is left out: it asks, it does not tell, so it can never be
    an answer (`_heard` still matches a chat question against it).
    """
    parts = [entry.summary, entry.body or ""] if isinstance(entry, Trivia) else [entry_text(entry)]
    if isinstance(entry, Character) and entry.role_in_story:
        parts.insert(0, entry.role_in_story + ".")
    return [s.strip() for part in parts for s in _SENTENCE.split(part) if s.strip()]


@lru_cache(maxsize=8192)
def stems_of(text: str) -> frozenset[str]:
    """The stems of a text; cached, since the same lore sentences are read for many questions."""
    return frozenset(stem(w) for w in fold(text).split())


def _heard(entry: Entry) -> frozenset[str]:
    """Stems that count for every sentence of a trivia entry: its title and quiz question."""
    if isinstance(entry, Trivia):
        return stems_of(f"{entry.name} {entry.question or ''}")
    return frozenset()


def covered(words: Iterable[str], text: str) -> int:
    """How many of `words` a text holds: by idea (`CONCEPTS`), or by a near spelling."""
    said = stems_of(text)
    count = 0
    for word in words:
        if concept_stems([word]) & said or (
            len(word) >= 5 and any(fuzz.ratio(stem(word), s) >= TYPO_CUTOFF for s in said)
        ):
            count += 1
    return count


def best_passage(
    entries: Iterable[Entry],
    keywords: Iterable[str],
    limit: int = 2,
    ideas: bool = False,
    names: Iterable[frozenset[str]] = (),
    hints: Iterable[str] = (),
) -> tuple[Entry, list[str], int] | None:
    """The entry and its sentences that share the most keyword stems with the question.

    With `ideas`, each keyword stands for its whole idea (`CONCEPTS`) and a sentence scores by
    how many of the keywords it holds, then by how many stems: one broad idea ("restore",
    "repair", "mould") must not outweigh two asked words ("restored" and "premiere"). An entry
    whose passage (its best `limit` sentences) holds more of the `keywords` comes first
    (`hints` only rank sentences). On a tie the sentence naming more of the people in `names`
    (each a set of name words; an entry's own sentences name it) wins, so "fire" in a title
    does not answer "why did Lermontov fire Julian"; then a scene, which tells the event that
    a person's summary only retells ("forces him out").
    """
    words = list(dict.fromkeys([*keywords, *hints]))
    asked = len(set(keywords))
    groups = [concept_stems([w]) if ideas else frozenset({stem(w)}) for w in words]
    if not groups:
        return None
    wanted = frozenset().union(*groups)
    named = [frozenset(stem(n) for n in group) for group in names]
    best: tuple[Entry, list[str], tuple[int, int, int, int, bool]] | None = None
    for entry in entries:
        heard = _heard(entry)
        itself = stems_of(entry.name)
        scored = []
        for n, sentence in enumerate(sentences(entry)):
            said = stems_of(sentence) | heard
            held = (
                sum(bool(g & said) for g in groups),
                len(wanted & said),
                sum(bool(who & (said | itself)) for who in named),
            )
            if held[0]:
                scored.append((held, n, sentence))
        if not scored:
            continue
        top = sorted(scored, key=lambda row: (tuple(-n for n in row[0]), row[1]))[:limit]
        passage = [s for _, _, s in sorted(top, key=lambda row: row[1])]
        joint = stems_of(" ".join(passage)) | heard
        score = (sum(bool(g & joint) for g in groups[:asked]), *top[0][0], entry.kind in TOLD_KINDS)
        if best is None or score > best[2]:
            best = (entry, passage, score)
    return (best[0], best[1], best[2][1]) if best else None


def describe_search(
    book: Lorebook, words: Sequence[str], kinds: Iterable[Kind] = ANSWERABLE
) -> tuple[Entry, list[str]] | None:
    """An entry one of whose sentences holds every one of `words`: "Lermontov's assistant"."""
    wanted = {stem(w) for w in words}
    if not wanted:
        return None
    for hit in book.search(" ".join(words), tuple(kinds), limit=5):
        for sentence in sentences(hit.entry):
            if wanted <= stems_of(sentence):
                return hit.entry, [sentence]
    return None


def named_after(book: Lorebook, word: str) -> Entry | None:
    """An entry of any kind whose own name carries this word ("Diaghilev" in a trivia title).

    Only for kinds that `find_subjects` leaves out of fuzzy matching, and only on a close match
    of the word itself, so common words do not pull in a trivia entry.
    """
    for hit in book.search(word, ANSWERABLE, limit=3):
        if hit.how == "text":
            continue
        if any(fuzz.ratio(word, n) >= NAMED_CUTOFF for n in _name_words(hit.entry)):
            return hit.entry
    return None


def with_concepts(words: Iterable[str]) -> list[str]:
    """`words` and every word sharing an idea with one of them, for searching the lore's prose
    ("filmed" finds "shot on location")."""
    found = list(dict.fromkeys(words))
    stems = {stem(w) for w in found}
    for group in CONCEPTS:
        if stems & {stem(w) for w in group}:
            found += sorted(group - set(found))
    return found


def concept_stems(words: Iterable[str]) -> frozenset[str]:
    """The stems of `words` and of every word sharing an idea with one of them."""
    return frozenset(stem(w) for w in with_concepts(words))


def linked(book: Lorebook, entry: Entry) -> list[Entry]:
    """The entry, the entries it points at, and those pointing at it (trivia, scenes it is in).

    A question about Lermontov may be answered by a trivia entry about him or by a scene he is
    in; these are found through the lore's own references rather than by guessing from words.
    """
    refs = _backrefs.get(book)
    if refs is None:
        pointing: dict[str, list[str]] = {}
        for other in book.entries:
            for _, target in other.references():
                pointing.setdefault(target, []).append(other.id)
        refs = {k: tuple(dict.fromkeys(v)) for k, v in pointing.items()}
        _backrefs[book] = refs
    ids = [entry.id, *(r for _, r in entry.references()), *refs.get(entry.id, ())]
    found = (book.get(i) for i in dict.fromkeys(ids))
    return [e for e in found if e is not None and e.kind in ANSWERABLE]


def detail(
    book: Lorebook,
    entries: Sequence[Entry],
    words: Iterable[str],
    limit: int = 2,
    hints: Iterable[str] = (),
    every: bool = False,
) -> tuple[Entry, list[str], int] | None:
    """The sentences, in these entries or the ones linked to them, that hold the asked words.

    Only the question's own words count (never the names it mentions), so a sentence that merely
    names the subject does not pass for an answer to something the lore does not hold. `hints`
    (the question's verb: "written", "opened") only help rank sentences; `every` asks that all
    the words be held rather than half of them.
    """
    words = list(words)
    pool = list({e.id: e for entry in entries for e in linked(book, entry)}.values())
    people = (e for e in entries if isinstance(e, Character | Person))
    names = [_given_names(entry) for entry in people]
    passage = best_passage(pool, words, limit=limit, ideas=True, names=names, hints=hints)
    if passage is None:
        return None
    entry, said, _ = passage
    text = " ".join([*said, entry.name, getattr(entry, "question", None) or ""])
    held = covered(words, text)
    return (
        passage if held == len(set(words)) or (not every and held * 2 >= len(set(words))) else None
    )


def relation_of(words: Iterable[str]) -> frozenset[str] | None:
    """The stems of the relation a question names ("husband", "teacher"), if it names one."""
    stems = {stem(w) for w in words}
    for group in RELATIONS:
        group_stems = frozenset(stem(w) for w in group)
        if stems & group_stems:
            return group_stems
    return None


def related(
    book: Lorebook, owner: Entry, relation: frozenset[str]
) -> tuple[Character, Entry, str] | None:
    """The character the lore names by `relation` to `owner`, and the entry and sentence that
    say so.

    The character's own text must put the relation next to the owner's name ("Lermontov's
    assistant", "marries Vicky"); for a relation that holds both ways, the owner's text may name
    the other after the relation word. Nothing found means the lore does not say, and nobody is
    guessed.
    """
    names = _given_names(owner)
    best: tuple[int, Character, Entry, str] | None = None
    query = " ".join(sorted(names | relation))
    hits = [h.entry for h in book.search(query, ("character",), limit=RELATION_CANDIDATES)]
    for character in {e.id: e for e in (*hits, *linked(book, owner))}.values():
        if not isinstance(character, Character) or character.id == owner.id:
            continue
        for sentence in sentences(character):
            gap = _gap(sentence, relation, names)
            if gap is not None and (best is None or gap < best[0]):
                best = (gap, character, character, sentence)
    if best is None and relation & {stem(w) for w in SYMMETRIC}:
        for sentence in sentences(owner):
            words = fold(sentence).split()
            for at, word in enumerate(words):
                if stem(word) not in relation:
                    continue
                for gap, name in enumerate(words[at + 1 : at + 1 + RELATION_SPAN], 1):
                    other = _character_named(book, name, owner)
                    if other is not None and (best is None or gap < best[0]):
                        best = (gap, other, owner, sentence)
    return best[1:] if best else None


def naming(entry: Entry, other: Entry) -> str | None:
    """The first sentence of an entry's own text that names the other by a name they go by:
    how the lore says the two stand to each other ("writes the score and marries Vicky")."""
    names = _given_names(other)
    return next((s for s in sentences(entry) if names & set(fold(s).split())), None)


def _character_named(book: Lorebook, name: str, owner: Entry) -> Character | None:
    if name in QUESTION_WORDS:
        return None
    found = [e for e in book.exact(name, ("character",)) if e.id != owner.id]
    return found[0] if len(found) == 1 and isinstance(found[0], Character) else None


def _given_names(entry: Entry) -> frozenset[str]:
    """The words someone is called by: their name without its bracketed qualifier, and
    one-word aliases ("Livy"). A qualifier ("(Ballet of the Red Shoes)") or a longer alias
    borrows words that name other things in any sentence."""
    names = [_QUALIFIER.sub(" ", entry.name), *(a for a in entry.aliases if len(a.split()) == 1)]
    words = {w for name in names for w in fold(name).split()}
    return frozenset(w for w in words if w not in QUESTION_WORDS and len(w) > 2)


def _gap(sentence: str, relation: frozenset[str], names: frozenset[str]) -> int | None:
    """The fewest words between a relation word and a name in a sentence, within the span."""
    words = fold(sentence).split()
    at_relation = [n for n, w in enumerate(words) if stem(w) in relation]
    at_name = [n for n, w in enumerate(words) if w in names]
    gaps = [abs(a - b) for a in at_relation for b in at_name if abs(a - b) <= RELATION_SPAN]
    return min(gaps, default=None)
