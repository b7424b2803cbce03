"""Reading a chat message as plain English: its questions, their question words, their words.

Only generic English lives here — question words, stop words, chat shorthand ("u", "ur", "tbh"),
stretched words ("sooo") and fillers ("tell me", "the deal with"). Everything about the film, and
every word that points at a kind of fact, is lore data (`lexicon` entries), so another film's
lore is read by this same code.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from bot.lore.language import CONTRACTIONS
from bot.lore.text import fold

SHORTHAND: dict[str, tuple[str, ...]] = {
    **CONTRACTIONS,
    "u": ("you",),
    "ya": ("you",),
    "yu": ("you",),
    "ur": ("your",),
    "youre": ("you", "are"),
    "r": ("are",),
    "n": ("and",),
    "y": ("why",),
    "wat": ("what",),
    "wut": ("what",),
    "wot": ("what",),
    "whut": ("what",),
    "whats": ("what", "is"),
    "wats": ("what", "is"),
    "whos": ("who", "is"),
    "wheres": ("where", "is"),
    "wher": ("where",),
    "whe": ("where",),
    "wen": ("when",),
    "whens": ("when", "is"),
    "hows": ("how", "is"),
    "hw": ("how",),
    "wanna": ("want", "to"),
    "gonna": ("going", "to"),
    "gotta": ("got", "to"),
    "dunno": ("do", "not", "know"),
    "idk": ("i", "do", "not", "know"),
    "thx": ("thanks",),
    "thnx": ("thanks",),
    "ty": ("thank", "you"),
    "abt": ("about",),
    "bc": ("because",),
    "cuz": ("because",),
    "coz": ("because",),
    "b4": ("before",),
    "ppl": ("people",),
    "pls": (),
    "rn": (),
    "plz": (),
    "tbh": (),
    "tho": (),
    "though": (),
    "esp": ("especially",),
    "vs": ("versus",),
    "irl": ("in", "real", "life"),
    "imo": (),
    "lol": (),
    "fave": ("favourite",),
    "fav": ("favourite",),
    "favorite": ("favourite",),
    "lmao": (),
    "omg": (),
    "btw": (),
    "ngl": (),
    "fr": (),
    "bro": (),
    "mate": (),
    "dude": (),
}
"""Chat spellings, each with the plain words it stands for (none: a mere aside)."""

QUESTION_WORDS = frozenset("who whom whose what when where why how which".split())
PHRASED_QUESTIONS: dict[tuple[str, ...], str] = {
    ("how", "long"): "how long",
    ("how", "many"): "how many",
    ("how", "much"): "how many",
    ("what", "year"): "when",
    ("which", "year"): "when",
    ("what", "date"): "when",
    ("what", "happens"): "what happens",
    ("what", "happened"): "what happens",
    ("what", "happen"): "what happens",
    ("how", "old"): "how old",
    **{
        (which, place): "where"
        for which in ("what", "which")
        for place in "city cities town towns country countries place places location".split()
    },
}
STOP_WORDS = frozenset(
    """a an the and or but of to in on at by for with from into onto about as is are was were be
    been being am do does did done doing have has had having it its this that these those there
    here i me my mine we our us they them their he him his she her hers any some all so than then
    very can could would should will shall may might must not no yes if whether also just only
    even ever still again too one ones s t d ll re ve m get got gets goes go going went come
    came many much getting gotten own else during""".split()
)
FILLERS = frozenset(
    """happen happens happened happening tell know explain describe deal thing things stuff bit
    bits significance exactly really actually please wait well oh ok okay hmm hey like anyway
    kind sort mean means meant meaning basically literally honestly seriously genuinely
    asking something someone
    somebody anything anyone again long mr mrs miss sir mister madam dear monsieur give gimme
    show share guy guys bloke fella chap related relation relationship relationships
    connected connection linked need needs needed version versions part parts section
    piece side sides point view perspective regard regarding terms opinion honest honestly
    truly simply maybe perhaps sure certainly course indeed quite rather say said saying
    speak speaking talk talking anybody everybody everyone supposed supposedly apparently quick
    quickly right roughly approximately approx precisely heard""".split()
)
"""Words that frame a question without saying what it is about."""
REQUESTS = frozenset(
    "tell list name describe explain summarise summarize walk give show compare recap".split()
)
"""Verbs that open a request for something told ("list the cast", "walk me through it")."""
NUMBERS = {w: n for n, w in enumerate("two three four five six seven eight nine ten".split(), 2)}
FEW = {"couple": 2, "few": 3}
"""Amounts in words: "five", "a couple", "a few"."""
MEASURES_OF_TEXT = frozenset(
    "sentence sentences line lines point points bullet bullets paragraph paragraphs".split()
)
COUNTED = frozenset("names people films movies examples things items steps scenes".split())
"""Words a size counts ("five sentences", "three films"): the first only measure a reply."""
NEAR_AMOUNT = 4
PEOPLE_PRONOUNS = frozenset("he him his himself she her hers herself they them their".split())
PRONOUNS = PEOPLE_PRONOUNS | {"it", "its", "itself"}
REFLEXIVES = frozenset({"himself", "herself", "itself"})
POINTING = PRONOUNS - REFLEXIVES
"""Pronouns that point at someone said before; a reflexive points inside its own sentence
("who played herself?")."""
YOU = frozenset({"you", "your", "yours", "yourself"})
FOLLOW_ON = (("and",), ("what", "about"), ("how", "about"), ("and", "what", "about"))
_SPLIT = re.compile(r"(?<=[?!;])\s+|\n+|(?<=\.)\s+(?=[A-Za-z])")
_ASKING = r"(?:who|whom|whose|what|when|where|why|how|which)\b"
AUXILIARIES = frozenset("is was are were did does do has had have can could will would".split())
_AUXILIARY = r"(?:is|was|are|were|did|does|do|has|had|can|could)\s+(?:he|she|it|they|there)\b"
_AND_ASK = re.compile(
    rf",?\s+(?:and|also|plus|vs\.?|versus)\s+(?={_ASKING}|{_AUXILIARY})|,\s+(?={_AUXILIARY})",
    re.I,
)
"""Where a second question starts inside a sentence: "..., and who played her?", "what is
X, is she real?", "who shot it and did he win?", "how does X end vs how does Y end?"."""
_COMMA_ASK = re.compile(rf",\s+(?={_ASKING})", re.I)
"""A comma before a question word starts another question only after a question ("who did
it, when did it premiere"), not after a lead-in ("so, what happens?")."""
_VERBS = "|".join(sorted(AUXILIARIES))
_TAG = re.compile(rf",\s*(?:{_VERBS})\s+(?:it|that|this|he|she|they|there)\b", re.I)
"""A question tagged onto a remark: "the colours are insane, was that Technicolor?"."""
ENDS_UP = frozenset({"end", "ends", "ended", "ending", "wind", "winds", "wound"})
LEADS = frozenset("and so ok okay but also plus oh wait well then hey".split())
SETTING_UP = frozenset("when where how if".split())
"""Words opening a clause that sets up a question rather than asks one ("when Ljubov says
..., what do you answer?"), unless an auxiliary follows ("when did it premiere")."""
MEASURES = frozenset("long many much old".split())
SPECIFYING = frozenset({"what", "which"})
"""A question word and a noun after a comma ("..., which company?") specify the question
before it rather than ask one of their own, as a lone question word does ("..., when?")."""
_UNWANTED = re.compile(r",\s*(?=(?:no|without)\s+[\w\s]{1,30}[?!.]*$)", re.I)
"""A closing "..., no fluff" says what the reply should leave out: a remark, not the question."""
_TOPIC = re.compile(r"\s*(?::|\s[—–-])\s+")
"""A topic set before the questions about it: "the restoration: who did it?"."""
_CLAUSE = re.compile(
    r"[,:;()\[\]]|\s[-–—]+\s|[–—]"
    r"|(?<=\bbut)\s+(?=(?:who|whom|whose|what|when|where|why|how|which)\b)",
    re.I,
)
"""Where a clause ends inside a question: "Quick one: who played X, the one before Y?" has a
preamble, the question and a description of X."""
_DECADE = re.compile(r"(?<![\d'])'?([1-9]0)s\b")
_POSSESSIVE = re.compile(
    r"(?<!\bthat)(?<!\bwhat)(?<!\bwho)(?<!\bhe)(?<!\bshe)(?<!\bthere)(?<!\bwhere)(?<!\bhow)"
    r"(?<!\blet)'s\b",
    re.IGNORECASE,
)
"""An "'s" that is not "is" or "us" ("that's", "let's"): a possessive, dropped."""
_STRETCH = re.compile(r"(.)\1{2,}")


