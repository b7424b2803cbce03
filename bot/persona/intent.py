"""What a chat message asks, read from its words alone (the lore is consulted later).

People type fast: "who playd lermontof", "whos vicky", "why do u wanna dance". The message is
folded (no case, no accents, no punctuation), common chat shorthand is expanded, and words close to
a question keyword are corrected to it, so the rules below only ever see canonical keywords.
Names are left alone: they are matched against the lore by `bot.persona.resolve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.lore.text import fold

Intent = Literal[
    "greeting",
    "thanks",
    "sign_off",
    "rude",
    "played",
    "crew",
    "when",
    "born",
    "length",
    "awards",
    "died",
    "ending",
    "debate",
    "happens",
    "quote",
    "who_said",
    "about",
    "none",
]
Position = Literal["start", "end"]

WH = frozenset({"who", "whom", "whose", "what", "which", "when", "where", "why", "how"})
GREET_WORDS = frozenset(
    "hello hi hey hiya howdy greetings evening morning afternoon bonjour salut yo hallo hullo "
    "heya sup".split()
)
GREET_FILLER = frozenset(
    "good there mr mister sir monsieur boris lermontov how are you doing dear all everyone "
    "again today tonight is it going".split()
)
RUDE_WORDS = frozenset(
    "stupid idiot idiotic dumb terrible awful boring bore hate sucks suck shut useless rubbish "
    "trash lame cringe pathetic annoying worst garbage".split()
)
THANK_WORDS = frozenset("thanks thank thx ty merci cheers appreciate appreciated".split())
PLAY_VERBS = frozenset("played plays play playing portrayed portrays portray acted".split())
DANCE_VERBS = frozenset("danced dances dance dancing".split())
ACTOR_NOUNS = frozenset("actor actress actors actresses cast star starred starring stars".split())
SAY_WORDS = frozenset(
    "say said says saying sayings quote quotes quoted line lines reply replies replied "
    "words".split()
)
AWARD_WORDS = frozenset(
    "award awards oscar oscars academy nominated nomination nominations nominee won win wins "
    "prize prizes globe globes golden bafta".split()
)
BORN_WORDS = frozenset("born birth birthday".split())
DIED_WORDS = frozenset("died die dies dying death".split())
AGE_WORDS = frozenset("old age".split())
SIGN_OFF_WORDS = frozenset("bye goodbye farewell cya later goodnight night adieu ciao".split())
FATAL_WORDS = frozenset("jump jumped jumps fell fall falls kill killed kills suicide".split())
LENGTH_WORDS = frozenset("runtime running minutes length duration".split())
WHEN_WORDS = frozenset(
    "when year released release premiere premiered published publish date opened debut".split()
)
END_WORDS = frozenset("end ends ending ended finale final conclusion last".split())
DEBATE_WORDS = frozenset(
    "debate debated debatable argued argue ambiguous ambiguity controversial controversy "
    "interpret interpretation meaning mean".split()
)
SCENE_NOUNS = frozenset("bit bits sequence moment performance".split())
"""Words for a stretch of the story ("the cellophane bit", "the Swan Lake performance")."""
HAPPEN_WORDS = SCENE_NOUNS | frozenset(
    "happen happens happened happening scene scenes plot story synopsis summary summarise "
    "summarize overview premise gist".split()
)
TELL_WORDS = frozenset("tell tells told".split())
"""Of a character ("what does Lermontov tell the audience"): a request for a line, not a summary."""
START_WORDS = frozenset("start starts begin begins beginning opening first".split())
ABOUT_WORDS = frozenset(
    "tell describe explain info information know deal significance signify symbol symbolism "
    "symbolise symbolize symbolises symbolizes represent represents".split()
)
"""Words asking to be told about something ("what's the deal with the newspaper")."""
REPLY_WORDS = frozenset(
    "answer answers answered reply replies replied respond responds responded response "
    "comeback retort retorts".split()
)
"""Words asking for the line said in answer to another ("what does Vicky answer when...")."""
COMPARE_WORDS = frozenset("different difference differ differs differences compare unlike".split())
AUTHORED_WORDS = frozenset(
    "story tale fairy fairytale version book adaptation production musical ballet".split()
)
"""Words that, after a maker's name, mean the work they made ("Bourne's version")."""

