"""A server view's layered fact index is the one a fresh build from all its entries gives.

Compared part by part (every fact and its keys in order, every posting, the vocabulary, names,
kinds, counts) on random overlays of the shipped lore and on views changed edit by edit, and
answer by answer through the chat on the evaluation's questions.
"""

from __future__ import annotations

import random

import pytest

from bot.lore import factedits, factlayers
from bot.lore.factindex import FactIndex
from bot.lore.layered import ServerView
from bot.lore.library import Overlay, layer
from bot.lore.lorebook import Lorebook
from bot.lore.model import Character, Dialogue, Entry, Lexicon
from bot.lore.search import entry_names
from bot.lore.text import fold
from tests.lore.test_layered import (
    changed_overlay,
    common_word_overlay,
    merged,
    random_change,
    random_overlay,
)


@pytest.fixture(autouse=True)
def always_layered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random overlays of 240 entries reach most of them; layer them all the same."""
    monkeypatch.setattr(factlayers, "LAYERED_SHARE", 10.0)


def assert_same_index(got: FactIndex, want: FactIndex, shipped: FactIndex, ids: set[str]) -> None:
    assert vars(got).keys() == vars(want).keys(), "every part of a fresh build is layered"
    assert len(got.facts) == len(want.facts)
    assert got.facts == want.facts
    assert got.keys == want.keys
    assert got._df_total == want._df_total
    every_key = {*shipped._postings, *want._postings}
    for key in every_key:
        assert got._postings.get(key, []) == want._postings.get(key, []), key
        assert (key in got._postings) == (key in want._postings), key
    for word in {*shipped.vocab, *want.vocab}:
        assert (word in got.vocab) == (word in want.vocab), word
    for word in {*shipped._lower, *want._lower}:
        assert (word in got._lower) == (word in want._lower), word
    for shape in {*shipped._by_letter, *want._by_letter}:
        assert got._by_letter.get(shape, []) == want._by_letter.get(shape, []), shape
    for token in {*shipped.proper, *want.proper}:
        assert got.proper.get(token, set()) == want.proper.get(token, set()), token
    for entry_id in ids:
        assert got.kinds.get(entry_id) == want.kinds.get(entry_id)
        assert got.works.get(entry_id) == want.works.get(entry_id)
        assert got.name_keys.get(entry_id) == want.name_keys.get(entry_id)
        assert got.prominence[entry_id] == want.prominence[entry_id]
    assert got._said == want._said
    assert got._said_at == want._said_at


def assert_same_names(got: FactIndex, want: FactIndex, entries: list[Entry]) -> None:
    for name in {fold(n) for e in entries for n in entry_names(e)}:
        assert {e.id for e in got.names.named(name)} == {e.id for e in want.names.named(name)}
        for token in name.split():
            found = {e.id for e in got.names.name_token(token)}
            assert found == {e.id for e in want.names.name_token(token)}
            assert got.names.similar_tokens(token) == want.names.similar_tokens(token)


def compare(lorebook: Lorebook, view: Lorebook, overlay: Overlay) -> None:
    oracle = merged(lorebook, overlay)
    assert isinstance(view, ServerView)
    want = FactIndex(oracle.entries)
    layered = not isinstance(view.facts._postings, dict)
    assert layered or want.language != lorebook.facts.language, (
        "built in full only when the lexicon says something else"
    )
    ids = {e.id for e in lorebook.entries} | {e.id for e in overlay.entries}
    assert_same_index(view.facts, want, lorebook.facts, ids)
    assert_same_names(view.facts, want, [*lorebook.entries, *overlay.entries])
    for text in ("who played vicky", "the ballet of the red shoes", "lermontov", "why"):
        words = text.split()
        assert view.facts.mentions(words) == want.mentions(words)


@pytest.mark.parametrize("seed", range(8))
def test_a_layered_fact_index_is_a_fresh_builds(lorebook: Lorebook, seed: int) -> None:
    overlay = random_overlay(lorebook, seed)
    if overlay.empty:
        return
    view = layer(lorebook, overlay)
    assert not view.facts_ready
    compare(lorebook, view, overlay)


@pytest.mark.parametrize("seed", range(4))
def test_shipped_facts_saying_an_overlays_names_are_re_keyed_as_a_fresh_build_keys_them(
    lorebook: Lorebook, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Own entries named by words many facts say: those shipped facts keep their place and
    text and get the keys a fresh build gives them (no entry of theirs is indexed again), by
    `_add` or, for names that are plain words only, by adding what naming them adds."""
    keyed: list[tuple[int, int]] = []
    rekey = factlayers._Builder._keyed

    def counted(builder: factlayers._Builder, part: FactIndex) -> dict[int, frozenset[str]]:
        found = rekey(builder, part)
        keyed.append((len(builder.rekeyed), len(builder.added)))
        return found

    monkeypatch.setattr(factlayers._Builder, "_keyed", counted)
    overlay = common_word_overlay(lorebook, seed)
    view = layer(lorebook, overlay)
    compare(lorebook, view, overlay)
    [(in_full, plainly)] = keyed
    assert in_full >= 10, "shipped facts saying the new names were re-keyed"
    assert plainly >= 10, "facts saying only plain-word names gained their keys"


