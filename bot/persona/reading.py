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

from bot.lore.text import fold

SHORTHAND: dict[str, tuple[str, ...]] = {
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
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "wont": ("will", "not"),
    "wouldnt": ("would", "not"),
    "couldnt": ("could", "not"),
    "shouldnt": ("should", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "hasnt": ("has", "not"),
    "havent": ("have", "not"),
    "hadnt": ("had", "not"),
    "mustnt": ("must", "not"),
    "youd": ("you", "would"),
    "youll": ("you", "will"),
    "youve": ("you", "have"),
    "hes": ("he", "is"),
    "shes": ("she", "is"),
    "thats": ("that", "is"),
    "theres": ("there", "is"),
    "theyre": ("they", "are"),
    "theyve": ("they", "have"),
    "weve": ("we", "have"),
    "lets": ("let", "us"),
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
    "plz": (),
    "tbh": (),
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
}
STOP_WORDS = frozenset(
    """a an the and or but of to in on at by for with from into onto about as is are was were be
    been being am do does did done doing have has had having it its this that these those there
    here i me my mine we our us they them their he him his she her hers any some all so than then
    very can could would should will shall may might must not no yes if whether also just only
    even ever still again too one ones s t d ll re ve m get got gets goes go going went come
    came many much getting gotten own else""".split()
)
FILLERS = frozenset(
    """happen happens happened happening tell know explain describe deal thing things stuff bit
    bits significance exactly really actually please wait well oh ok okay hmm hey like anyway
    kind sort mean means meant meaning basically literally honestly seriously something someone
    somebody anything anyone again long mr mrs miss sir mister madam dear monsieur give gimme
    show share guy guys bloke fella chap related relation relationship relationships
    connected connection linked need needs needed version versions part parts section
    piece side sides point view perspective regard regarding terms opinion honest honestly
    truly simply maybe perhaps sure certainly course indeed quite rather say said saying
    speak speaking talk talking""".split()
)
"""Words that frame a question without saying what it is about."""
PEOPLE_PRONOUNS = frozenset("he him his himself she her hers herself they them their".split())
PRONOUNS = PEOPLE_PRONOUNS | {"it", "its", "itself"}
YOU = frozenset({"you", "your", "yours", "yourself"})
FOLLOW_ON = (("and",), ("what", "about"), ("how", "about"), ("and", "what", "about"))
_SPLIT = re.compile(r"(?<=[?!;])\s+|\n+|(?<=\.)\s+(?=[A-Za-z])")
_AND_ASK = re.compile(
    r",?\s+(?:and|also|plus)\s+(?=(?:who|what|when|where|why|how|which)\b)"
    r"|,\s+(?=(?:is|was|are|were|did|does|do|has|had|can|could)\s+(?:he|she|it|they|there)\b)",
    re.I,
)
"""Where a second question starts inside a sentence: "..., and who played her?", "what is
X, is she real?"."""
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

    @property
    def follows_on(self) -> bool:
        """Starts like "and Julian?" or "what about her?": leans on the previous question."""
        return any(self.tokens[: len(lead)] == lead for lead in FOLLOW_ON)


def split(message: str) -> list[str]:
    """A message cut into its questions: at sentence ends, and at "and who/what/...".

    A part without a word of its own ("lol", "??") is kept with the part before it.
    """
    parts: list[str] = []
    for sentence in _SPLIT.split(message.strip()):
        for part in _AND_ASK.split(sentence):
            if parts and not _has_words(part):
                continue
            if _has_words(part) or not parts:
                parts.append(part.strip())
    return [p for p in parts if p] or [message.strip()]


def _has_words(part: str) -> bool:
    return any(w not in SHORTHAND or SHORTHAND[w] for w in fold(part).split())


def tokens(text: str) -> tuple[str, ...]:
    """Folded words with shorthand expanded and stretched letters shrunk ("sooo" → "so")."""
    out: list[str] = []
    text = _DECADE.sub(r"19\1s", _POSSESSIVE.sub("", text.replace("’", "'")))
    for word in fold(text.replace("'", "")).split():
        word = _STRETCH.sub(r"\1\1", word) if len(word) > 3 else word
        out.extend(SHORTHAND.get(word, (word,)))
    return tuple(out)


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
    asks, words = question_word(tokens(text))
    return Question(text, words, asks)


def content(word: str) -> bool:
    """A word that says what a question is about (not grammar, not a frame, not a pronoun)."""
    if word.isdigit():
        return len(word) == 4
    return not any(word in words for words in (STOP_WORDS, FILLERS, QUESTION_WORDS, PRONOUNS, YOU))
