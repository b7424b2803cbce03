"""Names as the chat reads them: a question's words find the entries they name."""

from __future__ import annotations

from bot.lore.model import ENTRY_ADAPTER, Entry
from bot.lore.names import Names


def trivia(entry_id: str, name: str, *aliases: str) -> Entry:
    return ENTRY_ADAPTER.validate_python(
        {
            "id": entry_id,
            "kind": "trivia",
            "topic": "film",
            "name": name,
            "aliases": list(aliases),
            "summary": f"{name}.",
            "sources": [{"title": "Test"}],
        }
    )


def test_a_name_with_a_possessive_is_found_as_a_question_reads_it() -> None:
    names = Names([trivia("the-fall", "The fall", "Anna's fall"), trivia("anna", "Anna")])
    # a question loses its "'s" before names are looked up; the fact's own text keeps it
    assert [e.id for e in names.named("anna fall")] == ["the-fall"]
    assert [e.id for e in names.named("anna s fall")] == ["the-fall"]
    assert [e.id for e in names.named("anna")] == ["anna"]


def test_a_name_with_contractions_is_found_as_a_question_reads_it() -> None:
    # a title such as *I Know Where I'm Going!*: questions spell "I'm" out before names are
    # looked up, so the name answers to both spellings
    names = Names([trivia("going", "I Know Where I'm Going!"), trivia("look", "Don't Look Now")])
    assert [e.id for e in names.named("i know where i am going")] == ["going"]
    assert [e.id for e in names.named("i know where i m going")] == ["going"]
    assert [e.id for e in names.named("do not look now")] == ["look"]
