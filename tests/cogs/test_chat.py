"""The chat cog's decisions: whom it answers, and how it refuses to be used to flood."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import cast

import discord
import pytest

from bot.cogs.chat import Limits, Seen, Verdict, should_answer, strip_mention

PERSON = Seen(
    from_bot=False,
    from_webhook=False,
    from_me=False,
    in_dm=False,
    mentions_me=False,
    replies_to_me=False,
    has_text=True,
)


@pytest.mark.parametrize(
    "seen",
    [
        replace(PERSON, mentions_me=True),
        replace(PERSON, mentions_me=True, has_text=False),
        replace(PERSON, in_dm=True),
        replace(PERSON, replies_to_me=True),
    ],
)
def test_answers_people_who_address_it(seen: Seen) -> None:
    assert should_answer(seen)


@pytest.mark.parametrize(
    "seen",
    [
        PERSON,
        replace(PERSON, mentions_me=True, from_bot=True),
        replace(PERSON, mentions_me=True, from_webhook=True),
        replace(PERSON, in_dm=True, from_me=True, from_bot=True),
        replace(PERSON, in_dm=True, has_text=False),
        replace(PERSON, replies_to_me=True, has_text=False),
    ],
)
def test_ignores_bots_webhooks_itself_and_chatter(seen: Seen) -> None:
    assert not should_answer(seen)


def test_strip_mention_removes_only_the_bots_own() -> None:
    assert strip_mention("<@42> who played <@7>?", 42) == "who played <@7>?"
    assert strip_mention("<@!42>hello <@42>", 42) == "hello"


T0 = 1_700_000_000.0
"""Cooldown times are Unix seconds (discord.py's buckets treat 0 as "now")."""


def said(user: str, channel: str = "c") -> discord.Message:
    """What the limits read of a message: who sent it, and where."""
    return cast(
        discord.Message,
        SimpleNamespace(author=SimpleNamespace(id=user), channel=SimpleNamespace(id=channel)),
    )


def test_user_cooldown_warns_once_then_stays_silent() -> None:
    limits = Limits(per_user=2, per_channel=10, window=10.0)
    verdicts = [limits.check(said("ann"), T0 + t) for t in (0.0, 1.0, 2.0, 3.0, 4.0)]
    assert verdicts == [
        Verdict.ANSWER,
        Verdict.ANSWER,
        Verdict.WARN,
        Verdict.SILENT,
        Verdict.SILENT,
    ]
    assert limits.retry_after(said("ann"), T0 + 4.0) == pytest.approx(6.0)
    assert limits.check(said("ann"), T0 + 10.5) is Verdict.ANSWER


def test_user_limit_does_not_touch_other_users() -> None:
    limits = Limits(per_user=1, per_channel=10, window=10.0)
    assert limits.check(said("ann"), T0) is Verdict.ANSWER
    assert limits.check(said("ann"), T0 + 0.1) is Verdict.WARN
    assert limits.check(said("bob"), T0 + 0.2) is Verdict.ANSWER


def test_channel_limit_holds_across_users() -> None:
    limits = Limits(per_user=5, per_channel=2, window=10.0)
    assert limits.check(said("ann"), T0) is Verdict.ANSWER
    assert limits.check(said("bob"), T0 + 0.1) is Verdict.ANSWER
    assert limits.check(said("cat"), T0 + 0.2) is Verdict.WARN
    assert limits.check(said("cat", "other"), T0 + 0.3) is Verdict.ANSWER


def test_refused_messages_do_not_use_up_the_allowance() -> None:
    limits = Limits(per_user=1, per_channel=10, window=10.0)
    limits.check(said("ann"), T0)
    for t in (1.0, 2.0, 3.0):
        limits.check(said("ann"), T0 + t)
    assert limits.check(said("ann"), T0 + 10.5) is Verdict.ANSWER


def test_a_refusal_by_the_channel_limit_spends_nothing_of_the_users() -> None:
    limits = Limits(per_user=1, per_channel=1, window=10.0)
    assert limits.check(said("ann"), T0) is Verdict.ANSWER
    assert limits.check(said("bob"), T0 + 1.0) is Verdict.WARN
    assert limits.check(said("bob", "other"), T0 + 2.0) is Verdict.ANSWER
