"""Coverage checks for the shipped lore in `lore/*.yaml`.

These pin down what the shipped lore promises: a cast with actors, the principal crew, the film's
story and the ballet in order, enough quotes and trivia, the audition dialogue word for word, the
Oscars, the restoration and adaptations, and a persona line for every purpose.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from bot.lore.loader import check_lore, load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import (
    BalletScene,
    Character,
    Dialogue,
    Lexicon,
    Person,
    Persona,
    PersonaPurpose,
    Quote,
    Scene,
    Trivia,
    Work,
)

LORE_DIR = Path(__file__).resolve().parent.parent / "lore"


@pytest.fixture(scope="module")
def lore() -> Lorebook:
    return load_lore(LORE_DIR)


def test_shipped_lore_has_no_problems() -> None:
    assert check_lore(LORE_DIR) == []


def test_every_film_character_has_an_actor(lore: Lorebook) -> None:
    characters = lore.of_type(Character)
    missing = [c.id for c in characters if not c.played_by and "tale" not in c.tags]
    assert missing == []
    karen = lore.get("karen")
    assert isinstance(karen, Character) and karen.played_by == ()
    for character in characters:
        for person in character.people:
            assert isinstance(lore.get(person), Person), character.id


def test_principal_characters_and_aliases(lore: Lorebook) -> None:
    expected = {
        "boris-lermontov": "anton-walbrook",
        "vicky-page": "moira-shearer",
        "julian-craster": "marius-goring",
        "ivan-boleslawsky": "robert-helpmann",
        "grischa-ljubov": "leonide-massine",
        "irina-boronskaja": "ludmilla-tcherina",
        "sergei-ratov": "albert-bassermann",
        "livy-montague": "esmond-knight",
        "professor-palmer": "austin-trevor",
        "lady-neston": "irene-browne",
        "dimitri": "eric-berry",
    }
    for character_id, person_id in expected.items():
        character = lore.get(character_id)
        assert isinstance(character, Character), character_id
        assert character.people == (person_id,)
    vicky = lore.get("vicky-page")
    assert isinstance(vicky, Character)
    assert {"Vicky", "Victoria Page", "Miss Page"} <= set(vicky.aliases)


@pytest.mark.parametrize(
    "role",
    [
        "director",
        "writer",
        "producer",
        "cinematographer",
        "production designer",
        "composer",
        "conductor",
        "choreographer",
        "editor",
    ],
)
def test_principal_crew_role_is_covered(lore: Lorebook, role: str) -> None:
    assert any(role in person.roles for person in lore.of_type(Person))


def _orders(entries: typing.Sequence[Scene | BalletScene]) -> list[int]:
    return sorted(entry.order for entry in entries)


def test_scenes_are_contiguous(lore: Lorebook) -> None:
    orders = _orders(lore.of_type(Scene))
    assert len(orders) >= 12
    assert orders == list(range(1, len(orders) + 1))


def test_ending_scene_explains_the_debate(lore: Lorebook) -> None:
    scenes = sorted(lore.of_type(Scene), key=lambda s: s.order)
    death = next(s for s in scenes if s.id == "scene-death-on-the-railway")
    assert death.body is not None and "Powell" in death.body


def test_ballet_scenes_are_contiguous(lore: Lorebook) -> None:
    orders = _orders(lore.of_type(BalletScene))
    assert len(orders) >= 10
    assert orders == list(range(1, len(orders) + 1))


def test_enough_quotes_with_character_speakers(lore: Lorebook) -> None:
    quotes = lore.of_type(Quote)
    assert len(quotes) >= 15
    for quote in quotes:
        assert isinstance(lore.get(quote.speaker), Character), quote.id


def test_why_do_you_want_to_dance_dialogue(lore: Lorebook) -> None:
    dialogue = lore.dialogue("why-do-you-want-to-dance")
    assert isinstance(dialogue, Dialogue)
    assert [(line.speaker, line.line) for line in dialogue.lines] == [
        ("boris-lermontov", "Why do you want to dance?"),
        ("vicky-page", "Why do you want to live?"),
        ("boris-lermontov", "Well, I don't know exactly why, but... I must."),
        ("vicky-page", "That's my answer too."),
    ]
    assert all(1.5 <= line.pause <= 2.5 for line in dialogue.lines)


def test_enough_trivia_questions(lore: Lorebook) -> None:
    trivia = lore.of_type(Trivia)
    assert len(trivia) >= 30
    quiz = [t for t in trivia if t.question is not None]
    assert len(quiz) >= 25
    for item in quiz:
        assert len(item.wrong) == 3, item.id
        folded_answers = {answer.casefold() for answer in item.answers}
        assert not folded_answers & {wrong.casefold() for wrong in item.wrong}, item.id


def test_film_won_two_oscars(lore: Lorebook) -> None:
    film = lore.get("the-red-shoes-film")
    assert isinstance(film, Work) and film.form == "film" and film.year == 1948
    won = {a.category for a in film.awards if a.award == "Academy Awards" and a.result == "won"}
    assert any("Art Direction" in category for category in won)
    assert any("Music" in category for category in won)
    assert len(won) == 2
    nominated = [a for a in film.awards if a.award == "Academy Awards" and a.result == "nominated"]
    assert len(nominated) == 3


def test_works_include_restoration_and_stage_adaptation(lore: Lorebook) -> None:
    works = lore.of_type(Work)
    forms = {work.form for work in works}
    assert {"film", "ballet", "fairy tale", "restoration"} <= forms
    assert any(w.form == "restoration" and w.year == 2009 for w in works)
    assert forms & {"stage musical", "stage ballet"}


def test_every_persona_purpose_has_lines(lore: Lorebook) -> None:
    purposes: tuple[str, ...] = typing.get_args(PersonaPurpose)
    covered = {p.purpose for p in lore.of_type(Persona)}
    assert set(purposes) <= covered
    for persona in lore.of_type(Persona):
        views = {"opinion", "advice", "charge", "hypothetical", "taste"}
        fewest = 3 if persona.purpose in views else 4
        assert fewest <= len(persona.lines) <= 8, persona.id
        assert all(len(line) < 200 for line in persona.lines), persona.id


def _all_text(entry: object) -> str:
    """Every string an entry carries (summary, body, lines, aliases...), for wording checks."""
    return " ".join(str(value) for value in vars(entry).values())


def test_every_fact_names_a_source_with_an_address(lore: Lorebook) -> None:
    """Persona lines are the bot's own voice and a lexicon is how members ask (no address to
    cite either); every other entry is a fact."""
    for entry in lore.entries:
        assert entry.sources, entry.id
        if not isinstance(entry, Persona | Lexicon):
            assert any(source.url for source in entry.sources), entry.id


def test_monte_carlo_is_in_monaco_not_france(lore: Lorebook) -> None:
    for entry in lore.entries:
        text = _all_text(entry)
        assert "France, including Monte Carlo" not in text, entry.id
    where = lore.get("trivia-monte-carlo")
    assert isinstance(where, Trivia) and "Monaco" in where.summary


@pytest.mark.parametrize("quote_id", ["q-youre-a-magician", "q-rabbit-in-the-hat"])
def test_quotes_no_transcript_has_are_gone(lore: Lorebook, quote_id: str) -> None:
    assert lore.get(quote_id) is None
    for entry in lore.entries:
        assert quote_id not in entry.related, entry.id


@pytest.mark.parametrize(
    "unsupported",
    [
        "Lady Ottoline Neston",  # from the 1993 musical, not the film
        "built in three weeks",
        "would have removed that ambiguity",
        "Colonel de Basil",  # a second right answer to the Diaghilev question
    ],
)
def test_unsupported_claims_are_gone(lore: Lorebook, unsupported: str) -> None:
    for entry in lore.entries:
        assert unsupported not in _all_text(entry), entry.id


def test_restoration_length_agrees_everywhere(lore: Lorebook) -> None:
    mentions = [e.id for e in lore.entries if "two and a half years" in _all_text(e)]
    assert {"red-shoes-2009-restoration", "trivia-mould"} <= set(mentions)
    assert not [e.id for e in lore.entries if "two-year" in _all_text(e)]


def test_disputed_figures_say_the_sources_disagree(lore: Lorebook) -> None:
    film = lore.get("the-red-shoes-film")
    assert isinstance(film, Work) and film.body is not None and film.running_time == 134
    for other in ("133", "£9,000", "£12,000", "1947", "6 September 1948", "July"):
        assert other in film.body, other
    ballet = lore.get("ballet-of-the-red-shoes")
    assert isinstance(ballet, Work) and ballet.body is not None
    assert "17 minutes" in ballet.body and "15 to 20" in ballet.body


NEW_FACTS = {
    "trivia-shoot-weeks": ("24 weeks", "5 June 1947"),
    "trivia-budget": ("half a million pounds", "£505,600"),
    "trivia-uk-box-office": ("sixth", "1948"),
    "trivia-eagle-lion": ("Eagle-Lion", "Universal"),
    "trivia-bijou-run": ("Bijou", "110 weeks"),
    "trivia-bfi-100": ("ninth",),
    "trivia-allan-gray": ("Allan Gray",),
    "trivia-easdale-first-british": ("first British composer",),
    "trivia-bertran-score": ("Felipe Bertran",),
    "trivia-pavlova-spotlight": ("Pavlova", "1931"),
    "trivia-pinewood": ("Pinewood",),
    "trivia-staircase-double": ("Joan Harris", "staircase"),
    "trivia-shoes-before-the-ballet": ("already wearing",),
    "trivia-kate-bush": ("Kate Bush", "1993"),
    "trivia-american-in-paris": ("An American in Paris", "Gene Kelly"),
    "trivia-black-swan": ("Black Swan", "Aronofsky"),
    "trivia-lermontov-models": ("Korda", "Rank"),
}


@pytest.mark.parametrize("entry_id", sorted(NEW_FACTS))
def test_facts_fans_ask_about_are_there(lore: Lorebook, entry_id: str) -> None:
    fact = lore.get(entry_id)
    assert isinstance(fact, Trivia), entry_id
    for words in NEW_FACTS[entry_id]:
        assert words in fact.summary, (entry_id, words)


def test_the_quiz_gains_questions_from_the_new_facts(lore: Lorebook) -> None:
    asked = [i for i in NEW_FACTS if (t := lore.get(i)) and isinstance(t, Trivia) and t.question]
    assert len(asked) >= 15


@pytest.mark.parametrize(
    ("entry_id", "words"),
    [
        ("brian-easdale", ("Allan Gray", "first British composer")),
        ("boris-lermontov", ("Diaghilev", "Korda", "Rank")),
        ("scene-empty-spotlight", ("Pavlova",)),
        ("scene-the-red-shoes-commissioned", ("Felipe", "Bertran")),
        ("scene-death-on-the-railway", ("already", "wearing")),
    ],
)
def test_new_facts_also_sit_where_they_belong(
    lore: Lorebook, entry_id: str, words: tuple[str, ...]
) -> None:
    entry = lore.get(entry_id)
    assert entry is not None
    text = " ".join(filter(None, (entry.summary, entry.body)))
    for word in words:
        assert word in text, (entry_id, word)


def test_no_entry_cites_the_same_page_twice(lore: Lorebook) -> None:
    for entry in lore.entries:
        urls = [source.url for source in entry.sources if source.url]
        assert len(urls) == len(set(urls)), entry.id


def test_the_film_names_both_distributors(lore: Lorebook) -> None:
    film = lore.get("the-red-shoes-film")
    assert isinstance(film, Work)
    names = {credit.name for credit in film.credits}
    assert {"General Film Distributors", "Eagle-Lion Films"} <= names
