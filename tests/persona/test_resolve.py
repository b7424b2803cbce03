"""Finding what a question names: exact names, work words, typos, and words that name nothing."""

from __future__ import annotations

from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Entry
from bot.persona.resolve import (
    best_passage,
    covered,
    describe_search,
    detail,
    find_subjects,
    linked,
    named_after,
    related,
    relation_of,
    stem,
    with_concepts,
)


def ids(book: Lorebook, words: str) -> list[str]:
    return [m.entry.id for m in find_subjects(book, words.split()).mentions]


def test_exact_names_and_aliases_longest_first(lorebook: Lorebook) -> None:
    assert ids(lorebook, "julian craster in the red shoes") == [
        "julian-craster",
        "the-red-shoes-film",
    ]
    assert ids(lorebook, "the shoemaker in the ballet") == [
        "ballet-the-shoemaker",
        "ballet-of-the-red-shoes",
    ]


def test_plain_work_words_mean_the_works(lorebook: Lorebook) -> None:
    assert ids(lorebook, "the movie") == ["the-red-shoes-film"]
    assert ids(lorebook, "the fairy tale") == ["andersen-the-red-shoes"]


def test_a_maker_followed_by_a_work_word_means_their_work(lorebook: Lorebook) -> None:
    assert ids(lorebook, "andersen story") == ["andersen-the-red-shoes"]
    assert ids(lorebook, "andersen s tale") == ["andersen-the-red-shoes"]
    assert ids(lorebook, "andersen") == ["hans-christian-andersen"]
    assert ids(lorebook, "andersen born") == ["hans-christian-andersen"]


def test_typos_in_names_are_matched(lorebook: Lorebook) -> None:
    assert ids(lorebook, "lermontof") == ["boris-lermontov"]
    assert ids(lorebook, "jack cardif") == ["jack-cardiff"]


def test_unknown_words_are_kept_not_matched(lorebook: Lorebook) -> None:
    subjects = find_subjects(lorebook, "titanic".split())
    assert subjects.mentions == ()
    assert subjects.unknown == ("titanic",)


def test_common_words_do_not_fuzzily_match_trivia(lorebook: Lorebook) -> None:
    assert find_subjects(lorebook, "recommend good pizza place".split()).mentions == ()


def test_stem() -> None:
    assert stem("jumped") == stem("jump")
    assert stem("debated") == stem("debate")
    assert stem("ballets") == "ballet"


def test_describe_search_needs_every_word_in_one_sentence(lorebook: Lorebook) -> None:
    found = describe_search(lorebook, ["lermontov", "assistant"], ("character",))
    assert found is not None and found[0].id == "dimitri"
    assert describe_search(lorebook, ["weather", "today"]) is None


def test_best_passage_prefers_the_most_shared_words(lorebook: Lorebook) -> None:
    ballet = lorebook.get("ballet-of-the-red-shoes")
    assert ballet is not None
    found = best_passage([ballet], ["andersen", "tale", "adds"])
    assert found is not None and "Andersen" in found[1][0]


def test_named_after_needs_a_close_name_word(lorebook: Lorebook) -> None:
    found = named_after(lorebook, "diaghilev")
    assert found is not None and "Diaghilev" in found.name
    assert named_after(lorebook, "meaning") is None


def test_linked_follows_references_both_ways_and_detail_needs_the_asked_words() -> None:
    end = "Vi dies under a train in Monte Carlo."

    def make(**fields: object) -> Entry:
        return ENTRY_ADAPTER.validate_python({"sources": [{"title": "t"}], **fields})

    book = Lorebook(
        [
            make(id="vi", kind="character", name="Vi", summary="A dancer."),
            make(id="s-end", kind="scene", order=1, name="The end", characters=["vi"], summary=end),
        ]
    )
    vi = book.get("vi")
    assert vi is not None
    assert [e.id for e in linked(book, vi)] == ["vi", "s-end"]
    found = detail(book, [vi], ["death"])
    assert found is not None and found[0].id == "s-end"
    assert detail(book, [vi], ["shoe", "size", "train"]) is None
    assert covered(["recomended", "size"], "She was recommended.") == 1