ROLE_WORDS: dict[str, str] = {
    **dict.fromkeys("directed direct directs director directors directing".split(), "director"),
    **dict.fromkeys(
        "wrote write writes writer writers written screenplay script screenwriter author".split(),
        "writer",
    ),
    **dict.fromkeys("produced produce producer producers".split(), "producer"),
    **dict.fromkeys("composed compose composer music score scored soundtrack".split(), "composer"),
    **dict.fromkeys(
        "choreographed choreography choreographer choreograph".split(), "choreographer"
    ),
    **dict.fromkeys("conducted conductor conduct conducting orchestra".split(), "conductor"),
    **dict.fromkeys(
        "designed design designer designs sets set decor costume costumes wardrobe".split(),
        "designer",
    ),
    **dict.fromkeys("lighting lit".split(), "lighting"),
    **dict.fromkeys("lyrics lyricist".split(), "lyricist"),
    **dict.fromkeys(
        (
            "photographed photography cinematographer cinematography shot filmed camera dp "
            "cameraman camerawoman"
        ).split(),
        "cinematographer",
    ),
    **dict.fromkeys("edited editor editing cut".split(), "editor"),
}
ROLE_PHRASES: dict[tuple[str, ...], str] = {
    ("art", "director"): "art director",
    ("art", "direction"): "art director",
    ("director", "of", "photography"): "cinematographer",
    ("production", "designer"): "designer",
    ("production", "design"): "designer",
}
"""Roles named by several words, which outrank any one of their words ("art director")."""
ROLE_PRIORITY = (
    "art director",
    "lyricist",
    "lighting",
    "composer",
    "choreographer",
    "conductor",
    "cinematographer",
    "editor",
    "designer",
    "producer",
    "writer",
    "director",
)

STOP = frozenset(
    "the a an of in on at to for from by with about and or but is are was were be been being do "
    "does did done have has had this that these those it its he she him her his hers they them "
    "their i me my you your we us our can could would should will shall may might must please "
    "just so very much really also again then than as into up out over like yes no not ok okay "
    "s t d ll re ve any some there here come came comes give show many get got make made "
    "mr mrs miss sir dear anyone someone anything something one all kind "
    "best most other else whole production art original part parts role roles character "
    "characters after before next previous following then version versions need needs needed "
    "look looks thing stuff wait too wow whoa omg huh seriously actually "
    "who whom whose what which when where why how "
    "man men guy guys person people woman women lady bloke chap dude fella".split()
)
"""Words that never name a subject."""

NEXT_WORDS = frozenset("after next following then".split())
PREVIOUS_WORDS = frozenset("before previous".split())

GRAMMAR = WH | frozenset(
    "is was are were do did does a an of in on at to for from by with and or i you me my it "
    "he she him her his they them".split()
)
"""Words a name never starts with."""

VOCATIVES = (("mr", "lermontov"), ("boris", "lermontov"), ("lermontov",), ("boris",))
"""How people address the bot; dropped from the front of a question ("lermontov, who is...")."""

SELF_WORDS = frozenset({"you", "yourself"})
CASTING_WORDS = PLAY_VERBS | {"are", "were", "inspired", "based"}
"""Words after which a "you" is the character the bot plays ("who played you")."""
PRONOUNS = frozenset("he she him her his hers they them their it its this that".split())
FOLLOW_UP_OPENERS = (("and",), ("what", "about"), ("how", "about"), ("and", "what", "about"))

SHORTHAND = {
    "u": "you",
    "ur": "your",
    "wanna": "want to",
    "gonna": "going to",
    "whos": "who is",
    "whats": "what is",
    "hows": "how is",
    "wats": "what is",
    "wat": "what",
    "wher": "where",
    "whre": "where",
    "wich": "which",
    "wut": "what",
    "pls": "please",
    "plz": "please",
    "thanx": "thanks",
    "tks": "thanks",
    "musik": "music",
    "muzik": "music",
}

