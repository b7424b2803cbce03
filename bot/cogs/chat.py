"""Chat: Lermontov answers when mentioned, in DMs, and when someone replies to one of his messages.

Discord delivers the text of exactly those messages without the privileged message-content
intent, so the bot never asks for it. The deciding is pure (`should_answer`, `Cooldowns`) and
tested without Discord; the answering is `bot.persona.chat`. This cog only listens, rate-limits
and sends, never pinging anyone. The offline console talks to the same cog through `reply`, so a
conversation tried there has the same follow-up memory as one in a channel.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict, deque
from collections.abc import Hashable
from dataclasses import dataclass
from enum import Enum

import discord
from discord.ext import commands

from bot.app import RedShoesBot
from bot.cogs.navigation import NONE
from bot.persona.chat import Answerer, Reply
from bot.persona.lines import persona_line
from bot.render.limits import CONTENT, clip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Seen:
    """What the decision needs to know about a message, without Discord types."""

    from_bot: bool
    from_webhook: bool
    from_me: bool
    in_dm: bool
    mentions_me: bool
    replies_to_me: bool
    has_text: bool


def should_answer(seen: Seen) -> bool:
    """Answer people (never bots, webhooks or itself) who address the bot and said something."""
    if seen.from_bot or seen.from_webhook or seen.from_me:
        return False
    if seen.mentions_me:
        return True
    return (seen.in_dm or seen.replies_to_me) and seen.has_text


class Verdict(Enum):
    ANSWER = "answer"
    WARN = "warn"
    """Too fast: say the cooldown line, once per window."""
    SILENT = "silent"
    """Too fast and already warned: say nothing."""


class _Window:
    """Timestamps of recent answers for one key, and when that key was last warned."""

    __slots__ = ("times", "warned")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.warned = float("-inf")


class Cooldowns:
    """At most `per_user` answers per user and `per_channel` per channel in `window` seconds.

    Sliding windows, so a burst is refused however it lines up with a clock. Keys are bounded
    (least recently used forgotten first) so a large bot does not grow without limit.
    """

    def __init__(
        self,
        per_user: int = 3,
        per_channel: int = 8,
        window: float = 30.0,
        capacity: int = 10_000,
    ) -> None:
        self._limits = {"user": per_user, "channel": per_channel}
        self._window = window
        self._capacity = capacity
        self._seen: OrderedDict[tuple[str, Hashable], _Window] = OrderedDict()

    def _slot(self, scope: str, key: Hashable, now: float) -> _Window:
        slot = self._seen.get((scope, key))
        if slot is None:
            slot = self._seen[(scope, key)] = _Window()
            while len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
        self._seen.move_to_end((scope, key))
        while slot.times and now - slot.times[0] >= self._window:
            slot.times.popleft()
        return slot

    def check(self, user: Hashable, channel: Hashable, now: float) -> Verdict:
        """Count an answer if both limits allow it; otherwise warn the user once per window."""
        user_slot = self._slot("user", user, now)
        channel_slot = self._slot("channel", channel, now)
        full = len(user_slot.times) >= self._limits["user"]
        full = full or len(channel_slot.times) >= self._limits["channel"]
        if not full:
            user_slot.times.append(now)
            channel_slot.times.append(now)
            return Verdict.ANSWER
        if now - user_slot.warned >= self._window:
            user_slot.warned = now
            return Verdict.WARN
        return Verdict.SILENT


def strip_mention(text: str, bot_id: int) -> str:
    """The message without the bot's own mention(s), which are how it was called, not the ask."""
    return re.sub(rf"<@!?{bot_id}>", " ", text).strip()


class Chat(commands.Cog):
    """Listens for messages addressed to the bot and answers them in character."""

    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot
        self.answerer = Answerer(rng=bot.rng)
        self.cooldowns = Cooldowns()

    def _seen(self, message: discord.Message) -> Seen:
        me = self.bot.user
        reference = message.reference
        replied = reference.resolved if reference else None
        return Seen(
            from_bot=message.author.bot,
            from_webhook=message.webhook_id is not None,
            from_me=me is not None and message.author.id == me.id,
            in_dm=message.guild is None,
            mentions_me=me is not None and me.id in message.raw_mentions,
            replies_to_me=(
                isinstance(replied, discord.Message) and me is not None and replied.author == me
            ),
            has_text=bool(message.content.strip()),
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if self.bot.user is None or not should_answer(self._seen(message)):
            return
        started = time.perf_counter()
        verdict = self.cooldowns.check(message.author.id, message.channel.id, time.monotonic())
        if verdict is Verdict.SILENT:
            return
        guild_id = message.guild.id if message.guild else None
        if verdict is Verdict.WARN:
            book = await self.bot.library.book_for(guild_id)
            await self._send(message, persona_line(book, "cooldown", self.bot.rng))
            return
        text = strip_mention(message.content, self.bot.user.id)
        reply = await self.reply(guild_id, message.channel.id, text, message.author.display_name)
        await self._send(message, reply.answer)
        log.info(
            "chat answer channel=%s sources=%s confidence=%.2f ms=%.1f",
            message.channel.id,
            ",".join(reply.sources) or "-",
            reply.confidence,
            (time.perf_counter() - started) * 1000,
        )

    async def reply(
        self, guild_id: int | None, channel_id: int, text: str, name: str | None = None
    ) -> Reply:
        """Lermontov's answer to `text` said in this channel, from that server's lore."""
        book = await self.bot.library.book_for(guild_id)
        # A book's fact index is built on its first question; build it off the event loop.
        await asyncio.to_thread(lambda: book.facts)
        return self.answerer.answer(book, text, channel=channel_id, name=name)

    async def _send(self, message: discord.Message, text: str) -> None:
        await message.reply(
            clip(text, CONTENT),
            mention_author=False,
            allowed_mentions=NONE,
        )


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, RedShoesBot)
    await bot.add_cog(Chat(bot))
