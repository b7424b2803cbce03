"""Whether words the lore has never heard of name a thing, and how to say it back.

A question about "the spaceship scene" or "the dragon" asks about something the story does not
hold, and he corrects it by name. An ordinary word the lore happens not to use ("why did you
hate him", "that's harsh", "which do you prefer") names nothing: it is no false premise, and
splicing it into a correction ("hate? Nothing of the kind...") reads as nonsense. Without a
dictionary the difference is read from plain English grammar around the word: a noun follows a
determiner or a preposition, or is the subject after "why did"; a verb follows its subject or a
modal, an adjective follows "so", "more" or "is". Only grammar words live here.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.lore.mentions import Mention
from bot.persona.reading import PRONOUNS, QUESTION_WORDS, content

DETERMINERS = frozenset(
    "the a an this that these those his her their my your our its any some no every another"
    " each".split()
)
BEFORE_A_THING = DETERMINERS | frozenset(
    """of about in at on from with without within for by into onto like than during inside
    outside beyond behind between among across through towards toward around against despite
    except until since to""".split()
)
"""Words after which a noun comes: determiners and prepositions."""
BEFORE_A_VERB = frozenset(
    """i you we they he she it not to can could would should will shall must might may let us
    please never always ever really actually just even still also so too very more most less
    least quite rather how""".split()
)
"""Words after which a verb, an adjective or an adverb comes: subjects, modals, degree words."""
OBJECTS = frozenset({"me", "him", "her", "them", "us", "you", "it"})
IDEAS = ("tion", "sion", "ness", "ment", "ity", "ance", "ence", "ism", "hood", "dom")
"""Endings of words for ideas ("a distraction", "happiness"): an idea is no false premise."""
QUALITIES = ("est", "ful", "ous", "less", "able", "ible", "ive", "ical", "ish")
"""Endings of words that describe ("the hardest part", "a famous scene"), not name."""
HEDGES = frozenset({"kind", "sort", "of", "bit", "like", "basically"})
"""Words softening what is said of someone ("was it kind of a stopgap")."""
AS = frozenset({"as"})
"""A noun after "as a" says what someone is or appears as ("shows up as a kid"), names no thing
the story would have to hold."""
LINKS = frozenset("is are was were be been being am do does did has have had".split())
ARTICLES = frozenset({"a", "an", "the"})
AUXILIARIES = frozenset(
    "do does did not can could will would shall should may might must is are was were".split()
)
"""Words that put the verb after the subject that follows them ("did Lermontov react")."""
SUBJECTS = frozenset("i we they he she you".split())
"""Words that open a new clause as its subject."""
SAID_OF_WITH = frozenset({"with", "about"})
"""After "what is X", these make X a quality of what follows ("what is special about it")."""
PLACES_IN = frozenset("in at on from by near towards toward".split())
"""Prepositions of a place within something ("in the middle of", "at the end of")."""
"""A noun after these is the subject of a question ("why did X...", "who is X") when they open
it; otherwise what follows them describes ("that is harsh")."""


def things(tokens: Sequence[str], unknown: Sequence[str], mentions: Sequence[Mention]) -> list[int]:
    """Where the words the lore does not know name a thing rather than being ordinary
    English (a verb, an adjective, an adverb)."""
    named = {i for m in mentions for i in range(m.start, m.end)}
    strange = set(unknown)
    return [
        at
        for at, token in enumerate(tokens)
        if token in strange
        and at not in named
        and _names(tokens, at, named)
        and not _trailing(tokens, at, strange)
    ]


def thing(
    tokens: Sequence[str], unknown: Sequence[str], mentions: Sequence[Mention]
) -> tuple[str, tuple[str, ...]]:
    """The member's words naming the first thing the lore does not hold ("" if none), and the
    words from that thing to the end of its phrase ("spaceship scene"): what it is."""
    found = things(tokens, unknown, mentions)
    if not found:
        return "", ()
    named = {i for m in mentions for i in range(m.start, m.end)}
    start, end = _phrase(tokens, found[0], named)
    return " ".join(tokens[start:end]), tuple(tokens[found[0] : end])


def _names(tokens: Sequence[str], at: int, named: set[int]) -> bool:
    word = tokens[at]
    if at + 1 < len(tokens) and tokens[at + 1] in OBJECTS:
        return False  # "what scares you", "why did they hate him": a verb and its object
    if len(word) < 2 or word in BEFORE_A_THING:
        return False  # a letter of an abbreviation ("p&p") names nothing by itself
    if len(word) > 5 and word.endswith(("ly", *IDEAS, *QUALITIES)):
        return False
    start = at
    while start > 0 and start - 1 not in named and _plain(tokens[start - 1]):
        start -= 1  # "the car chase": read from the word before the phrase
    if start == 0:
        return False  # an imperative ("remind me") or a bare word
    if start - 1 in named:
        # "Vicky's sister", "the film's sequel"; but after "did Lermontov" or "does Clodagh" the
        # word is the verb of the name ("how did Lermontov react?"), and after "being" or "is"
        # mid-sentence it is said of someone ("end up being Peter's lawyer")
        return not (_verb_of_a_name(tokens, start, named) or _predicate(tokens, start, named))
    if at == start and at + 1 in named and tokens[start - 1] in DETERMINERS:
        return False  # "the big Red Shoes ballet": a word describing a name
    if _part_of_a_known_thing(tokens, at, named) or _said_of(tokens, start, named):
        return False
    if start > 1 and tokens[start - 1] in ARTICLES and tokens[start - 2] in AS:
        return False  # "who shows up as a kid": what someone appears as, said of them
    before = tokens[start - 1]
    if before in BEFORE_A_THING and before not in DETERMINERS and at == start:
        return False  # one bare word after a preposition is a turn of phrase: "from scratch"
    if before in BEFORE_A_THING:
        return before != "to" or at > start
    if before in LINKS:
        if at + 1 < len(tokens) and tokens[at + 1] in SAID_OF_WITH:
            return False  # "what was wrong with the negatives": said of what follows
        return start - 1 == 0 or tokens[start - 2] in QUESTION_WORDS
    # "who directed titanic?": the object of a verb after a question word
    return before in QUESTION_WORDS and start < at


def _verb_of_a_name(tokens: Sequence[str], start: int, named: set[int]) -> bool:
    """ "how did Lermontov react", "why didn't Moira Shearer act more": an auxiliary or "not"
    before the name makes the next word its verb, and so does the name opening a statement
    ("Black Narcissus looks unreal")."""
    at = _name_start(start - 1, named)
    return at == 0 or tokens[at - 1] in AUXILIARIES


def _predicate(tokens: Sequence[str], start: int, named: set[int]) -> bool:
    """ "how does the doctor end up being Peter's lawyer": a name's thing after a linking verb
    that no question word opens is what the subject is, not a thing asked about."""
    at = _name_start(start - 1, named)
    return at > 1 and tokens[at - 1] in LINKS and tokens[at - 2] not in QUESTION_WORDS


def _trailing(tokens: Sequence[str], at: int, strange: set[str]) -> bool:
    """ "leave the company halfway through?", "any other films together i should watch": a
    word the lore lacks right after a word it knows, closing the clause (at its end, before a
    bare preposition ending it, or before a new subject), says how, not what."""
    if at == 0 or tokens[at - 1] in strange or not content(tokens[at - 1]):
        return False
    rest = tokens[at + 1 :]
    if not rest:
        return False  # "the train crash": a noun closing the question names a thing
    return rest[0] in SUBJECTS or (len(rest) == 1 and rest[0] in BEFORE_A_THING)


def _name_start(at: int, named: set[int]) -> int:
    """The first word of the name whose word `at` is (`at` itself if it names nothing)."""
    while at > 0 and at - 1 in named:
        at -= 1
    return at


def _part_of_a_known_thing(tokens: Sequence[str], at: int, named: set[int]) -> bool:
    """ "in the middle of the film", "what is the context of that line": a place in something
    named or pointed at, or an aspect of it asked for, is about that thing and invents none
    ("tell me about the ghost of the opera" still names a ghost)."""
    after = at + 1
    if after + 1 >= len(tokens) or tokens[after] != "of":
        return False
    if not (after + 1 in named or tokens[after + 1] in DETERMINERS):
        return False
    if at < 2 or tokens[at - 1] not in ARTICLES:
        return False
    if tokens[at - 2] in PLACES_IN:
        return True
    return at >= 3 and tokens[at - 2] in LINKS and tokens[at - 3] in QUESTION_WORDS


def _said_of(tokens: Sequence[str], start: int, named: set[int]) -> bool:
    """ "was Palmer just a thief?", "is she an actual dancer": a noun said of someone named is
    a judgement asked for, not a thing the story would have to hold."""
    at = start - 1
    skipped = ARTICLES | HEDGES | BEFORE_A_VERB - PRONOUNS
    while at >= 0 and at not in named and tokens[at] in skipped:
        at -= 1
    if at < 0 or not (at in named or tokens[at] in PRONOUNS):
        return False
    at = _name_start(at, named)
    if at > 1 and tokens[at - 1] == "not":  # "wasn't it kind of a stopgap"
        at -= 1
    return at > 0 and tokens[at - 1] in LINKS


def _phrase(tokens: Sequence[str], at: int, named: set[int]) -> tuple[int, int]:
    """The run of words around the thing, names of lore entries left out."""
    start, end = at, at + 1
    while start > 0 and start - 1 not in named and _word(tokens[start - 1]):
        start -= 1
    while end < len(tokens) and end not in named and _word(tokens[end]):
        if _verb(tokens, end, named):
            break
        end += 1
    return start, end


def _verb(tokens: Sequence[str], at: int, named: set[int]) -> bool:
    """ "hitchcock direct the film": a word taking an object ends the thing before it."""
    return at + 1 < len(tokens) and (tokens[at + 1] in DETERMINERS or at + 1 in named)


def _plain(token: str) -> bool:
    """A word inside a phrase, not one that tells what follows it."""
    return _word(token) and token not in BEFORE_A_VERB


def _word(token: str) -> bool:
    return content(token) and token not in LINKS
