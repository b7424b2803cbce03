"""Chat: Lermontov answers when mentioned, in DMs, and when someone replies to one of his messages.

Discord delivers the text of exactly those messages without the privileged message-content
intent, so the bot never asks for it; "Ask Lermontov" (a message menu command) hands him any
other message's text, under the same limits and through the same answering path. The deciding
(`should_answer`, `Limits` on discord.py's cooldowns) is tested without a connection; the
answering is `bot.persona.chat`. This cog only listens, rate-limits and sends, never pinging
anyone. The offline console talks to the same cog
through `reply`, so a conversation tried there has the same follow-up memory as one in a channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from dataclasses import dataclass
from enum import Enum

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, lore_server, reply, words_for
from bot.cogs.places import anywhere
from bot.persona.chat import Answerer
from bot.persona.llm.reply import VoicedReply, Waiting, respond, voice_for
from bot.render.limits import CONTENT, clip
from bot.render.member_text import without_links
from bot.render.waits import wait_hint
from bot.render.words import Words

log = logging.getLogger(__name__)

ASK = "Ask Lermontov"
"""The message menu command's name (menu names may have capitals and spaces)."""

Said = discord.Message | discord.Interaction[RedShoesBot]
"""What a limit is counted on: a message to the bot, or someone's "Ask Lermontov"."""


def _asker(said: Said) -> int:
    return said.user.id if isinstance(said, discord.Interaction) else said.author.id


def _channel(said: Said) -> int | None:
    return said.channel_id if isinstance(said, discord.Interaction) else said.channel.id


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


class Limits:
    """At most `per_user` answers per user and `per_channel` per channel in `window` seconds,
    with discord.py's cooldowns; a user who is refused hears the cooldown line once per window.

    discord.py's buckets forget a key once its window has passed, so a large bot's memory stays
    bounded by who spoke recently. `now` (Unix seconds) is for tests; it defaults to the clock.
    """

    def __init__(self, per_user: int = 3, per_channel: int = 8, window: float = 30.0) -> None:
        self.per_user: commands.CooldownMapping[Said] = commands.CooldownMapping(
            commands.Cooldown(per_user, window), _asker
        )
        self.per_channel: commands.CooldownMapping[Said] = commands.CooldownMapping(
            commands.Cooldown(per_channel, window), _channel
        )
        self.warned: commands.CooldownMapping[Said] = commands.CooldownMapping(
            commands.Cooldown(1, window), _asker
        )

    def check(self, message: Said, now: float | None = None) -> Verdict:
        """Count an answer if both limits allow it; otherwise warn the user once per window."""
        user = self.per_user.get_bucket(message, now)
        channel = self.per_channel.get_bucket(message, now)
        assert user is not None and channel is not None  # None only for BucketType.default
        if user.get_tokens(now) and channel.get_tokens(now):
            user.update_rate_limit(now)
            channel.update_rate_limit(now)
            return Verdict.ANSWER
        warned = self.warned.get_bucket(message, now)
        assert warned is not None
        return Verdict.SILENT if warned.update_rate_limit(now) else Verdict.WARN

    def retry_after(self, message: Said, now: float | None = None) -> float:
        """Seconds until both limits would let `message`'s author be answered again."""
        buckets = (
            self.per_user.get_bucket(message, now),
            self.per_channel.get_bucket(message, now),
        )
        return max(b.get_retry_after(now) for b in buckets if b is not None)


def strip_mention(text: str, bot_id: int) -> str:
    """The message without the bot's own mention(s), which are how it was called, not the ask."""
    return re.sub(rf"<@!?{bot_id}>", " ", text).strip()