@dataclass(frozen=True)
class Question:
    """One question of a message: its words (folded, shorthand expanded) and question word."""

    text: str
    tokens: tuple[str, ...]
    asks: str | None
    size: int | None = None
    """How many things or sentences it asks for ("in five sentences", "a couple of films")."""
    framed: tuple[bool, ...] = ()
    """Per token: whether it stands in a clause around the question (a preamble, a description
    after a comma) rather than in the clause holding the question word; empty when the
    question is one clause, or every clause asks."""

    @property
    def follows_on(self) -> bool:
        """Starts like "and Julian?" or "what about her?": leans on the previous question."""
        return any(self.tokens[: len(lead)] == lead for lead in FOLLOW_ON)

    @property
    def elliptical(self) -> bool:
        """Follows on and asks nothing new: "what about the art direction then?", not "and
        what was his favourite...?" (a question of its own)."""
        lead = next((lead for lead in FOLLOW_ON if self.tokens[: len(lead)] == lead), None)
        return lead is not None and not QUESTION_WORDS & set(self.tokens[len(lead) :])


def split(message: str) -> list[str]:
    """A message cut into its questions: at sentence ends, at "and who/what/...", at "and
    did he...", and at a comma before a question word when a question came before it.

    A part without a word of its own ("lol", "??") is kept with the part before it.
    """
    parts: list[str] = []
    for sentence in _SPLIT.split(message.strip()):
        for part in _questions(sentence):
            if parts and not _has_words(part):
                continue
            if _has_words(part) or not parts:
                parts.append(part.strip())
    return [p for p in parts if p] or [message.strip()]


