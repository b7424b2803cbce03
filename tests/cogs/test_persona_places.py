"""Every place that speaks a persona line, with lines that say `{name}` preferred when chosen:
the placeholder is filled or left out, never shown to a member."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.offline.harness import Exchange, Harness
from bot.offline.payloads import Actor
from bot.persona.lines import PLACEHOLDER
from tests.cogs.test_lore_admin import TRIVIA, submit_form
from tests.lore.test_store import snapshot

MODERATOR = Actor(moderator=True)

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class PrefersPlaceholders(random.Random):
    """Picks a line that says `{name}` whenever one is on offer: the worst case for this bug."""

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        items = [seq[i] for i in range(len(seq))]
        named = [item for item in items if isinstance(item, str) and PLACEHOLDER in item]
        return named[0] if named else super().choice(seq)


def said(exchange: Exchange) -> str:
    return json.dumps([call.payload for call in exchange.calls])


async def test_no_place_shows_a_placeholder(harness: Harness, tmp_path: Path) -> None:
    harness.bot.rng = PrefersPlaceholders(1)
    database = tmp_path / "data" / "guilds.sqlite3"
    opened = await harness.command("lore add", actor=MODERATOR, kind="trivia")
    before = snapshot(database)
    exchanges = {
        "moderator refusal (verdict)": await submit_form(
            harness, opened, {**TRIVIA, "details": "topic: nowhere"}, MODERATOR
        ),
        "member refusal (forbidden)": await harness.command("lore add", kind="trivia"),
        "unknown name": await harness.command("character", name="zzzzzzzzzz"),
        "remove asks to confirm": await harness.command(
            "lore remove", actor=MODERATOR, entry="vicky-page"
        ),
    }
    exchanges["not your button"] = await harness.click(
        "Confirm", actor=Actor(user_id=77, moderator=True)
    )
    for place, exchange in exchanges.items():
        assert exchange.calls, place
        assert PLACEHOLDER not in said(exchange), place
    assert "Nothing was changed" in said(exchanges["moderator refusal (verdict)"])
    assert snapshot(database) == before
