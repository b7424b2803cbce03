"""A server's layered view answers exactly as a book built from all of its entries would.

The oracle is the plain way: a new `Lorebook` of the shipped entries (less hidden and replaced)
plus the overlay's, which is what every server with an overlay used to get. Random overlays on
the shipped lore (hides, replacements that rename, move and re-order, new entries, scenes of new
works) are compared on every read the commands, the chat and the quiz make.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from bot.lore import factlayers
from bot.lore.layered import ServerView
from bot.lore.library import Overlay, layer
from bot.lore.lorebook import Lorebook
from bot.lore.model import KINDS, BalletScene, Entry, Kind, Scene, Trivia, Work
from bot.persona.chat import Answerer
from bot.quiz.questions import draw_questions, quiz_pool

COMPLETED: tuple[Kind | None, ...] = (None, "character", "scene")
EVAL = Path(__file__).resolve().parent.parent / "eval" / "qa.yaml"


def merged(shipped: Lorebook, overlay: Overlay) -> Lorebook:
    """The oracle: one book of the shipped entries less hidden and replaced ones, plus the
    overlay's entries in id order (the store's)."""
    replaced = {e.id for e in overlay.entries}
    kept = [e for e in shipped.entries if e.id not in overlay.hidden and e.id not in replaced]
    added = sorted((e for e in overlay.entries if e.id not in overlay.hidden), key=lambda e: e.id)
    return Lorebook([*kept, *added])


def _twist(rng: random.Random, entry: Entry, donor: Entry) -> dict[str, object]:
    """Changes a moderator might make: another name, new words, a scene moved elsewhere."""
    change: dict[str, object] = {}
    if rng.random() < 0.5:
        change["name"] = donor.name
        change["aliases"] = [*entry.aliases[:1], donor.name.split()[0]]
    if rng.random() < 0.5:
        change["summary"] = f"{donor.summary} {entry.summary}"
    if isinstance(entry, Scene | BalletScene):
        change["order"] = rng.randint(1, 40)
        if rng.random() < 0.3:
            change["work"] = rng.choice(["the-red-shoes", "the-red-shoes-ballet", "new-work"])
    return change


def random_overlay(shipped: Lorebook, seed: int) -> Overlay:
    rng = random.Random(seed)
    entries = list(shipped.entries)
    hidden = {e.id for e in rng.sample(entries, rng.randint(0, 25))}
    own: list[Entry] = []
    for entry in rng.sample(entries, rng.randint(0, 40)):
        change = _twist(rng, entry, rng.choice(entries))
        own.append(entry.model_copy(update=change))
    for number, entry in enumerate(rng.sample(entries, rng.randint(0, 40))):
        change = _twist(rng, entry, rng.choice(entries))
        own.append(entry.model_copy(update={**change, "id": f"own-{seed}-{number}"}))
    rng.shuffle(own)
    if rng.random() < 0.3:  # a replaced entry may also be hidden
        hidden.add(rng.choice(own).id)
    return Overlay(seed, tuple(own), frozenset(hidden))


def queries(shipped: Lorebook, overlay: Overlay, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = [*shipped.entries, *overlay.entries]
    found: list[str] = ["", "the", "ballet", "red shoes", "vicky page", "lermontov", "x"]
    for entry in rng.sample(pool, 12):
        name = entry.name
        cut = rng.randrange(len(name))
        found += [name, name.lower()[:cut], name[:cut] + name[cut + 1 :], *entry.aliases[:1]]
        words = entry.summary.split()
        found.append(" ".join(rng.sample(words, min(3, len(words)))))
    return found


def same_hits(view: Lorebook, oracle: Lorebook, query: str, kinds: tuple[Kind, ...] | None):
    for limit in (1, 10):
        got = [(h.entry, h.how, h.score) for h in view.search(query, kinds, limit)]
        want = [(h.entry, h.how, h.score) for h in oracle.search(query, kinds, limit)]
        assert got == want, (query, kinds, limit)
    assert view.index.text(query, kinds) == oracle.index.text(query, kinds), (query, kinds)


def assert_answers_alike(
    lorebook: Lorebook, view: Lorebook, oracle: Lorebook, overlay: Overlay, seed: int
) -> None:
    """Every read the commands, the chat's retrieval and the quiz make gives the same answer."""
    assert len(view) == len(oracle)
    assert view.entries == oracle.entries
    for entry_id in {e.id for e in lorebook.entries} | {e.id for e in overlay.entries}:
        assert view.get(entry_id) == oracle.get(entry_id)
        assert (entry_id in view) == (entry_id in oracle)
    for kind in KINDS:
        assert view.of_kind(kind) == oracle.of_kind(kind), kind
        assert view.sequence_works(kind) == oracle.sequence_works(kind), kind
        for work in oracle.sequence_works(kind):
            assert view.sequence(kind, work) == oracle.sequence(kind, work)
    assert view.of_type(Work) == oracle.of_type(Work)
    for person in oracle.of_kind("person"):
        assert view.played_by(person.id) == oracle.played_by(person.id)
    for purpose in ("greeting", "unknown", "verdict", "approval"):
        assert view.persona(purpose) == oracle.persona(purpose)

    for query in queries(lorebook, overlay, seed):
        for kinds in (None, ("character",), ("person", "trivia")):
            same_hits(view, oracle, query, kinds)
            assert view.exact(query, kinds) == oracle.exact(query, kinds)
            assert view.find(query, kinds) == oracle.find(query, kinds)
        for typed in COMPLETED:
            assert view.complete(query, typed) == oracle.complete(query, typed), (query, typed)

    assert quiz_pool(view) == quiz_pool(oracle)
    picked = draw_questions(view, "all", 5, random.Random(seed))
    assert picked == draw_questions(oracle, "all", 5, random.Random(seed))


