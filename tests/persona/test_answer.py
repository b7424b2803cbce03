"""The answerer: facts only from the lore, honest ignorance, follow-ups within a window."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from bot.__main__ import main
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER
from bot.persona.answer import Answerer, Reply, answer
from bot.persona.lines import FALLBACKS
from bot.persona.memory import ConversationMemory

SOURCE = [{"title": "test"}]


def entry(**fields: Any) -> Any:
    return ENTRY_ADAPTER.validate_python({"summary": "A test entry.", "sources": SOURCE, **fields})


@pytest.fixture
def book() -> Lorebook:
    """A small lore with one of everything the answerer reads."""
    return Lorebook(
        [
            entry(
                id="film",
                kind="work",
                form="film",
                name="Pointe Work",
                year=1950,
                running_time=99,
                credits=[{"role": "director", "person": "ada"}, {"role": "editor", "name": "Bo"}],
                awards=[
                    {"award": "Prizes", "category": "Best Thing", "year": 1951, "result": "won"}
                ],
            ),
            entry(id="ada", kind="person", name="Ada Quill", roles=["director"], born=1900),
            entry(id="cy", kind="person", name="Cy Marlowe", roles=["actor"]),
            entry(
                id="odile", kind="character", name="Odile Fenn", played_by="cy", aliases=["Odile"]
            ),
            entry(
                id="q-odile",
                kind="quote",
                name="Never rest",
                line="A dancer never rests.",
                speaker="odile",
                context="Odile at the barre.",
            ),
            entry(
                id="ask",
                kind="dialogue",
                name="The question",
                context="An audition.",
                lines=[
                    {"speaker": "odile", "line": "Why do you want to sing?"},
                    {"speaker": "ada", "line": "Why do you want to breathe?"},
                ],
            ),
            entry(id="s1", kind="scene", order=1, name="Arrival", summary="Odile arrives."),
            entry(
                id="s2",
                kind="scene",
                order=2,
                name="Departure",
                summary="Odile leaves by the night train.",
                tags=["ending"],
            ),
            entry(
                id="hi",
                kind="persona",
                purpose="greeting",
                name="Hello",
                lines=["Welcome, {name}."],
            ),
            entry(id="idk", kind="persona", purpose="unknown", name="?", lines=["Not known."]),
        ]
    )


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def ask(book: Lorebook, text: str) -> Reply:
    return answer(book, text)


def test_who_played_names_the_actor_and_both_sources(book: Lorebook) -> None:
    reply = ask(book, "who played odile?")
    assert "Cy Marlowe" in reply.answer
    assert reply.sources == ["odile", "cy"]
    assert 0.5 < reply.confidence <= 1.0
    assert "-# from *Odile Fenn*" in reply.answer


def test_crew_year_length_and_awards_come_from_the_work(book: Lorebook) -> None:
    assert "Ada Quill" in ask(book, "who directed the film?").answer
    assert "Bo" in ask(book, "who edited it").answer
    assert "1950" in ask(book, "when did it come out").answer
    assert "99 minutes" in ask(book, "how long is the movie").answer
    assert "Best Thing" in ask(book, "what awards did it win").answer


def test_a_remark_after_a_crew_question_does_not_change_it(book: Lorebook) -> None:
    reply = ask(book, "who directed the film?? the colours are insane")
    assert "Ada Quill" in reply.answer
    assert reply.confidence >= 0.8


def test_a_plot_question_that_names_nothing_is_about_the_film(book: Lorebook) -> None:
    for text in ("what's the story", "whats the plot", "summarise the movie"):
        reply = ask(book, text)
        assert reply.sources[:1] == ["film"], text
        assert reply.confidence >= 0.8


def test_rudeness_is_deflected_without_claiming_to_know(book: Lorebook) -> None:
    reply = ask(book, "you're useless")
    assert (reply.sources, reply.confidence) == ([], 0.1)
    assert reply.answer in {*book.persona("deflection"), FALLBACKS["deflection"]}


def test_who_won_an_award_the_work_does_not_hold_is_declined(book: Lorebook) -> None:
    declined = ask(book, "who won best actress at the oscars that year")
    assert (declined.sources, declined.confidence) == ([], 0.1)
    assert "Best Thing" in ask(book, "who won the award for best thing").answer


def test_dialogue_line_gets_the_next_line(book: Lorebook) -> None:
    reply = ask(book, "why do u want to sing")
    assert "Why do you want to breathe?" in reply.answer
    assert reply.sources == ["ask"]


def test_quote_by_speaker_and_ending(book: Lorebook) -> None:
    assert "never rests" in ask(book, "what did odile say").answer
    assert "night train" in ask(book, "how does it end?").answer


def test_unknown_is_honest_with_no_sources(book: Lorebook) -> None:
    for text in ("who directed titanic?", "what's the weather today", "who played batman"):
        reply = ask(book, text)
        assert reply.sources == []
        assert reply.confidence < 0.5
        assert reply.answer.startswith("Not known.")
        assert "/" in reply.answer


def test_a_character_nobody_played_is_not_given_an_actor() -> None:
    lonely = Lorebook([entry(id="karen", kind="character", name="Karen")])
    reply = answer(lonely, "who played karen")
    assert reply.sources == [] and reply.confidence < 0.5


def test_greeting_fills_the_name_or_drops_it(book: Lorebook) -> None:
    answerer = Answerer(rng=random.Random(0))
    assert answerer.answer(book, "hello", name="Ann").answer == "Welcome, Ann."
    assert answerer.answer(book, "hello").answer == "Welcome."
    assert answerer.answer(book, "").sources == []


def test_follow_up_leans_on_the_last_answer_in_that_channel_only(book: Lorebook) -> None:
    clock = Clock()
    answerer = Answerer(ConversationMemory(window=60.0), random.Random(0), clock)
    answerer.answer(book, "who is odile", channel="a")
    assert "Cy Marlowe" in answerer.answer(book, "and who played her?", channel="a").answer
    assert answerer.answer(book, "who played her?", channel="b").sources == []


def test_follow_up_window_expires(book: Lorebook) -> None:
    clock = Clock()
    answerer = Answerer(ConversationMemory(window=60.0), random.Random(0), clock)
    answerer.answer(book, "who is odile", channel="a")
    clock.now = 61.0
    assert answerer.answer(book, "who played her?", channel="a").sources == []


def test_follow_up_reuses_the_last_question(book: Lorebook) -> None:
    answerer = Answerer(rng=random.Random(0))
    answerer.answer(book, "who directed the film", channel="a")
    reply = answerer.answer(book, "and who edited it?", channel="a")
    assert "Bo" in reply.answer


def test_answers_fit_in_a_discord_message(lorebook: Lorebook) -> None:
    for text in ("tell me about the film", "what awards did it win", "who was in the cast"):
        assert len(answer(lorebook, text).answer) <= 2000


def test_ask_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "who played Lermontov?"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"answer", "sources", "confidence"}
    assert "Walbrook" in payload["answer"] and "anton-walbrook" in payload["sources"]


def test_ask_command_prints_the_reply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "who", "played", "Lermontov?"]) == 0
    assert "Anton Walbrook" in capsys.readouterr().out


def test_a_detail_the_lore_lacks_about_a_known_subject_is_not_answered(book: Lorebook) -> None:
    answerer = Answerer(rng=random.Random(0))
    reply = answerer.answer(book, "how tall is cy marlowe", channel="a")
    assert reply.sources == [] and reply.confidence < 0.5
    assert "Cy Marlowe" not in reply.answer
    assert answerer.answer(book, "who did he play", channel="a").sources == []


def test_a_detail_is_found_in_an_entry_linked_to_the_subject() -> None:
    lore = Lorebook(
        [
            entry(id="boris", kind="character", name="Boris", summary="An impresario."),
            entry(
                id="t-model",
                kind="trivia",
                topic="film",
                name="A real model",
                summary="Boris is modelled on Sergei Diaghilev.",
                related=["boris"],
            ),
        ]
    )
    reply = answer(lore, "who is boris based on")
    assert "Diaghilev" in reply.answer and reply.sources == ["t-model"]


@pytest.fixture
def versions() -> Lorebook:
    """A film, a tale with its own unplayed heroine, a stage show, and two scenes with quotes."""
    return Lorebook(
        [
            entry(id="film", kind="work", form="film", name="Pointe Work", year=1950),
            entry(id="tale", kind="work", form="fairy tale", name="The Tale", year=1845),
            entry(
                id="show",
                kind="work",
                form="stage musical",
                name="Pointe Work on stage",
                year=1993,
                credits=[{"role": "Odile Fenn", "name": "Di Stage"}],
            ),
            entry(id="cy", kind="person", name="Cy Marlowe", roles=["actor"]),
            entry(id="odile", kind="character", name="Odile Fenn", aliases=["the girl"]),
            entry(id="ivo", kind="character", name="Ivo", played_by="cy"),
            entry(id="maid", kind="character", name="The maid girl", related=["tale"]),
            entry(id="s1", kind="scene", order=1, name="Arrival", characters=["ivo"]),
            entry(id="s9", kind="scene", order=9, name="Farewell", characters=["ivo"]),
            *(
                entry(
                    id=f"q-{scene}",
                    kind="quote",
                    name=line,
                    line=line,
                    speaker="ivo",
                    context="Ivo speaks.",
                    related=[scene],
                )
                for scene, line in (("s9", "The curtain is down."), ("s1", "Places, please."))
            ),
        ]
    )


def test_a_part_in_another_version_is_never_given_the_film_actor(versions: Lorebook) -> None:
    assert "Di Stage" in answer(versions, "who played odile in the stage musical").answer
    reply = answer(versions, "who played ivo in the musical")
    assert reply.sources == [] and "Cy Marlowe" not in reply.answer


def test_the_girl_of_the_tale_is_the_tale_s_own_character(versions: Lorebook) -> None:
    reply = answer(versions, "who played the girl in the fairy tale")
    assert reply.sources == ["maid"] and "The maid girl" in reply.answer


def test_what_someone_says_at_the_end_is_from_the_latest_scene(versions: Lorebook) -> None:
    for _ in range(5):
        assert "curtain is down" in answer(versions, "what does ivo say at the end").answer
        assert "Places" in answer(versions, "what are ivos first words").answer


def test_a_character_s_death_is_its_scene_and_where_is_the_place() -> None:
    lore = Lorebook(
        [
            entry(id="vi", kind="character", name="Vi"),
            entry(
                id="s-end", kind="scene", order=1, name="Fall", characters=["vi"], tags=["death"]
            ),
            entry(id="tr", kind="trivia", topic="film", name="Where Vi dies", related=["s-end"]),
        ]
    )
    assert answer(lore, "did vi die").sources == ["s-end"]
    assert answer(lore, "where does vi die").sources == ["tr"]
    assert answer(Lorebook([lore.entries[0]]), "did vi die").sources == []


def test_awards_count_the_nominations(book: Lorebook) -> None:
    film = book.get("film")
    assert film is not None
    data = film.model_dump()
    data["awards"] = [
        *data["awards"],
        {"award": "Prizes", "category": "Best Other", "year": 1951, "result": "nominated"},
    ]
    lore = Lorebook([ENTRY_ADAPTER.validate_python(data)])
    assert "two Prizes nominations" in answer(lore, "how many nominations did it get").answer


@pytest.fixture
def story() -> Lorebook:
    """A film with crew, a dated body, two meetings, a death and a stage version by a maker."""
    scene = {"kind": "scene"}
    return Lorebook(
        [
            entry(
                id="film",
                kind="work",
                form="film",
                year=1948,
                name="The Lantern",
                body="It opened in Britain on 6 September 1948. The script was first meant for "
                "Merle Oberon in the 1930s.",
                credits=[
                    {"role": "director of photography", "person": "cam"},
                    {"role": "production designer", "person": "des"},
                    {"role": "art director", "person": "art"},
                    {"role": "screenplay", "person": "des"},
                ],
            ),
            entry(id="cam", kind="person", name="Cas Lens", roles=["cinematographer"]),
            entry(id="des", kind="person", name="Dora Plan", roles=["designer"], born=1901),
            entry(id="art", kind="person", name="Art Walls", roles=["art director"]),
            entry(id="ann", kind="character", name="Ann", played_by="des"),
            entry(id="bo", kind="character", name="Bo"),
            entry(id="s1", **scene, order=1, name="Crowd", characters=["ann", "bo"]),
            entry(
                id="s2",
                **scene,
                order=2,
                name="Party",
                characters=["ann", "bo"],
                summary="Bo meets Ann at a party.",
            ),
            entry(
                id="s3",
                **scene,
                order=3,
                name="The lamp bit",
                summary="A lamp breaks.",
                characters=["ann"],
            ),
            entry(
                id="s4",
                **scene,
                order=4,
                name="Fall",
                characters=["ann"],
                tags=["death"],
                summary="Ann dies.",
            ),
            entry(id="s5", **scene, order=5, name="Mourning", characters=["bo"]),
            entry(
                id="q1",
                kind="quote",
                name="Wings",
                speaker="bo",
                line="You will have wings.",
                context="Bo tells Ann what his music will turn her into.",
            ),
            entry(
                id="q2",
                kind="quote",
                name="Hello",
                speaker="bo",
                line="Hello.",
                context="Bo greets the crowd.",
            ),
            entry(
                id="stage",
                kind="work",
                form="stage ballet",
                year=2016,
                name="Lantern on stage",
                credits=[
                    {"role": "Ann", "name": "Sue Step"},
                    {"role": "director", "name": "Matt Kerr"},
                ],
            ),
        ]
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("who shot it", "Cas Lens"),
        ("who filmed the lantern", "Cas Lens"),
        ("who did the photography", "Cas Lens"),
        ("who designed the sets", "Dora Plan"),
        ("who was the art director", "Art Walls"),
        ("when did it open in the uk", "6 September 1948"),
        ("who was it originally written for in the 30s", "Merle Oberon"),
        ("what happens in the lamp bit", "A lamp breaks"),
        ("how does bo first meet ann", "party"),
        ("what happens after ann dies", "Mourning"),
        ("what does bo say his music will turn ann into", "wings"),
        ("who danced ann in kerrs version", "Sue Step"),
    ],
)
def test_questions_reach_the_fact_that_answers_them(
    story: Lorebook, question: str, expected: str
) -> None:
    reply = answer(story, question)
    assert expected.lower() in reply.answer.lower()
    assert reply.sources


@pytest.mark.parametrize(
    "question",
    [
        "who played ann's mother",
        "who played anns mother",
        "how old was ann",
        "when did dora plan get married",
        "what aspect ratio was it shot in",
    ],
)
def test_a_name_never_answers_for_a_fact_the_lore_lacks(story: Lorebook, question: str) -> None:
    reply = answer(story, question)
    assert reply.sources == [] and reply.confidence <= 0.2
    assert "Dora Plan" not in reply.answer


def test_confidence_orders_direct_above_loose_above_declined(story: Lorebook) -> None:
    direct = answer(story, "who shot it")
    loose = answer(story, "tell me about the lantern in britain and its budget")
    declined = answer(story, "what aspect ratio was it shot in")
    assert direct.confidence >= 0.8 and 0.2 < loose.confidence <= 0.5 and loose.sources
    assert declined.confidence <= 0.2 and declined.sources == []
    assert direct.confidence > loose.confidence > declined.confidence


@pytest.fixture
def family() -> Lorebook:
    """Characters whose relations are said only in prose: a husband, an aunt, a teacher."""
    return Lorebook(
        [
            entry(id="cy", kind="person", name="Cy Marlowe", roles=["actor"]),
            entry(id="odile", kind="character", name="Odile Fenn", aliases=["Odile"]),
            entry(
                id="ivo",
                kind="character",
                name="Ivo Brand",
                aliases=["Ivo"],
                played_by="cy",
                role_in_story="A painter who marries Odile",
                related=["odile"],
            ),
            entry(
                id="rosa",
                kind="character",
                name="Rosa",
                summary="Odile's aunt, who leaves to get married, opening the way for Ivo.",
            ),
        ]
    )


def test_a_relation_said_in_prose_finds_the_character_and_its_actor(family: Lorebook) -> None:
    reply = answer(family, "who played odile's husband")
    assert "Cy Marlowe" in reply.answer and reply.sources == ["ivo", "cy"]
    reply = answer(family, "who is the aunt of odile")
    assert "Rosa" in reply.answer and reply.sources[0] == "rosa" and reply.confidence >= 0.8


def test_a_spouse_is_found_from_the_owner_s_own_text(family: Lorebook) -> None:
    reply = answer(family, "who is ivo's wife")
    assert "**Odile Fenn**" in reply.answer and reply.sources == ["odile", "ivo"]


def test_a_relation_the_lore_does_not_state_is_declined(family: Lorebook) -> None:
    for text in ("who was rosa's husband", "who played rosa's fiance", "who is odile's teacher"):
        reply = answer(family, text)
        assert reply.sources == [] and reply.confidence <= 0.2, text
        assert "Cy Marlowe" not in reply.answer


def test_a_line_retold_in_other_words_gets_its_reply(book: Lorebook) -> None:
    for text in (
        "what does ada answer when odile asks why she wants to sing",
        "how did she reply when asked why she sings",
        "what did ada say back to 'why do you want to sing'",
        "what did ada say when asked why she wanted to sing",
    ):
        reply = ask(book, text)
        assert "**Ada Quill:** “Why do you want to breathe?”" in reply.answer, text
        assert reply.sources == ["ask"] and reply.confidence >= 0.8


def test_a_reply_word_alone_or_by_the_wrong_speaker_is_not_a_retold_line(book: Lorebook) -> None:
    assert "breathe" not in ask(book, "what does odile answer when asked why she sings").answer
    assert "breathe" not in ask(book, "why did ada come back to sing").answer


def test_a_quote_asked_by_topic_is_the_one_holding_most_of_the_topic(lorebook: Lorebook) -> None:
    """Its summary says what a line is about; a line sharing one word is only a guess."""
    reply = answer(lorebook, "what did u say about dancers falling in love")
    assert reply.sources == ["q-doubtful-comforts"] and reply.confidence >= 0.8
    partial = answer(lorebook, "what did you say about love and football")
    assert partial.confidence < 0.8


def test_getting_rid_of_someone_finds_the_scene_it_happens_in(lorebook: Lorebook) -> None:
    for question in ("boris why did u get rid of julian", "why did lermontov fire julian"):
        assert answer(lorebook, question).sources == ["scene-jealousy"]


def test_a_scene_question_about_the_end_of_the_ballet_gets_the_ballet_scene_it_asks(
    lorebook: Lorebook,
) -> None:
    reply = answer(lorebook, "who takes the shoes off the girl at the end of the ballet")
    assert reply.sources == ["ballet-priest-removes-shoes"]


def test_how_two_people_are_related_is_a_sentence_naming_both_or_nothing(
    lorebook: Lorebook,
) -> None:
    reply = answer(lorebook, "how is julian related to vicky")
    assert reply.sources == ["julian-craster"] and "Vicky" in reply.answer
    declined = answer(lorebook, "how is george related to livy")
    assert declined.sources == [] and declined.confidence <= 0.2


def test_a_filler_word_does_not_turn_a_named_work_into_a_decline(lorebook: Lorebook) -> None:
    reply = answer(lorebook, "wait there was a broadway musical of this??")
    assert reply.sources == ["red-shoes-broadway-musical-1993"]