def _questions(sentence: str) -> list[str]:
    sentence, *unwanted = _UNWANTED.split(sentence, maxsplit=1)
    pieces: list[str] = []
    for part in _AND_ASK.split(sentence):
        for piece in _COMMA_ASK.split(part):
            if pieces and _opens(pieces[-1]) and _stands(piece):
                pieces.append(piece)
            elif pieces:
                pieces[-1] = f"{pieces[-1]}, {piece}"
            else:
                pieces.append(piece)
    return pieces + [u for u in unwanted if u]


def _opens(piece: str) -> bool:
    """A piece another question may follow: a question, not a lead-in ("so, what..."), a
    clause setting one up ("when X says..., what...") or a lone question word ("when, and
    whose music...")."""
    return _questioning(piece) and len(_words(piece)) > 1 and not _sets_up(piece)


def _stands(piece: str) -> bool:
    """A piece after another that is a question of its own, not words specifying it."""
    words = _words(piece)
    return asks(piece) and len(words) > 1 and not (len(words) == 2 and words[0] in SPECIFYING)


def _sets_up(piece: str) -> bool:
    words = _words(piece)
    return len(words) > 1 and words[0] in SETTING_UP and words[1] not in AUXILIARIES | MEASURES


def _words(part: str) -> tuple[str, ...]:
    """The part's words, less the lead-ins ("and", "so", "ok") before them."""
    words = tokens(part)
    start = next((n for n, w in enumerate(words) if w not in LEADS), len(words))
    return words[start:]


def _questioning(part: str) -> bool:
    """Starts like a question ("did...", "who..."), holds a question word after a lead-in
    ("so who..."), or ends on one ("..., was that Technicolor?")."""
    words = _words(part)
    opens = bool(words) and words[0] in AUXILIARIES
    return opens or any(w in QUESTION_WORDS for w in words) or bool(_TAG.search(part))


def asks(part: str) -> bool:
    """A question or a request ("list...", "tell me..."): an aside ("so sad!", "be honest")
    asks nothing."""
    return _questioning(part) or bool(REQUESTS & set(_words(part)[:2]))


