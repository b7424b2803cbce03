"""/lermontov: the audition replayed line by line, or played with the user as Vicky.

The script and its pauses come from the lore's dialogue entry. One replay runs per channel at a
time and each user has a cooldown, so the scene cannot be spammed. Playing Vicky uses a button
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

from bot.cogs.navigation import NONE, book_of, bot_of, say
from bot.lore.lorebook import Lorebook
from bot.lore.model import Dialogue
from bot.persona.audition import judge
from bot.persona.lines import persona_line
from bot.persona.replay import audition, films_reply, replay_steps, speaker_name
from bot.render.limits import INPUT_LABEL, clip
from bot.render.member_text import member_text
from bot.render.screens import spoken

log = logging.getLogger(__name__)

COOLDOWN = 30.0
COOLDOWN_MEMORY = 10_000
ANSWER_TIMEOUT = 60.0
ANSWER_MAX = 300

Answer = Callable[[discord.Interaction[Any], str], Awaitable[None]]


class AnswerForm(discord.ui.Modal, title="The audition"):
    """The form the user answers in, as Vicky."""

    def __init__(self, question: str, on_answer: Answer) -> None:
        super().__init__(timeout=ANSWER_TIMEOUT)
        self.answer: discord.ui.TextInput[AnswerForm] = discord.ui.TextInput(
            label=clip(question, INPUT_LABEL), max_length=ANSWER_MAX, custom_id="answer"
        )
        self.add_item(self.answer)
        self._on_answer = on_answer

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await self._on_answer(interaction, self.answer.value)


class AuditionView(discord.ui.View):
    """One button, for the user who asked to play, that opens the answer form."""

    def __init__(self, owner: int, question: str, on_answer: Answer) -> None:
        super().__init__(timeout=None)
        self.owner, self.question, self.on_answer = owner, question, on_answer

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id == self.owner:
            return True
        await say(interaction, "not_yours")
        return False

    @discord.ui.button(
        label="Answer as Vicky", style=discord.ButtonStyle.danger, custom_id="rs:audition"
    )
    async def answer(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_modal(AnswerForm(self.question, self.on_answer))


class Lermontov(commands.Cog):
    """The replay and the audition; `sleep` and `clock` are swapped in tests to keep them fast."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.clock: Callable[[], float] = time.monotonic
        self.cooldown = COOLDOWN
        self.answer_timeout = ANSWER_TIMEOUT
        self._busy: set[int] = set()
        self._last_use: dict[int, float] = {}

    @app_commands.command(
        description="'Why do you want to dance?' The audition, as the film has it."
    )
    @app_commands.describe(
        play="Play Vicky: Lermontov asks you, and waits a minute for your answer"
    )
    async def lermontov(self, interaction: discord.Interaction[Any], play: bool = False) -> None:
        book = await book_of(interaction)
        dialogue = audition(book)
        if dialogue is None:
            await say(interaction, "unknown")
            return
        channel, user = interaction.channel_id or 0, interaction.user.id
        last = self._last_use.get(user)
        if last is not None and self.clock() - last < self.cooldown:
            await say(interaction, "cooldown")
            return
        if channel in self._busy:
            await say(interaction, "busy")
            return
        self._busy.add(channel)
        self._remember_use(user)
        try:
            if play:
                await self._audition(interaction, book, dialogue)
            else:
                await self._replay(interaction, book, dialogue)
        finally:
            self._busy.discard(channel)

    def _remember_use(self, user: int) -> None:
        """Note the user's replay; forget users whose cooldown has passed, so a bot in many
        servers does not keep every user it ever saw."""
        now = self.clock()
        if len(self._last_use) >= COOLDOWN_MEMORY:
            self._last_use = {u: t for u, t in self._last_use.items() if now - t < self.cooldown}
        self._last_use[user] = now

    async def _typing(self, interaction: discord.Interaction[Any]) -> None:
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            await channel.typing()
        except discord.HTTPException as error:
            log.info("no typing indicator in channel %s: %s", interaction.channel_id, error)

    async def _replay(
        self, interaction: discord.Interaction[Any], book: Lorebook, dialogue: Dialogue
    ) -> None:
        await interaction.response.send_message(f"*{dialogue.context}*", allowed_mentions=NONE)
        for step in replay_steps(book, dialogue):
            await self._typing(interaction)
            await self.sleep(step.pause)
            await interaction.followup.send(spoken(step.speaker, step.line), allowed_mentions=NONE)

    async def _audition(
        self, interaction: discord.Interaction[Any], book: Lorebook, dialogue: Dialogue
    ) -> None:
        first = dialogue.lines[0]
        asker = speaker_name(book, first.speaker)
        answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        async def on_answer(submitted: discord.Interaction[Any], text: str) -> None:
            if answered.done():
                await say(submitted, "timeout")
                return
            rng = bot_of(submitted).rng
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
                allowed_mentions=NONE,
            )
            answered.set_result(None)

        view = AuditionView(interaction.user.id, first.line, on_answer)
        await interaction.response.send_message(
            f"{spoken(asker, first.line)}\n-# Answer as Vicky within a minute.",
            view=view,
            allowed_mentions=NONE,
        )
        try:
            await asyncio.wait_for(answered, self.answer_timeout)
        except TimeoutError:
            timeout = persona_line(
                book, "timeout", bot_of(interaction).rng, interaction.user.display_name
            )
            await interaction.followup.send(spoken(asker, timeout), allowed_mentions=NONE)
        finally:
            view.stop()
            await interaction.edit_original_response(view=None, allowed_mentions=NONE)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Lermontov(bot))
