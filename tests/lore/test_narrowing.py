"""`Narrowing` gives the candidates that listing every need's facts as sets gives, whichever
side it walks: random facts, keys, keeps and needs, against the plain set arithmetic."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from bot.lore.facts import Fact
from bot.lore.narrowing import Narrowing

KEYS = [f"k{n}" for n in range(12)]


def listed(
    groups: list[frozenset[str]],
    postings: dict[str, list[int]],
    facts: list[Fact],
    keep: Callable[[Fact], bool] | None,
    enough: int,
    limit: int,
) -> set[int]:
    """The candidates as sets give them: the first need's facts, kept, then each next need's
    while more than `enough` are left and any of them holds it."""
    found = {n for key in groups[0] for n in postings.get(key, [])}
    if keep is not None:
        found = {n for n in found if keep(facts[n])}
    for keys in groups[1:]:
        if len(found) <= enough:
            break
        narrowed = found & {n for key in keys for n in postings.get(key, [])}
        if narrowed:
            found = narrowed
    return set(sorted(found)[:limit]) if len(found) > limit else found


@pytest.mark.parametrize("seed", range(200))
def test_narrowing_gives_what_sets_give(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice([5, 50, 400, 2000])
    # keys of very different reach: some held by nearly every fact, some by a handful
    reach = {key: rng.choice([0.002, 0.02, 0.2, 0.9]) for key in KEYS}
    fact_keys = [frozenset(k for k in KEYS if rng.random() < reach[k]) for _ in range(size)]
    facts = [Fact(f"fact {n}", f"e{n}", rng.choice(["summary", "opinion"])) for n in range(size)]
    postings: dict[str, list[int]] = {}
    for number, keys in enumerate(fact_keys):
        for key in keys:
            postings.setdefault(key, []).append(number)
    keep = rng.choice([None, lambda f: f.field != "opinion"])
    groups = [frozenset(rng.sample(KEYS, rng.randint(1, 3))) for _ in range(rng.randint(1, 5))]
    groups = [g for g in groups if any(postings.get(k) for k in g)]
    if not groups:
        return
    enough, limit = rng.choice([0, 3, 40]), rng.choice([5, 1500])
    narrowing = Narrowing(
        groups[0], [postings.get(k, []) for k in groups[0]], fact_keys, facts, keep
    )
    for keys in groups[1:]:
        if not narrowing.more_than(enough):
            break
        narrowing.narrow(keys, [postings.get(k, []) for k in keys])
    assert narrowing.first(limit) == listed(groups, postings, facts, keep, enough, limit)
