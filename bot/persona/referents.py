"""Whom "he", "she" and "it" mean in a follow-up, from what the conversation has named.

The last answer is about several entries at once ("Hein Heckroth designed The Red Shoes"): in
"did he win anything for it?" the man is "he" and the work is "it". A gendered pronoun means
the people of that gender the last question or its answer named, else the
last one named earlier in the conversation (by either side); "it" what the answer was about.
A person's gender is read from the lore's own prose (the pronouns its sentences use of them and
of the part they play), so no table of names is needed and another film's lore works the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from bot.lore.factindex import ASKS, FactIndex
from bot.lore.language import words
from bot.lore.mentions import PEOPLE, PLAIN, Mention
from bot.lore.model import TalkSignal
from bot.persona.memory import Turn

TALK = frozenset(f"@{s}" for s in get_args(TalkSignal))
"""Concepts that are signals of talk ("@opinion"), not fields a question asks."""
ASKS_FIELD = "@"
HE = frozenset({"he", "him", "his", "himself"})
SHE = frozenset({"she", "her", "hers", "herself"})
THEY = frozenset({"they", "them", "their"})
IT = frozenset({"it", "its", "itself"})
SURE = 0.9
BESIDE = 0.5
"""How sure "it" beside a named person means the last answer's thing: a hint of the setting."""
FEW = 3
"""More people than this in one answer are a cast list, not whom "he" means."""
"""How sure a pronoun with nothing else named means the recalled entries."""


def referents(
    tokens: Sequence[str],
    recalled: Turn,
    index: FactIndex,
    named: Sequence[Mention],
    lean: bool,
    carry: bool = False,
) -> list[Mention]:
    """Mentions standing for the pronouns of a follow-up (or, with `lean`, for the subject it
    leaves unsaid), for what the question does not already name itself; with `carry` (a later
    question of the same message) "she" means the one before even beside another name."""
    said = set(tokens)
    you = index.language.you
    sure = [m for m in named if m.weight > PLAIN and you not in m.ids]
    person = any(index.kinds.get(i) in PEOPLE for m in sure for i in m.ids)
    thing = any(index.kinds.get(i) not in PEOPLE for m in sure for i in m.ids)
    found: list[Mention] = []
    if said & (HE | SHE | THEY) and (carry or not person):
        people = _people(recalled, index, tokens, said)
        found.append(Mention(0, 0, frozenset(people or recalled.focus), SURE))
    things = {i for i in recalled.focus if index.kinds.get(i) not in PEOPLE}
    if said & IT and not sure:
        # anything the answer was about; beside "he", his and the answer's things: "did he win
        # anything for it?" is answered by what he won, or by what the work won
        meant = things | found.pop().ids if found else set(recalled.focus)
        found.append(Mention(0, 0, frozenset(meant), SURE))
    elif said & IT and person and not thing:
        # "why was Julian angry during it?": the answer's thing, when it concerns him (a whole
        # work concerns everyone in it, so it says nothing)
        them = {i for m in sure for i in m.ids}
        tied = frozenset(
            i for i in things if index.kinds.get(i) != "work" and them & _concerns(index, i)
        )
        if tied:
            found.append(Mention(0, 0, tied, BESIDE))
    if lean and not sure and not found:
        found.append(Mention(0, 0, frozenset(recalled.focus), SURE))
    return found


def _people(recalled: Turn, index: FactIndex, tokens: Sequence[str], said: set[str]) -> list[str]:
    """The people a pronoun may mean, of its gender (or of none known): those the last
    question and its answer named (the answer's only when it names a few, not a scene's whole
    cast), else the latest named before."""
    wanted = "m" if said & HE else "f" if said & SHE else None
    told = [i for i in recalled.focus if index.kinds.get(i) in PEOPLE]
    near = [*recalled.named, *(told if len(told) <= FEW else ())]
    again = _asks_again(index, tokens, recalled)
    answered = [] if again else [i for i in near if i not in recalled.named]
    for group in (answered, near):  # "who played X?" then "was he...": the one answered
        fits = [i for i in group if wanted in {None, gender(index, i)}]
        if fits:
            return [i for i in fits if wanted is None or gender(index, i) == wanted] or fits
    return next(([i] for i in recalled.people if wanted in {None, gender(index, i)}), [])


def _asks_again(index: FactIndex, tokens: Sequence[str], recalled: Turn) -> bool:
    """Whether a pronoun keeps to the people the last question named: unless that question asked
    who, and this one asks of the one answered nothing a field of the story holds ("who played
    X?" then "was he a dancer too?"); "...and who played the man she falls for?", "whom does she
    marry?" or "what does she do in the story?" still ask of the story's people."""
    if not any(f"{ASKS}who" in need.keys for need in recalled.asked):
        return True
    concepts = index.language.concepts(tokens)[0]
    relations = index.language.relations
    return any(c in relations or (c.startswith(ASKS_FIELD) and c not in TALK) for c in concepts)


def _concerns(index: FactIndex, entry: str) -> set[str]:
    """The entries an entry's own sentences name."""
    return {i for fact in index.of_entry(entry) for i in index.named_in(words(fact.text))}


def gender(index: FactIndex, entry: str) -> str | None:
    """ "m" or "f" as the lore's sentences about this person, and about the part they play or
    the player of their part, refer to them; None when they never do."""
    linked = {entry}
    for fact in index.of_entry(entry):
        if fact.field == "played_by":
            linked.update(fact.about)
    linked.update(
        i
        for i in index.near.get(entry, ())
        if index.kinds.get(i) in PEOPLE
        and any(f.field == "played_by" and entry in f.about for f in index.of_entry(i))
    )
    he = she = 0
    for fact in (f for i in linked for f in index.of_entry(i)):
        said = words(fact.text)
        he += sum(w in HE for w in said)
        she += sum(w in SHE for w in said)
    if he == she:
        return None
    return "m" if he > she else "f"