WORK_WORDS: dict[str, str] = {
    **dict.fromkeys("film movie picture flick".split(), "film"),
    "ballet": "ballet",
    **dict.fromkeys("tale fairy fairytale".split(), "fairy tale"),
    **dict.fromkeys("musical broadway".split(), "stage musical"),
    **dict.fromkeys("restoration restored".split(), "restoration"),
}
"""Plain words that mean one of the works ("the film", "the ballet"), by the work's `form`."""
KEYWORDS = sorted(
    WH
    | GREET_WORDS
    | THANK_WORDS
    | PLAY_VERBS
    | DANCE_VERBS
    | ACTOR_NOUNS
    | SAY_WORDS
    | AWARD_WORDS
    | BORN_WORDS
    | DIED_WORDS
    | LENGTH_WORDS
    | WHEN_WORDS
    | END_WORDS
    | DEBATE_WORDS
    | FATAL_WORDS
    | SIGN_OFF_WORDS
    | HAPPEN_WORDS
    | START_WORDS
    | set(ROLE_WORDS)
)
_KEYWORD_SET = frozenset(KEYWORDS)
REAL_WORDS = frozenset("meant intended party".split())
"""Words a letter away from a keyword ("mean", "part") that are not typos of it."""
QUESTION_WORDS = _KEYWORD_SET | STOP | ABOUT_WORDS
"""Words that carry the question rather than its subject."""

_STRETCHED = re.compile(r"([a-z])\1{2,}")
_KNOWN_WORDS = QUESTION_WORDS | GREET_WORDS | GREET_FILLER | THANK_WORDS | SIGN_OFF_WORDS
_MENTION = re.compile(r"<@[!&]?\d+>|^\s*@\S+")
_ADDRESS = re.compile(
    r"^\s*(?:mr\.?\s+|boris\s+)?lermontov\s*[,:!]|[,;]\s*(?:mr\.?\s+|boris\s+)?lermontov\W*$",
    re.IGNORECASE,
)
"""The bot addressed by name at the start or end ("Lermontov, who...", "..., Mr Lermontov?")."""
_DECADE = re.compile(r"^([1-9]0)s$")
"""A decade typed short ("the 30s"): the lore writes it in full ("the 1930s"), as this century's
are not the story's."""


@dataclass(frozen=True)
class Question:
    """A message read as a question: what it asks, about which words, leaning on what."""

    text: str
    words: tuple[str, ...]
    intent: Intent
    role: str | None = None
    position: Position | None = None
    pronoun: bool = False
    follow_up: bool = False

    @property
    def subject(self) -> tuple[str, ...]:
        """Words that may name what the question is about (keywords removed, order kept).
        A word for a work stays after a name ("Andersen's story"): it says which work."""
        kept = []
        for i, word in enumerate(self.words):
            owner = [w for w in self.words[:i] if w != "s"][-1:]
            made = word in AUTHORED_WORDS and bool(owner) and owner[0] not in QUESTION_WORDS
            if made or (word not in _KEYWORD_SET and word not in ABOUT_WORDS):
                kept.append(word)
        return tuple(kept)


def normalise(text: str) -> tuple[str, ...]:
    """Fold, expand shorthand ("u", "whos", "wanna") and correct near-misses of keywords.
    Letters stretched for feeling ("hiii", "sooo") are brought back to their word."""
    folded = fold(_ADDRESS.sub(" ", _MENTION.sub(" ", text)))
    words: list[str] = []
    for word in map(_unstretched, folded.split()):
        words.extend(SHORTHAND.get(word, _DECADE.sub(r"19\1s", word)).split())
    words = [
        "is" if word == "s" and i > 0 and words[i - 1] in WH else word
        for i, word in enumerate(words)
    ]
    words = _you_means_lermontov(_drop_vocative(words))
    return tuple(_correct(w) for w in words)


def _you_means_lermontov(words: list[str]) -> list[str]:
    """ "Who played you?", "are you based on Diaghilev?": the bot speaks as Lermontov, so a "you"
    that is played, portrayed or asked about is the character. "How are you" stays a greeting."""
    out = list(words)
    for i in range(1, len(words)):
        before = words[i - 1]
        if words[i] in SELF_WORDS and before in CASTING_WORDS and words[i - 2 : i - 1] != ["how"]:
            out[i] = "lermontov"
    return out


def _unstretched(word: str) -> str:
    """ "goood" is "good" and "hiii" is "hi": a doubled letter if that makes a known word."""
    if not _STRETCHED.search(word):
        return word
    doubled = _STRETCHED.sub(r"\1\1", word)
    return doubled if doubled in _KNOWN_WORDS else _STRETCHED.sub(r"\1", word)


SMALL_TALK_PHRASES = frozenset(
    {
        ("how", "is", "it", "going"),
        ("how", "are", "things"),
        ("what", "is", "up"),
        ("how", "do", "you", "do"),
        ("how", "have", "you", "been"),
    }
)


