"""/lermontov: the audition replayed line by line, or played with the user as Vicky.

The script and its pauses come from the lore's dialogue entry. One replay runs per channel at a
time and each user has a cooldown (discord.py's, answered by the bot's error handler), so the
scene cannot be spammed. Playing Vicky uses a button
that opens a form, which needs no message-content intent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, words_for
from bot.cogs.places import anywhere
from bot.cogs.utils.replies import book_of, say
from bot.lore.lorebook import Lorebook
from bot.lore.model import Dialogue
from bot.persona.audition import judge
from bot.persona.lines import persona_line
from bot.persona.replay import audition, films_reply, replay_steps, speaker_name
from bot.render.limits import INPUT_LABEL, clip
from bot.render.member_text import member_text
from bot.render.screens import spoken
from bot.render.words import Words

log = logging.getLogger(__name__)

COOLDOWN = 30.0
"""Seconds a user waits between two /lermontov scenes."""
ANSWER_TIMEOUT = 60.0
ANSWER_MAX = 300

Answer = Callable[[discord.Interaction[RedShoesBot], str], Awaitable[None]]


class AnswerForm(discord.ui.Modal):
    """The form the user answers in, as Vicky."""

    def __init__(self, title: str, question: str, on_answer: Answer) -> None:
        super().__init__(title=title, timeout=ANSWER_TIMEOUT)
        self.answer: discord.ui.TextInput[AnswerForm] = discord.ui.TextInput(
            label=clip(question, INPUT_LABEL), max_length=ANSWER_MAX, custom_id="answer"
        )
        self.add_item(self.answer)
        self._on_answer = on_answer

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "audition form")
        return True

    async def on_submit(self, interaction: discord.Interaction[RedShoesBot], /) -> None:  # type: ignore[override]
        await self._on_answer(interaction, self.answer.value)


class AuditionView(discord.ui.View):
    """One button, for the user who asked to play, that opens the answer form; both are in
    the player's language (the question itself is the film's line)."""

    def __init__(self, owner: int, question: str, on_answer: Answer, words: Words) -> None:
        super().__init__(timeout=None)
        self.owner, self.question, self.on_answer = owner, question, on_answer
        self.answer.label = words("audition.button")
        self.title = words("audition.title")

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "audition")
        if interaction.user.id == self.owner:
            return True
        await say(interaction, "not_yours")
        return False

    @discord.ui.button(style=discord.ButtonStyle.danger, custom_id="rs:audition")
    async def answer(
        self, interaction: discord.Interaction[RedShoesBot], _: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_modal(AnswerForm(self.title, self.question, self.on_answer))


class Lermontov(commands.Cog):
    """The replay and the audition; `sleep` and `clock` are swapped in tests to keep them fast."""

    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.clock: Callable[[], float] = time.time
        self.answer_timeout = ANSWER_TIMEOUT
        self.cooldowns: commands.CooldownMapping[discord.Interaction[RedShoesBot]] = (
            commands.CooldownMapping(commands.Cooldown(1, COOLDOWN), lambda i: i.user.id)
        )
        self._busy: set[int] = set()

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        """discord.py's per-user cooldown on the scene; the bot's error handler answers it.

        The buckets belong to this cog (not to a decorator's module-wide mapping), so each bot,
        and each test's bot, counts its own users, and forgets them once their wait is over.
        """
        now = self.clock()
        bucket = self.cooldowns.get_bucket(interaction, now)
        assert bucket is not None  # None only for a mapping without a key (BucketType.default)
        retry_after = bucket.update_rate_limit(now)
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)
        return True

    @anywhere
    @app_commands.command(
        description="'Why do you want to dance?' The audition, as the film has it."
    )
    @app_commands.describe(
        play="Play Vicky: Lermontov asks you, and waits a minute for your answer"
    )
    async def lermontov(
        self, interaction: discord.Interaction[RedShoesBot], play: bool = False
    ) -> None:
        book = await book_of(interaction)
        dialogue = audition(book)
        if dialogue is None:
            await say(interaction, "unknown")
            return
        channel = interaction.channel_id or 0
        if channel in self._busy:
            await say(interaction, "busy")
            return
        self._busy.add(channel)
        try:
            if play:
                await self._audition(interaction, book, dialogue)
            else:
                await self._replay(interaction, book, dialogue)
        finally:
            self._busy.discard(channel)

    async def _typing(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            await channel.typing()
        except discord.HTTPException as error:
            log.info("no typing indicator in channel %s: %s", interaction.channel_id, error)

    async def _replay(
        self, interaction: discord.Interaction[RedShoesBot], book: Lorebook, dialogue: Dialogue
    ) -> None:
        await interaction.response.send_message(f"*{dialogue.context}*")
        for step in replay_steps(book, dialogue):
            await self._typing(interaction)
            await self.sleep(step.pause)
            await interaction.followup.send(spoken(step.speaker, step.line))

    async def _audition(
        self, interaction: discord.Interaction[RedShoesBot], book: Lorebook, dialogue: Dialogue
    ) -> None:
        first = dialogue.lines[0]
        asker = speaker_name(book, first.speaker)
        answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        async def on_answer(submitted: discord.Interaction[RedShoesBot], text: str) -> None:
            if answered.done():
                await say(submitted, "timeout")
                return
            rng = submitted.client.rng
            verdict = judge(
                text,
                films_reply(dialogue),
                persona_line(book, "verdict", rng, submitted.user.display_name),
                persona_line(book, "approval", rng, submitted.user.display_name),
            )
            log.info(
                "audition answered in channel %s (in spirit: %s)",
                submitted.channel_id,
                verdict.in_spirit,
            )
            await submitted.response.send_message(
                f"{spoken(member_text(submitted.user.display_name), member_text(text))}\n"
                f"{spoken(asker, verdict.reply)}",
            )
            answered.set_result(None)

        words = words_for(interaction)
        view = AuditionView(interaction.user.id, first.line, on_answer, words)
        await interaction.response.send_message(
            f"{spoken(asker, first.line)}\n-# {words('audition.hint')}", view=view
        )
        try:
            await asyncio.wait_for(answered, self.answer_timeout)
        except TimeoutError:
            timeout = persona_line(
                book, "timeout", interaction.client.rng, interaction.user.display_name
            )
            await interaction.followup.send(spoken(asker, timeout))
        finally:
            view.stop()
            await interaction.edit_original_response(view=None)


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(Lermontov(bot))
