"""A follow-up that leaves its subject unsaid leans on the last answer.

"When was it published?" (with "it" unsaid) or "who got the one for the music?" after the
awards mean what the last answer was about. So does a question naming only him in the third
person after a scene ("and how does Lermontov react?", "why was Lermontov annoyed at first?"):
he is in every scene of his story, so his name alone does not say which one, and the scene just
told is meant. Such a question is answered from that scene only, its unknown words eased ("react",
"annoyed" name no thing), and when the scene does not answer it the question stands as asked.
"""

from __future__ import annotations

from bot.lore.lorebook import Lorebook
from bot.persona.asking import Query, understand
from bot.persona.choose import Choice, choose
from bot.persona.memory import Turn
from bot.persona.reading import Question


def lean(
    book: Lorebook,
    question: Question,
    query: Query,
    choice: Choice | None,
    recalled: Turn | None,
) -> tuple[Query, Choice | None]:
    """The question and its answer, leaning on the recalled turn when that answers it."""
    if recalled is None or query.you:
        return query, choice
    him = query.named == {book.facts.language.you} and not (choice and choice.answers)
    if query.mentions and not him:
        return query, choice
    leaning = understand(question, book.facts, recalled, lean=True)
    for tried in (leaning, leaning.eased()) if him else (leaning,):
        leaned = choose(book, tried)
        if leaned is not None and leaned.answers and (not him or _told(leaned, recalled)):
            return tried, leaned
    return query, choice


def _told(choice: Choice, recalled: Turn) -> bool:
    """The answer comes from what the last answer was about first (the scene just told)."""
    return bool(choice.facts) and choice.facts[0].entry in recalled.focus[:1]
