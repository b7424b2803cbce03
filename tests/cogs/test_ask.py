""" "Ask Lermontov": a message menu command that hands any message's text to the chat, through
the chat cog's own answering path (same lore, limits and no-link rule)."""

from __future__ import annotations

from bot.cogs.chat import ASK
from bot.offline.harness import Exchange, Harness
from bot.offline.payloads import Actor

EPHEMERAL = 1 << 6
ASKER = Actor(user_id=1002, username="julian")
WRITER = Actor(user_id=1003, username="boris")


def said(exchange: Exchange) -> dict[str, object]:
    [followup] = exchange.of("followup")
    return followup


async def test_the_chosen_message_is_answered_from_the_lore(harness: Harness) -> None:
    lermontov = harness.bot.library.shipped.find("lermontov", ["character"])
    assert lermontov is not None
    question = WRITER.said("who played Lermontov?")
    exchange = await harness.message_menu(ASK, question, actor=ASKER)
    assert exchange.response["type"] == 5  # thinking…, then the answer
    content = str(said(exchange)["content"])
    assert "Anton Walbrook" in content
    assert question["id"] in content and "who played" not in content


async def test_links_and_pings_in_the_message_are_never_posted_live(harness: Harness) -> None:
    bait = WRITER.said("@everyone [discord.com](https://elsewhere.example) who is Vicky?")
    content = str(said(await harness.message_menu(ASK, bait, actor=ASKER))["content"])
    assert content.count("://") == 1  # the link to the message, and nothing of the member's
    assert "](" not in content and "@everyone" not in content


async def test_it_shares_the_chats_limits(harness: Harness) -> None:
    answered = [
        await harness.message_menu(ASK, WRITER.said(f"who is Vicky? {n}"), actor=ASKER)
        for n in range(3)
    ]
    assert all(a.response["type"] == 5 for a in answered)
    refused = await harness.message_menu(ASK, WRITER.said("who is Julian?"), actor=ASKER)
    assert refused.data["flags"] & EPHEMERAL and not refused.of("followup")


async def test_a_message_without_text_gets_a_line_not_an_answer(harness: Harness) -> None:
    exchange = await harness.message_menu(ASK, WRITER.said(""), actor=ASKER)
    assert exchange.data["flags"] & EPHEMERAL and exchange.data["content"]
    assert not exchange.of("followup")


async def test_it_works_through_a_members_own_install_in_a_dm(harness: Harness) -> None:
    friend = Actor(user_id=1002, guild_id=None, user_install=True)
    writer = Actor(user_id=1003, guild_id=None)
    exchange = await harness.message_menu(ASK, writer.said("who played Lermontov?"), friend)
    assert "Anton Walbrook" in str(said(exchange)["content"])
