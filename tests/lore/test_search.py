"""Search: exact names first, then fuzzy names, then full text; autocomplete within 25."""

from __future__ import annotations

import pytest

from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Entry
from bot.lore.search import COMPLETE_LIMIT, SearchIndex

SOURCE = [{"title": "Film credits"}]


def person(
    entry_id: str, name: str, *aliases: str, summary: str = "A member of the cast."
) -> Entry:
    return ENTRY_ADAPTER.validate_python(
        {
            "id": entry_id,
            "kind": "person",
            "name": name,
            "aliases": list(aliases),
            "summary": summary,
            "roles": ["actor"],
            "sources": SOURCE,
        }
    )


def character(entry_id: str, name: str, *aliases: str, summary: str = "A character.") -> Entry:
    return ENTRY_ADAPTER.validate_python(
        {
            "id": entry_id,
            "kind": "character",
            "name": name,
            "aliases": list(aliases),
            "summary": summary,
            "sources": SOURCE,
        }
    )


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(
        [
            person("leonide-massine", "Léonide Massine", "Massine"),
            person("ludmilla-tcherina", "Ludmilla Tchérina", "Tcherina"),
            person("moira-shearer", "Moira Shearer"),
            character("boris-lermontov", "Boris Lermontov", "Lermontov"),
            character(
                "vicky-page",
                "Victoria Page",
                "Vicky",
                summary="A young dancer who becomes the company's prima ballerina.",
            ),
            character("ivan-boleslawsky", "Ivan Boleslawsky", "Boleslawsky"),
            character(
                "julian-craster", "Julian Craster", summary="A composer whose music is stolen."
            ),
        ]
    )


ISSUE_EXAMPLES = [
    ("leonide massine", "leonide-massine"),
    ("tcherina", "ludmilla-tcherina"),
    ("lermontof", "boris-lermontov"),
    ("boleslawski", "ivan-boleslawsky"),
    ("vicky", "vicky-page"),
    ("Victoria Page", "vicky-page"),
]
"""The look-ups the lore issue names; they must work on the shipped lore as on the fixture."""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        *ISSUE_EXAMPLES,
        ("VICTORIA  page!", "vicky-page"),
        ("moira shearr", "moira-shearer"),
        ("julian-craster", "julian-craster"),
    ],
)
def test_search_finds_the_right_entry_first(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query)
    assert hits, query
    assert hits[0].entry.id == expected


def test_exact_matches_come_before_fuzzy_ones(index: SearchIndex) -> None:
    hits = index.search("Vicky")
    assert hits[0].how == "exact"
    assert all(h.how != "exact" for h in hits[1:])


def test_full_text_finds_words_in_summaries(index: SearchIndex) -> None:
    hits = index.search("composer music")
    assert hits[0].entry.id == "julian-craster"
    assert hits[0].how == "text"


def test_full_text_covers_a_characters_part_in_the_story() -> None:
    index = SearchIndex(
        [
            ENTRY_ADAPTER.validate_python(
                {
                    "id": "dimitri",
                    "kind": "character",
                    "name": "Dimitri",
                    "summary": "A member of the company.",
                    "role_in_story": "Lermontov's assistant",
                    "sources": SOURCE,
                }
            )
        ]
    )
    assert [h.entry.id for h in index.search("assistant")] == ["dimitri"]


def test_kinds_filter_results(index: SearchIndex) -> None:
    assert [h.entry.kind for h in index.search("massine", kinds=["character"])] == []
    assert index.search("massine", kinds=["person"])[0].entry.id == "leonide-massine"


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    assert index.search("zzqx") == []
    assert index.search("   ") == []


def test_complete_by_prefix_of_any_word(index: SearchIndex) -> None:
    assert [e.id for e in index.complete("vic")] == ["vicky-page"]
    assert [e.id for e in index.complete("page")] == ["vicky-page"]
    assert [e.id for e in index.complete("Léo")] == ["leonide-massine"]


def test_complete_tolerates_typos_and_filters_kind(index: SearchIndex) -> None:
    assert [e.id for e in index.complete("lermontof")][:1] == ["boris-lermontov"]
    assert index.complete("lermontof", kind="person") == []


def test_complete_never_returns_more_than_25() -> None:
    many = SearchIndex([person(f"dancer-{i}", f"Dancer Number {i}") for i in range(60)])
    assert len(many.complete("dancer")) == COMPLETE_LIMIT
    assert len(many.complete("")) == COMPLETE_LIMIT


@pytest.mark.parametrize(("query", "expected"), ISSUE_EXAMPLES)
def test_shipped_lore_answers_the_issue_examples(
    lorebook: Lorebook, query: str, expected: str
) -> None:
    assert lorebook.search(query)[0].entry.id == expected
    assert lorebook.find(query) is not None


def test_complete_with_nothing_typed_offers_names_alphabetically(index: SearchIndex) -> None:
    assert [e.name for e in index.complete("", kind="person")] == [
        "Léonide Massine",
        "Ludmilla Tchérina",
        "Moira Shearer",
    ]
    assert index.complete("", kind="quote") == []