def topic(message: str) -> tuple[str, str]:
    """A lead-in naming what the questions after it are about ("Lady X — who played her?",
    "the restoration: who did it?"), and the rest; no topic when the lead-in asks itself."""
    found = _TOPIC.split(message.strip(), maxsplit=1)
    if len(found) == 2 and not _questioning(found[0]) and asks(found[1]):
        return found[0], found[1]
    return "", message.strip()


def _has_words(part: str) -> bool:
    return any(w not in SHORTHAND or SHORTHAND[w] for w in fold(part).split())


def tokens(text: str) -> tuple[str, ...]:
    """Folded words with shorthand expanded and stretched letters shrunk ("sooo" → "so")."""
    out: list[str] = []
    text = _DECADE.sub(r"19\1s", _POSSESSIVE.sub("", text.replace("’", "'")))
    for word in fold(text.replace("'", "")).split():
        word = _STRETCH.sub(r"\1\1", word) if len(word) > 3 else word
        out.extend(SHORTHAND.get(word, (word,)))
    return _without_outcome(out)


def _without_outcome(words: list[str]) -> tuple[str, ...]:
    """The words without "end up" before a verb ("what job does he end up getting", "do they
    end up marrying"): it says "in the event", and asks nothing of an ending."""
    kept = list(words)
    for at in range(len(words) - 2, 0, -1):
        if words[at] == "up" and words[at - 1] in ENDS_UP and words[at + 1].endswith("ing"):
            del kept[at - 1 : at + 1]
    return tuple(kept)


def question_word(words: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """The question word that decides which facts answer ("who", "when", "how long"...), and
    the words without the one a phrased question word used up ("what year" → "when")."""
    for at, pair in enumerate(itertools.pairwise(words)):
        phrased = PHRASED_QUESTIONS.get(pair)
        if phrased:
            return phrased, words[: at + 1] + words[at + 2 :]
    for word in words:
        if word in QUESTION_WORDS:
            return ("who" if word in {"whom", "whose"} else word), words
    if words[:1] in {("did",), ("does",), ("do",)}:
        return "what happens", words
    return None, words


def read(text: str) -> Question:
    said = tokens(text)
    asks, words = question_word(said)
    framed = list(framing(text, said))
    if framed and len(words) < len(said):  # the word a phrased question word used up
        framed.pop(next((i for i, w in enumerate(words) if w != said[i]), len(words)))
    size, kept = sized(words)
    if framed and len(kept) < len(words):  # "sentences" of "in 5 sentences" is gone too
        framed = [f for w, f in zip(words, framed, strict=True) if w not in MEASURES_OF_TEXT]
    return Question(text, kept, asks, size, tuple(framed))


def sized(words: tuple[str, ...]) -> tuple[int | None, tuple[str, ...]]:
    """The size a request asks for ("in 5 sentences", "the 6 or 7 biggest names", "a couple
    of films"), and its words without the measure ("sentences"), which names nothing."""
    for at, word in enumerate(words):
        after = words[at + 1 : at + 1 + NEAR_AMOUNT]
        counts = any(w in COUNTED or w in MEASURES_OF_TEXT for w in after)
        number = NUMBERS.get(word) or (int(word) if word.isdigit() and len(word) < 3 else 0)
        if word in FEW and words[at - 1 : at] == ("a",):
            number, counts = FEW[word], True
        if number and counts:
            return number, tuple(w for w in words if w not in MEASURES_OF_TEXT)
    return None, words


def framing(text: str, said: tuple[str, ...]) -> tuple[bool, ...]:
    """Which of the words `said` stand in clauses without a question word, when another clause
    of the same question has one ("I'm trying to place a face: who played X, Y's teacher?")."""
    clauses = [tokens(piece) for piece in _CLAUSE.split(text) if piece]
    if sum(map(len, clauses)) != len(said):
        return ()
    asking = [any(w in QUESTION_WORDS for w in clause) for clause in clauses]
    if all(asking) or not any(asking):
        return ()
    return tuple(not asks for clause, asks in zip(clauses, asking, strict=True) for _ in clause)


def content(word: str) -> bool:
    """A word that says what a question is about (not grammar, not a frame, not a pronoun)."""
    if word.isdigit():
        return len(word) == 4
    return not any(word in words for words in (STOP_WORDS, FILLERS, QUESTION_WORDS, PRONOUNS, YOU))
