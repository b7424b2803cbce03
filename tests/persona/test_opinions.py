"""Questions put to him about himself reach his opinions, whatever the verb; facts only when a
fact is asked; everyday English never passes for a word the lore lacks.

The pack is about another film (with the shipped lexicon and persona lines), so nothing here
leans on The Red Shoes' own data.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER
from bot.persona.asking import understand
from bot.persona.chat import Answerer, Reply
from bot.persona.reading import content, read, tokens
from bot.persona.shape import addressed, echoing, judging, past
from tests.conftest import ImportPack

SOURCE = [{"title": "test"}]


def entry(**fields: Any) -> Any:
    return ENTRY_ADAPTER.validate_python({"summary": "A test entry.", "sources": SOURCE, **fields})


def opinion(
    id: str, topics: list[str], line: str, about: tuple[str, ...] = (), purpose: str = "opinion"
) -> Any:
    return entry(
        id=id,
        kind="persona",
        purpose=purpose,
        name=f"Pavel: {id}",
        about=list(about),
        topics=topics,
        lines=[line],
    )


@pytest.fixture
def pack(imported_pack: ImportPack) -> Lorebook:
    entries = [
        entry(id="dee", kind="person", name="Dee Marsh", roles=["actor"]),
        entry(
            id="pavel",
            kind="character",
            name="Pavel Orlov",
            aliases=["Pavel"],
            played_by="dee",
            summary="The maestro of the Orlov Opera, lonely at the top of his stage.",
        ),
        entry(id="odile", kind="character", name="Odile Fenn", aliases=["Odile"]),
        entry(
            id="glass",
            kind="work",
            form="film",
            year=1950,
            name="Heart of Glass",
            summary="Heart of Glass is the film about Pavel. Heart of Glass ran a year.",
        ),
        *(
            entry(id=f"s{n}", kind="scene", order=n, name=f"Act {n}", summary=text)
            for n, text in enumerate(
                [
                    "Odile sings at the audition and the company cheers.",
                    "The death of the old tenor empties the stage for a season.",
                    "A rival stage mourns a death in its chorus.",
                    "Odile's death at the station ends the story.",
                ],
                start=1,
            )
        ),
        opinion("op-solitude", ["solitude", "lonely"], "I dine alone. The score keeps me company."),
        opinion("op-regret", ["regret", "regrets"], "If I regret anything, it is the tempo."),
        opinion("op-heart", ["heart"], "A heart is a muscle; mine keeps time."),
        opinion("op-death", ["death"], "Her death silenced the house.", ("odile",)),
        opinion("op-odile", ["voice"], "Her voice was mine to shape.", ("odile",)),
    ]
    return imported_pack("pavel", entries)


@pytest.fixture
def kinds(pack: Lorebook) -> Lorebook:
    """The pack with views of a kind: advice in general and on the heart, and his general
    answer to a charge."""
    heart = "Sing with your heart; guard it."
    return Lorebook(
        [
            *pack.entries,
            opinion("op-advise-heart", ["heart"], heart, purpose="advice"),
            opinion("op-advise", [], "Practise your scales.", purpose="advice"),
            opinion("op-accused", [], "Let them talk.", purpose="charge"),
        ]
    )


def ask(book: Lorebook, text: str) -> Reply:
    return Answerer(rng=random.Random(1)).answer(book, text)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("are you lonely?", "op-solitude"),  # no "think" or "feel": still his mind
        ("do you regret anything?", "op-regret"),  # a mood word is its subject
        ("do you have a heart?", "op-heart"),  # "heart" is not *Heart of Glass*
        ("how did you feel about her death?", "op-death"),  # "death" is in many facts
        # the kind of view asked for picks a view of that kind, then its subject
        ("any advice about the heart?", "op-advise-heart"),
        ("any advice?", "op-advise"),  # the kind and nothing else: the most general
        ("any tips on lying?", "op-advise"),  # a subject none of its kind covers: the kind
        ("people say you have no heart", "op-accused"),  # not his view of hearts as such
        ("what do you think of the heart?", "op-heart"),  # no kind asked: no line of a kind
    ],
)
def test_a_question_about_himself_reaches_his_opinion(
    kinds: Lorebook, question: str, expected: str
) -> None:
    reply = ask(kinds, question)
    assert reply.sources == [expected]
    assert reply.confidence >= 0.5


def test_a_fact_asked_of_him_is_still_a_fact(pack: Lorebook) -> None:
    assert "Dee Marsh played Pavel Orlov." in ask(pack, "who played you?").answer


def test_a_fact_the_lore_lacks_is_declined_not_met_with_an_opinion(pack: Lorebook) -> None:
    reply = ask(pack, "when were you born?")
    assert reply.sources == []
    assert reply.confidence < 0.5


def test_a_title_word_said_plainly_is_not_the_title(pack: Lorebook) -> None:
    assert pack.facts.mentions(["heart"]) == []
    assert [m.ids for m in pack.facts.mentions(["glass"])] == [frozenset({"glass"})]


@pytest.mark.parametrize("said", ["can't", "don't", "isn't", "wouldn't", "you'd", "that's"])
def test_contractions_are_grammar_not_content(said: str) -> None:
    assert not any(content(word) for word in tokens(said))


def test_a_contraction_is_never_offered_as_a_correction(pack: Lorebook) -> None:
    reply = ask(pack, "don't you miss Odile?")
    assert "dont" not in reply.answer
    assert reply.sources in (["op-odile"], ["op-death"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("why did you hate odile so much?", ["op-odile", "op-death"]),  # a verb, not a premise
        ("do you regret odile's death, that's harsh", ["op-death"]),
        ("which do you prefer, solitude or company?", ["op-solitude"]),
    ],
)
def test_ordinary_words_the_lore_lacks_do_not_silence_him(
    pack: Lorebook, question: str, expected: list[str]
) -> None:
    reply = ask(pack, question)
    assert reply.sources[:1] in [[e] for e in expected]
    assert "?" not in reply.answer.split(".")[0]  # no "hate? Nothing of the kind" splice


def test_his_line_is_the_one_that_speaks_of_what_was_asked(pack: Lorebook) -> None:
    lines = ("Her voice was mine to shape.", "Envy? I never envied her. I shaped her.")
    voice = opinion("op-odile-both", ["odile"], lines[0], ("odile",))
    voice = voice.model_copy(update={"lines": lines})
    book = Lorebook([*pack.entries, voice])
    for seed in range(5):
        said = Answerer(rng=random.Random(seed)).answer(book, "did you envy odile?").answer
        assert said.startswith("Envy?")


def test_a_thing_the_story_lacks_is_corrected_not_met_with_an_opinion(pack: Lorebook) -> None:
    reply = ask(pack, "why did you sell odile's spaceship?")
    assert reply.sources == []
    assert "spaceship" in reply.answer.lower()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("any advice? i just joined the company", ["op-advise"]),  # the member's news: no fact
        ("pavel, be honest. any advice?", ["op-advise"]),  # only his name: nothing asked
        ("how did it feel when odile died?", ["op-death"]),  # put to him without "you"
        ("be honest, was odile's voice a gift?", ["op-odile"]),  # no fact answers it
        ("odile has a lovely voice", ["op-odile"]),  # a remark on someone: his view of them
    ],
)
def test_his_view_answers_what_is_put_to_him_however_it_is_phrased(
    kinds: Lorebook, question: str, expected: list[str]
) -> None:
    assert ask(kinds, question).sources == expected


def test_small_talk_keeps_its_chatter_and_no_fact_answers_it(pack: Lorebook) -> None:
    reply = ask(pack, "good night everyone, off to bed now")
    assert reply.sources == []
    assert any(line in reply.answer for line in pack.persona("sign_off"))


# Causes blind set E found in his voice: a person's opinion answering a theme, one line for two
# things weighed, a verdict beside a question met with a fact, his name in the third person read
# as a question put to him, a standing reason ("why do you...?") taken for an event.
@pytest.fixture
def voiced(pack: Lorebook) -> Lorebook:
    return Lorebook(
        [
            *pack.entries,
            # a person's opinion whose topic is a theme, listed before the theme's own
            opinion("op-odile-voice", ["singing"], "Odile sang as I told her.", ("odile",)),
            opinion("op-singing", ["singing"], "Singing is breathing, disciplined."),
            entry(
                id="op-cities",
                kind="persona",
                purpose="opinion",
                name="Pavel on cities",
                topics=["rome", "vienna"],
                lines=["Rome applauds late.", "Vienna listens first.", "Cities bore me."],
            ),
            opinion("op-tenor", ["tenor", "season"], "The tenor left; the season stayed.", ("s2",)),
            opinion("op-harsh", ["harsh", "cruel"], "Harsh is what the lazy call exact."),
            # a fact sharing a verdict's words ("seems harsh")
            entry(id="s9", kind="scene", order=9, name="Act 9", summary="Winter seems harsh."),
        ]
    )


def test_a_theme_with_nobody_named_finds_the_theme_not_a_person(voiced: Lorebook) -> None:
    reply = ask(voiced, "what do you think of singing?")
    assert reply.sources == ["op-singing"]
    assert "Odile" not in reply.answer


def test_things_weighed_against_each_other_each_get_his_word(voiced: Lorebook) -> None:
    reply = ask(voiced, "what do you think of rome or vienna?")
    assert "Rome applauds late." in reply.answer
    assert "Vienna listens first." in reply.answer
    assert "Cities bore me." not in reply.answer


def test_a_verdict_beside_a_question_gets_his_view_of_it(voiced: Lorebook) -> None:
    reply = ask(voiced, "why did you mourn the tenor's season? seems harsh")
    assert "Harsh is what the lazy call exact." in reply.answer


@pytest.mark.parametrize(
    ("text", "called"),
    [
        ("pavel, why so serious?", True),
        ("why so serious pavel", True),
        ("how does pavel react?", False),
        ("what does pavel think of singing?", True),  # asks his view, in the third person
    ],
)
def test_his_name_puts_a_question_to_him_only_where_one_calls_someone(
    voiced: Lorebook, text: str, called: bool
) -> None:
    query = understand(read(text), voiced.facts, None)
    assert addressed(query, voiced.facts.language.you) is called


@pytest.mark.parametrize(
    ("text", "event", "verdict"),
    [
        ("why did you let her go?", True, False),
        ("why would you not let her sing?", True, False),
        ("why do you sing?", False, False),
        ("seems harsh", False, True),
        ("sounds cruel", False, True),
        ("anyone home", False, False),
    ],
)
def test_shapes_of_a_reason_and_a_verdict(
    voiced: Lorebook, text: str, event: bool, verdict: bool
) -> None:
    query = understand(read(text), voiced.facts, None)
    assert past(query) is event
    assert judging(query) is verdict


@pytest.mark.parametrize(
    ("text", "echoes"),
    [
        ("is he right?", True),
        ("is that true?", True),
        ("was she good?", False),
        ("is pavel right?", False),
    ],
)
def test_a_bare_is_it_true_asks_nothing_of_its_own(
    voiced: Lorebook, text: str, echoes: bool
) -> None:
    assert echoing(understand(read(text), voiced.facts, None)) is echoes
