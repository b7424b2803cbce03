"""When his view answers a question rather than a fact of the lore, and when a fact follows it.

`bot.persona.chat` routes each question; these are its tests of the question's shape against
what his opinion and the best fact offer: put to him with no fact asked ("are you lonely?"), a
view he may give unasked ("can a dancer marry and still be great?"), his reason for a past event
followed by the event ("why did you fire him?"), or himself as the subject ("who are you?").
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.lore.mentions import PEOPLE
from bot.persona.asking import ASKS_BY_FACT, Query
from bot.persona.choose import Choice
from bot.persona.opinions import Opinion
from bot.persona.shape import VIEW, judgement, past, yes_no

MUSING = 0.6
"""How well an opinion must fit a question not put to him to be said instead of a fact."""
MUSING_MARGIN = 0.15
"""How much better than a fact his view must fit an open question ("what's the hardest part
of running a company?") not put to him; a yes-or-no question of judgement needs no margin."""
OPEN = frozenset({"what", "which"})
FACTUAL = ASKS_BY_FACT - {"what happens"}
"""Question words asking him for a fact of his story ("why did you...?"), not for his mind."""


def of_him(query: Query) -> bool:
    """Put to him with no fact asked for ("are you lonely?", "do you regret anything?"): his
    opinion answers, whatever the verb; "who played you?" or "why did you...?" asks a fact."""
    factual = query.question.asks in FACTUAL
    if "@list" in query.signals:  # "can you summarise the story?": a request, not about him
        return False
    if query.signals & VIEW:  # "how do you feel about her death?": not a date of death
        return not (query.fields and factual)
    return not (query.fields or factual)  # "would you ever marry?" is his view; "who was...?"


def muses(query: Query) -> bool:
    """Not put to him by name, but his view may answer it: it asks no fact field, and names
    nothing of the lore unless it asks for a view with no question word ("any regrets about
    firing him?")."""
    if query.fields:
        return False
    if yes_no(query):  # "was Palmer just a thief?": a judgement of someone, or a fact
        return True
    return not query.mentions or bool(query.signals & VIEW and query.question.asks is None)


def beats(mind: Opinion, choice: Choice | None, query: Query) -> bool:
    """His view answers a question not put to him when no fact does (rather than a decline),
    when the question asks for a view ("any advice?"), or when it is a question of judgement
    ("can a dancer marry and still be great?", "what matters more, love or art?") that his view
    fits better than a fact sharing its words. Questions of fact ("who...", "how does it
    end?", "what happens...") keep their facts."""
    asked = bool(query.signals & VIEW)
    if not asked and len(query.described) < 2:
        return False  # "what is the meaning of life?": one shared word is a coincidence
    if query.mentions and not asked:
        # "was Palmer just a thief?" rather than a decline; not "is The Red Shoes on <a site>?"
        return mind.topical and (choice is None or not choice.answers)
    if choice is None or not choice.answers:
        return True
    if mind.score < MUSING:
        return False
    if asked:
        return True
    # a fact covering the whole question keeps it, even when another entry ties with it
    fact = max(choice.confidence, choice.covered or 0.0)
    if yes_no(query):  # "is the ending sad?" may be a fact's; "can a dancer...?" is not
        return judgement(query) or mind.score > fact
    return query.question.asks in OPEN and mind.score > fact + MUSING_MARGIN


def backs(choice: Choice, mind: Opinion, query: Query, kinds: Mapping[str, str]) -> bool:
    """A fact backs an opinion when it answers a question about a past event ("why did you...?",
    not "why do you...?") with an event the opinion is about (a person's overview after his
    view of them is a synopsis, not a reason)."""
    about = {i for entry in mind.entries for i in entry.about}
    told = choice.facts[0].entry if choice.facts and not choice.steps else None
    event = choice.answers and past(query)
    return event and told in about and kinds.get(told or "") not in PEOPLE


def why_you(query: Query) -> bool:
    """ "why did you fire him?": put to him, asking for his reason or the event, no field."""
    if query.question.asks == "why":  # "why were you cold when she got engaged?"
        return not query.fields
    return query.question.asks in FACTUAL and not (query.fields or query.relations)


def only_about(query: Query, you: str | None) -> bool:
    """ "Who are you?", "tell me about yourself", "describe yourself in three words": himself,
    and nothing asked in particular, or nothing but him named with "yourself"."""
    reflexive = "yourself" in query.question.tokens and query.question.asks not in FACTUAL
    return query.named == {you} and (query.asks_only_who or reflexive)