@pytest.mark.parametrize("seed", range(4))
def test_a_changed_view_layers_its_facts_as_a_fresh_build(lorebook: Lorebook, seed: int) -> None:
    rng = random.Random(seed)
    overlay = random_overlay(lorebook, seed + 20)
    view = layer(lorebook, overlay)
    for number in range(8):
        copies, hidden = random_change(rng, lorebook, overlay, number)
        overlay = changed_overlay(overlay, copies, hidden)
        changed = view.changed(copies, hidden) if isinstance(view, ServerView) else None
        view = changed if changed is not None else layer(lorebook, overlay)
    compare(lorebook, view, overlay)


def test_a_part_moved_to_another_work_moves_its_players_facts_near_that_work(
    lorebook: Lorebook,
) -> None:
    """Who played a part is near the part's work: a server moving a part to another work
    changes its actor's shipped facts' keys, as a fresh build gives them."""
    part = next(e for e in lorebook.entries if isinstance(e, Character) and e.played_by)
    works = [e.id for e in lorebook.entries if e.kind == "work" and e.id != part.work]
    overlay = Overlay(1, (part.model_copy(update={"work": works[0]}),))
    compare(lorebook, layer(lorebook, overlay), overlay)


def test_a_layered_view_indexes_only_what_its_overlay_touches(lorebook: Lorebook) -> None:
    """A trivia entry with a new summary: the view indexes its facts (and those of the few
    shipped entries its changes reach); every other fact is the shipped index's own object."""
    trivia = next(e for e in lorebook.entries if e.kind == "trivia")
    own = trivia.model_copy(update={"summary": "A sentence of this server's own."})
    overlay = Overlay(1, (own,))
    index = layer(lorebook, overlay).facts
    assert index.of_entry(trivia.id) == FactIndex(merged(lorebook, overlay).entries).of_entry(
        trivia.id
    )
    assert "A sentence of this server's own." in [f.text for f in index.of_entry(trivia.id)]
    shared = {id(f) for f in lorebook.facts.facts}
    made = [index.facts[n] for n in range(len(index.facts)) if id(index.facts[n]) not in shared]
    assert 0 < len(made) < len(index.facts) // 20


def said_otherwise(rng: random.Random, entry: Entry, donor: Entry) -> Entry:
    """A moderator's fix of what an entry says, nothing else: a new summary, and a line of a
    dialogue reworded."""
    change: dict[str, object] = {"summary": f"{donor.summary} Fixed {rng.randint(1, 9)}."}
    if isinstance(entry, Dialogue):
        first = entry.lines[0].model_copy(update={"line": donor.summary[:200]})
        change["lines"] = (first, *entry.lines[1:])
    return entry.model_copy(update=change)


@pytest.mark.parametrize("seed", range(2))
def test_an_edited_view_takes_its_predecessors_fact_index_with_the_edit_spliced_in(
    lorebook: Lorebook, seed: int
) -> None:
    """Edits that fix what a server's own entries say, in a server that chats between them:
    each changed view's index is its predecessor's with the edited facts replaced, up to the
    chain's length, and equals a fresh build every time. A shipped entry's first copy, any
    other change and the chain's end layer afresh."""
    rng = random.Random(seed)
    overlay = random_overlay(lorebook, seed + 40)
    view = layer(lorebook, overlay)
    assert isinstance(view, ServerView)
    replaced = {e.id for e in overlay.entries} | overlay.hidden
    shipped = [e for e in lorebook.entries if isinstance(e, Dialogue) and e.id not in replaced]
    dialogue = rng.choice(shipped)
    chained = factedits.EDITS_CHAINED
    depths = []
    for number in range(chained + 5):
        assert view.facts.facts
        pool = [*lorebook.entries, *overlay.entries]
        if number == chained + 3:
            copies, hidden = random_change(rng, lorebook, overlay, number)
            copies = {
                i: c.model_copy(update={"name": "Renamed"}) if c else c for i, c in copies.items()
            }
        else:
            stating = [e for e in view.own_entries if view.facts.of_entry(e.id)]
            entry = view.get(dialogue.id) if number % 2 else rng.choice(stating)
            assert entry is not None and not isinstance(entry, Lexicon)
            copies, hidden = {entry.id: said_otherwise(rng, entry, rng.choice(pool))}, set()
        overlay = changed_overlay(overlay, copies, hidden)
        changed = view.changed(copies, hidden)
        assert changed is not None
        view = changed
        compare(lorebook, view, overlay)
        depths.append(view._depth)
    # the dialogue's first copy, the chain's end and a rename layer afresh
    assert depths == [1, 0, *range(1, chained + 1), 0, 0, 1]