@pytest.mark.parametrize("seed", range(8))
def test_a_layered_view_answers_as_the_merged_book(lorebook: Lorebook, seed: int) -> None:
    overlay = random_overlay(lorebook, seed)
    view, oracle = layer(lorebook, overlay), merged(lorebook, overlay)
    assert isinstance(view, ServerView) or overlay.empty
    assert_answers_alike(lorebook, view, oracle, overlay, seed)


def random_change(
    rng: random.Random, shipped: Lorebook, overlay: Overlay, number: int
) -> tuple[dict[str, Entry | None], set[str]]:
    """One moderator change as the store records it: each touched id's new copy of its own
    (None: none), and the ids it hides. Edits, additions, hides, unhides, deletions."""
    own = {e.id: e for e in overlay.entries}
    pool = [*shipped.entries, *overlay.entries]
    action = rng.choice(["edit", "edit", "add", "hide", "unhide", "delete"])
    if action == "hide":
        hidden = rng.choice(shipped.entries).id
        return {hidden: None}, {hidden}
    if action == "unhide" and overlay.hidden:
        return {rng.choice(sorted(overlay.hidden)): None}, set()
    if action == "delete" and own:
        return {rng.choice(sorted(own)): None}, set()
    entry = rng.choice(pool)
    if action == "add":
        entry = entry.model_copy(update={"id": f"edit-{number}"})
    return {entry.id: entry.model_copy(update=_twist(rng, entry, rng.choice(pool)))}, set()


def changed_overlay(overlay: Overlay, copies: dict[str, Entry | None], hidden: set[str]) -> Overlay:
    own = {e.id: e for e in overlay.entries}
    hides = set(overlay.hidden)
    for entry_id, copy in copies.items():
        own.pop(entry_id, None)
        hides.discard(entry_id)
        if entry_id in hidden:
            hides.add(entry_id)
        elif copy is not None:
            own[entry_id] = copy
    return Overlay(overlay.revision + 1, tuple(own.values()), frozenset(hides))


@pytest.mark.parametrize("seed", range(8))
def test_a_view_changed_edit_by_edit_answers_as_a_fresh_build(
    lorebook: Lorebook, seed: int
) -> None:
    rng = random.Random(seed)
    overlay = random_overlay(lorebook, seed)
    view = layer(lorebook, overlay)
    applied = 0
    for number in range(12):
        copies, hidden = random_change(rng, lorebook, overlay, number)
        overlay = changed_overlay(overlay, copies, hidden)
        changed = view.changed(copies, hidden) if isinstance(view, ServerView) else None
        applied += changed is not None
        view = changed if changed is not None else layer(lorebook, overlay)
        assert view.entries == merged(lorebook, overlay).entries, number
    assert applied >= 6, "most changes are applied to the view, not rebuilt"
    assert_answers_alike(lorebook, view, merged(lorebook, overlay), overlay, seed)


COMMON = ("Ballet", "Dance", "Stage", "Music", "Theatre", "Small", "Riviera", "English")
"""Words the lore's prose says often: names of an overlay's own that reach many facts (some
also words of shipped names or of the lexicon's phrases, some plain words only)."""


def common_word_overlay(shipped: Lorebook, seed: int) -> Overlay:
    """A random overlay plus own entries named by common words of the lore (as the synthetic
    lore's names are): the shipped facts saying those words name the new entries too."""
    rng = random.Random(seed)
    overlay = random_overlay(shipped, seed)
    people = [e for e in shipped.entries if e.kind in ("person", "character")]
    own = [
        entry.model_copy(
            update={"id": f"common-{seed}-{n}", "name": f"{word} Keeper", "aliases": [word]}
        )
        for n, (word, entry) in enumerate(zip(COMMON, rng.sample(people, len(COMMON)), strict=True))
    ]
    return Overlay(seed, (*overlay.entries, *own), overlay.hidden)


@pytest.mark.parametrize("seed", [100, 101, 102])
def test_the_chat_answers_as_it_would_from_the_merged_book(
    lorebook: Lorebook, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chat's answers (retrieval, ranking, voice) to the evaluation's questions and to
    questions naming the overlay's entries, through a view's layered fact index (layered
    whatever the share of the lore the overlay reaches)."""
    monkeypatch.setattr(factlayers, "LAYERED_SHARE", 10.0)
    cases = yaml.safe_load(EVAL.read_text(encoding="utf-8"))["cases"]
    asked = [c["ask"] for c in cases if "ask" in c]
    assert len(asked) > 50
    overlay = common_word_overlay(lorebook, seed)
    view, oracle = layer(lorebook, overlay), merged(lorebook, overlay)
    assert not isinstance(view.facts._postings, dict), "layered"
    for entry in overlay.entries[-12:]:
        asked += [
            f"Who is {entry.name}?",
            f"Tell me about {entry.aliases[0] if entry.aliases else entry.name}",
        ]
    for text in asked:
        said = Answerer(rng=random.Random(0)).answer(view, text)
        assert said == Answerer(rng=random.Random(0)).answer(oracle, text), text


def test_a_view_indexes_only_its_own_entries(lorebook: Lorebook) -> None:
    trivia = next(e for e in lorebook.entries if isinstance(e, Trivia))
    own = trivia.model_copy(update={"id": "own-fact", "name": "Shoes Of Red Leather"})
    view = layer(lorebook, Overlay(1, (own,), frozenset({trivia.id})))
    assert isinstance(view, ServerView)
    assert view.own_entries == (own,)
    assert view.index is not lorebook.index
    assert trivia.id not in view and "own-fact" in view
    assert view.find("shoes of red leather") == own
    assert lorebook.get(trivia.id) == trivia and "own-fact" not in lorebook