def test_a_possessive_typed_without_its_apostrophe(lorebook: Lorebook) -> None:
    assert ids(lorebook, "vickys aunt") == ["lady-neston"]
    assert ids(lorebook, "vickys last words") == ["vicky-page"]


def test_a_name_is_found_despite_a_trailing_word_it_does_not_hold(lorebook: Lorebook) -> None:
    assert ids(lorebook, "vicky in matthew bournes version")[-1] == "matthew-bourne-red-shoes-2016"


def test_a_relation_word_names_its_whole_group_and_nothing_else() -> None:
    assert relation_of(["who", "is", "her", "husband"]) == relation_of(["marries"])
    assert relation_of(["hubby"]) == relation_of(["wife"])
    assert relation_of(["fiance"]) != relation_of(["married"]) != relation_of(["boyfriend"])
    assert relation_of(["who", "played", "her"]) is None


def test_related_needs_the_relation_next_to_the_owner_s_name(lorebook: Lorebook) -> None:
    vicky, julian = lorebook.get("vicky-page"), lorebook.get("julian-craster")
    assert vicky is not None and julian is not None
    husband = related(lorebook, vicky, relation_of(["husband"]) or frozenset())
    assert husband is not None and husband[0].id == "julian-craster"
    wife = related(lorebook, julian, relation_of(["wife"]) or frozenset())
    assert wife is not None and wife[:2] == (vicky, julian)
    assert related(lorebook, vicky, relation_of(["fiance"]) or frozenset()) is None


def test_with_concepts_adds_the_words_of_an_idea() -> None:
    assert with_concepts(["filmed"])[:1] == ["filmed"]
    assert {"shot", "location"} <= set(with_concepts(["filmed"]))
    assert with_concepts(["carnival"]) == ["carnival"]


def test_a_tied_passage_goes_to_the_one_naming_the_asked_people_then_to_a_scene() -> None:
    def make(**fields: object) -> Entry:
        return ENTRY_ADAPTER.validate_python({"sources": [{"title": "t"}], **fields})

    boss = make(id="boss", kind="character", name="Boss Man", summary="He runs the company.")
    kid = make(id="kid", kind="character", name="Kid Blue", summary="Boss forces him out.")
    title = make(
        id="opening",
        kind="scene",
        order=1,
        name="Heart of Fire",
        characters=["boss"],
        summary="Fire!",
    )
    quarrel = make(
        id="quarrel",
        kind="scene",
        order=2,
        name="The quarrel",
        characters=["boss", "kid"],
        summary="Boss forces Kid out of the company. Kid leaves.",
    )
    book = Lorebook([boss, kid, title, quarrel])
    found = detail(book, [boss, kid], ["fire"])
    assert found is not None and found[0].id == "quarrel"
    leaving = best_passage([kid, quarrel], ["leaves", "company"], ideas=True)
    assert leaving is not None and leaving[0].id == "quarrel"


def test_getting_rid_of_someone_is_one_idea_and_dancers_dance() -> None:
    assert covered(["sacked"], "Lermontov forces him out.") == 1
    assert covered(["rid"], "He dismisses Julian.") == 1
    assert covered(["dancers"], "She loves to dance.") == 1


def test_a_relation_is_not_read_off_the_words_of_a_name_s_qualifier(lorebook: Lorebook) -> None:
    shoemaker = lorebook.get("ballet-the-shoemaker")
    assert shoemaker is not None
    assert related(lorebook, shoemaker, relation_of(["wife"]) or frozenset()) is None


def test_a_plain_work_word_beside_a_named_work_describes_it(lorebook: Lorebook) -> None:
    assert ids(lorebook, "a ballet by matthew bourne") == ["matthew-bourne-red-shoes-2016"]
    assert ids(lorebook, "the ballet in the film") == [
        "ballet-of-the-red-shoes",
        "the-red-shoes-film",
    ]
