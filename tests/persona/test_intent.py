"""Reading questions: intents, crew roles, typo correction and chat shorthand."""

from __future__ import annotations

import pytest

from bot.lore.lorebook import Lorebook
from bot.persona.intent import normalise, parse
from bot.persona.resolve import find_subjects


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("", "greeting"),
        ("good evening Mr Lermontov", "greeting"),
        ("hi there!", "greeting"),
        ("thank you so much", "thanks"),
        ("bye", "sign_off"),
        ("who playd lermontof", "played"),
        ("what part did massine play", "played"),
        ("who was the actor for ratov", "played"),
        ("when did it come out", "when"),
        ("when was moira shearer born", "born"),
        ("how long is the movie", "length"),
        ("did it win any oscars", "awards"),
        ("how does it end", "ending"),
        ("why is the ending debated", "debate"),
        ("did vicky jump", "debate"),
        ("what happens when vicky returns", "happens"),
        ("what did julian say", "quote"),
        ("who said why do you want to dance", "who_said"),
        ("who is karen", "about"),
        ("julian", "none"),
    ],
)
def test_intents(text: str, intent: str) -> None:
    assert parse(text).intent == intent


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("who directd it", "director"),
        ("who wrote the score", "composer"),
        ("who composed the musik", "composer"),
        ("who was the dp", "cinematographer"),
        ("who conducted the orchestra", "conductor"),
        ("who designed the sets", "designer"),
        ("who wrote the screenplay", "writer"),
    ],
)
def test_crew_roles_prefer_the_specific_word(text: str, role: str) -> None:
    question = parse(text)
    assert (question.intent, question.role) == ("crew", role)


def test_shorthand_and_contractions_are_expanded() -> None:
    assert normalise("whos vicky") == ("who", "is", "vicky")
    assert normalise("who's vicky") == ("who", "is", "vicky")
    assert normalise("why do u wanna dance") == ("why", "do", "you", "want", "to", "dance")


def test_names_are_not_corrected_into_keywords() -> None:
    assert "bourne" in normalise("who is Matthew Bourne")
    assert "musical" in normalise("who directed the musical")


def test_the_bot_addressed_by_name_or_mention_is_dropped() -> None:
    assert normalise("<@123> Lermontov, who is Vicky?") == ("who", "is", "vicky")
    assert normalise("why do you want to dance, Lermontov?")[-1] == "dance"
    assert normalise("who played Lermontov")[-1] == "lermontov"


def test_follow_ups_and_pronouns_are_flagged() -> None:
    question = parse("and who played her?")
    assert question.follow_up and question.pronoun
    assert parse("what about the shoemaker?").follow_up


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("who played u", ("who", "played", "lermontov")),
        ("who are you?", ("who", "are", "lermontov")),
        ("are you based on diaghilev", ("are", "lermontov", "based", "on", "diaghilev")),
        ("how are you", ("how", "are", "you")),
        ("can you tell me who directed it", ("can", "you", "tell", "me", "who", "directed", "it")),
    ],
)
def test_you_means_lermontov_only_where_he_is_asked_about(
    text: str, words: tuple[str, ...]
) -> None:
    assert normalise(text) == words


def test_a_comparison_is_about_the_works_not_their_plot() -> None:
    question = parse("how is the ballet different from the andersen story")
    assert question.intent == "about"
    assert {"ballet", "andersen", "story"} <= set(question.subject)
    assert "story" not in parse("what is the story").subject


def test_generic_words_for_people_name_no_one(lorebook: Lorebook) -> None:
    question = parse("who was the camera man")
    assert (question.intent, question.role) == ("crew", "cinematographer")
    subjects = find_subjects(lorebook, question.subject)
    assert subjects.mentions == ()
    assert "man" not in subjects.unknown
    assert parse("who was the cameraman").role == "cinematographer"


def test_motif_words_ask_about_their_subject_without_naming_it(lorebook: Lorebook) -> None:
    question = parse("whats the deal with the newspaper in the ballet")
    assert question.intent == "about"
    assert find_subjects(lorebook, question.subject).unknown == ("newspaper",)
    assert parse("what is the significance of the balcony").intent == "about"
    assert parse("what does the cellophane symbolise").intent == "about"


def test_where_a_crew_verb_happened_is_not_a_crew_question() -> None:
    assert parse("where was it filmed").intent == "about"
    assert parse("who filmed it").intent == "crew"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hiii boris 👋", "greeting"),
        ("goood evening", "greeting"),
        ("thaaanks", "thanks"),
        ("ur a terrible impresario", "rude"),
        ("this bot sucks", "rude"),
        ("why is the ballet so boring", "about"),
    ],
)
def test_stretched_words_and_rudeness(text: str, intent: str) -> None:
    assert parse(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hey boris 👋 how's it going", "greeting"),
        ("what's up", "greeting"),
        ("whats up with the ending", "ending"),
        ("how is it going to end", "ending"),
    ],
)
def test_small_talk_phrases_are_greetings_only_on_their_own(text: str, intent: str) -> None:
    assert parse(text).intent == intent