def _small_talk(words: tuple[str, ...]) -> bool:
    """ "Hey Boris, how's it going?": a greeting phrase, with or without a hello and a name."""
    rest = tuple(w for w in words if w not in GREET_WORDS and w not in {"boris", "lermontov", "mr"})
    return rest in SMALL_TALK_PHRASES


def _drop_vocative(words: list[str]) -> list[str]:
    start = 1 if words and words[0] in GREET_WORDS else 0
    for vocative in VOCATIVES:
        end = start + len(vocative)
        if tuple(words[start:end]) == vocative and len(words) > end and words[end] in WH:
            return words[:start] + words[end:]
    return words


def _correct(word: str) -> str:
    if word in _KEYWORD_SET | STOP | GREET_FILLER | REAL_WORDS or word in WORK_WORDS:
        return word
    if len(word) < 5:
        return word
    match = process.extractOne(word, KEYWORDS, scorer=fuzz.ratio, score_cutoff=85)
    return match[0] if match else word


def parse(text: str) -> Question:
    """Read one message; the rules run from the most specific question to the most general."""
    words = normalise(text)
    present = set(words)
    intent, role = _intent(words, present)
    position: Position | None = None
    if present & START_WORDS:
        position = "start"
    elif present & END_WORDS:
        position = "end"
    follow_up = any(words[: len(opener)] == opener for opener in FOLLOW_UP_OPENERS)
    return Question(
        text=text,
        words=words,
        intent=intent,
        role=role,
        position=position,
        pronoun=bool(present & PRONOUNS),
        follow_up=follow_up,
    )


def _intent(words: tuple[str, ...], present: set[str]) -> tuple[Intent, str | None]:
    asks = bool(present & WH)
    if not words:
        return "greeting", None
    if present & THANK_WORDS and not asks:
        return "thanks", None
    if present & RUDE_WORDS and not asks:
        return "rude", None
    if present & GREET_WORDS and present <= GREET_WORDS | GREET_FILLER:
        return "greeting", None
    if {"how", "are", "you"} <= present and present <= GREET_WORDS | GREET_FILLER:
        return "greeting", None
    if _small_talk(words):
        return "greeting", None
    if present & SIGN_OFF_WORDS and not asks:
        return "sign_off", None
    if present & {"who", "whose"} and present & {"said", "says", "say", "line"}:
        return "who_said", None
    if present & SAY_WORDS and (asks or present & {"quote", "quotes", "line", "lines"}):
        return "quote", None
    if present & TELL_WORDS and "what" in present and not present & {"me", "us"}:
        return "quote", None
    if present & AWARD_WORDS:
        return "awards", None
    if present & BORN_WORDS or (present & DIED_WORDS and "when" in present):
        return "born", None
    if "how" in present and present & AGE_WORDS:
        return "born", None
    if present & FATAL_WORDS or ("why" in present and present & DIED_WORDS):
        return "debate", None
    if present & DIED_WORDS:
        return "died", None
    if ("how" in present and "long" in present) or present & LENGTH_WORDS:
        return "length", None
    if _asks_who_played(present):
        return "played", None
    roles = _roles(words)
    if roles and "when" in present:
        return "when", None
    if roles and "where" in present:
        return "about", None
    if roles and (asks or len(words) <= 3):
        return "crew", min(roles, key=ROLE_PRIORITY.index)
    if present & WHEN_WORDS and not present & (HAPPEN_WORDS - SCENE_NOUNS):
        return "when", None
    if present & DEBATE_WORDS and present & END_WORDS:
        return "debate", None
    if present & END_WORDS and (asks or present & HAPPEN_WORDS):
        return "ending", None
    if present & COMPARE_WORDS:
        return "about", None
    if present & HAPPEN_WORDS or (present & START_WORDS and asks):
        return "happens", None
    if asks or present & ABOUT_WORDS:
        return "about", None
    return "none", None


def _roles(words: tuple[str, ...]) -> list[str]:
    """The crew roles a question names: a several-word role if any, else its role words."""
    phrases = [
        role
        for phrase, role in ROLE_PHRASES.items()
        for i in range(len(words))
        if words[i : i + len(phrase)] == phrase
    ]
    return phrases or [ROLE_WORDS[w] for w in words if w in ROLE_WORDS]


def _asks_who_played(present: set[str]) -> bool:
    if present & ACTOR_NOUNS:
        return True
    if present & (PLAY_VERBS | DANCE_VERBS) and present & {"who", "whom"}:
        return True
    return bool(present & PLAY_VERBS and present & {"what", "which"})