class Chat(commands.Cog):
    """Listens for messages addressed to the bot and answers them in character."""

    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot
        self.answerer = Answerer(rng=bot.rng)
        self.limits = Limits()
        self.voice = voice_for(bot.settings.llm())
        self.ask_menu = anywhere(app_commands.ContextMenu(name=ASK, callback=self.ask_about))

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)
        if self.voice is not None:
            await self.voice.close()

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
        if self.bot.user is None or self.bot.stopping or not should_answer(self._seen(message)):
            return
        self.bot.track(asyncio.current_task())
        verdict = self.limits.check(message)
        if verdict is Verdict.SILENT:
            return
        guild_id = message.guild.id if message.guild else None
        if verdict is Verdict.WARN:
            english = self.bot.words.english  # a message does not say its sender's language
            await self._send(message, await self.cooldown_line(guild_id, message, english))
            return
        text = strip_mention(message.content, self.bot.user.id)
        name = message.author.display_name
        # The typing indicator only while a model phrases the reply; the offline one is instant.
        said = await self.answer(guild_id, message.channel.id, text, name, message.channel.typing)
        await self._send(message, said)

    async def ask_about(
        self, interaction: discord.Interaction[RedShoesBot], message: discord.Message
    ) -> None:
        """ "Ask Lermontov" on a message: its text answered as if it had been said to him, under
        the same limits. The answer points at the message by its link, never by its words."""
        me = self.bot.user
        text = strip_mention(message.content, me.id) if me else message.content.strip()
        guild_id = lore_server(interaction)
        channel_id = interaction.channel_id
        assert channel_id is not None  # a message menu is always used on a message in a channel
        words = words_for(interaction)
        if not text:  # an image, an embed, a sticker: nothing to answer
            book = await self.bot.library.book_for(guild_id)
            await reply(interaction, words.line(book, "unknown", self.bot.rng))
            return
        if self.limits.check(interaction) is not Verdict.ANSWER:
            await reply(interaction, await self.cooldown_line(guild_id, interaction, words))
            return
        await interaction.response.defer(
            thinking=True
        )  # a server's first question builds its facts
        said = await self.answer(guild_id, channel_id, text, interaction.user.display_name)
        asked = words("ask.asked")
        await interaction.followup.send(clip(f"-# {asked} {message.jump_url}\n{said}", CONTENT))

    async def cooldown_line(self, guild_id: int | None, said: Said, words: Words) -> str:
        """The cooldown line in character, and how long to wait, in `words`' language."""
        started = time.perf_counter()
        book = await self.bot.library.book_for(guild_id)
        line = words.line(book, "cooldown", self.bot.rng)
        self._record(guild_id, "cooldown", started)
        return f"{line}\n{wait_hint(self.limits.retry_after(said), words)}"

    async def answer(
        self,
        guild_id: int | None,
        channel_id: int,
        text: str,
        name: str,
        waiting: Waiting = contextlib.nullcontext,
    ) -> str:
        """What Lermontov says back, logged, with no live link in it: an answer may echo the
        asker's words (their name, a thing he corrects), and the bot never posts those live."""
        started = time.perf_counter()
        reply = await self.reply(guild_id, channel_id, text, name, waiting)
        outcome = "answered" if reply.sources else "declined"
        extra = f" confidence={reply.confidence:.2f} backend={reply.backend}"
        self._record(guild_id, outcome, started, extra)
        log.debug("chat message=%r reply=%r sources=%s", text, reply.answer, reply.sources)
        return without_links(reply.answer)

    async def reply(
        self,
        guild_id: int | None,
        channel_id: int,
        text: str,
        name: str | None = None,
        waiting: Waiting = contextlib.nullcontext,
    ) -> VoicedReply:
        """Lermontov's answer to `text` said in this channel, from that server's lore."""
        book = await self.bot.library.book_for(guild_id)
        # A book's fact index is built on its first question; build it off the event loop, and
        # only then: once built, a thread hop per message would be pure overhead.
        if not book.facts_ready:
            await asyncio.to_thread(lambda: book.facts)
        voice, answerer = self.voice, self.answerer
        return await respond(voice, answerer, book, text, channel_id, guild_id, name, waiting)

    def _record(self, guild_id: int | None, outcome: str, started: float, extra: str = "") -> None:
        """Count a chat reply and log its one INFO line, in the shape of the interactions' lines;
        never the text (that is DEBUG), which is a member's words."""
        seconds = time.perf_counter() - started
        self.bot.metrics.chat.labels(outcome).inc()
        self.bot.metrics.latency.labels("chat").observe(seconds)
        log.info(
            "chat reply kind=message command=- guild=%s outcome=%s ms=%.1f%s",
            guild_id or "-",
            outcome,
            seconds * 1000,
            extra,
        )

    async def _send(self, message: discord.Message, text: str) -> None:
        await message.reply(
            clip(text, CONTENT),
            mention_author=False,
        )


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(Chat(bot))
