"""`/quiz start|stop|leaderboard`: a trivia game the whole channel plays with answer buttons.

Thin glue: the rules live in `bot.quiz.engine`, the embeds in `bot.render.quiz`, the points in
`bot.quiz.sqlite`. Answer buttons are routed by custom id through a dynamic item, so a
click on an old game's buttons, even from before a restart, still gets a clear answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, reply, words_for
from bot.cogs.places import SERVER_ONLY
from bot.cogs.utils.checks import moderates
from bot.cogs.utils.replies import guarded
from bot.quiz.engine import (
    Game,
    GameRunning,
    NoQuestions,
    QuizRegistry,
    Round,
    Verdict,
    end_abandoned,
)
from bot.quiz.opening import open_score_store
from bot.quiz.questions import MAX_ROUNDS, Topic
from bot.quiz.store import Ending, GameRecord, Standing
from bot.render import quiz as render
from bot.render.plain import embed_message
from bot.render.words import Words

log = logging.getLogger(__name__)


class FollowupHost:
    """Shows one game as follow-ups to its `/quiz start`; round 1 waits for that response.

    Follow-ups need no Send Messages permission in the channel and can be edited later (to close
    a question's buttons). Their token lasts 15 minutes, well over the longest game
    (`MAX_ROUNDS` rounds of `QuizSettings` time). The game's frame is in the language of whoever
    started it (the questions are the lore's).
    """

    def __init__(self, followup: discord.Webhook, words: Words) -> None:
        self.followup = followup
        self.words = words
        self.announced = asyncio.Event()
        self._question: discord.WebhookMessage | None = None

    async def round_opened(self, game: Game, rnd: Round) -> None:
        await self.announced.wait()
        self._question = await self.followup.send(
            **embed_message(render.question_embed(game, rnd, self.words)),
            view=render.answer_view(game, rnd),
            wait=True,
        )

    async def round_closed(self, game: Game, rnd: Round) -> None:
        if self._question is not None:
            await self._question.edit(
                **embed_message(render.question_embed(game, rnd, self.words)),
                view=render.answer_view(game, rnd),
            )
        await self.followup.send(**embed_message(render.reveal_embed(game, rnd, self.words)))

    async def game_over(self, game: Game, ending: Ending) -> None:
        await self.followup.send(**embed_message(render.final_embed(game, ending, self.words)))


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=render.ANSWER_ID
):
    """Any quiz answer button, in any message, from this process or an earlier one."""

    def __init__(self, game_id: str, round_number: int, choice: int) -> None:
        super().__init__(
            discord.ui.Button(custom_id=render.answer_id(game_id, round_number, choice))
        )
        self.game_id = game_id
        self.round_number = round_number
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[RedShoesBot],  # type: ignore[override]
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(match["game"], int(match["round"]), int(match["choice"]))

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "quiz answer")
        return True

    async def callback(self, interaction: discord.Interaction[RedShoesBot]) -> None:  # type: ignore[override]
        cog = interaction.client.get_cog(Trivia.__cog_name__)
        if not isinstance(cog, Trivia):
            await reply(interaction, words_for(interaction)(render.VERDICTS[Verdict.NO_GAME]))
            return
        await guarded(interaction, lambda: cog.answer(interaction, self))


class Trivia(commands.Cog):
    """The quiz: one game per channel, points kept per server."""

    quiz = app_commands.Group(
        name="quiz", description="A trivia game about The Red Shoes", guild_only=True, **SERVER_ONLY
    )

    def __init__(self, bot: RedShoesBot, registry: QuizRegistry) -> None:
        self.bot = bot
        self.registry = registry
        self._swept: set[int] = set()
        """Servers whose games left by a previous process were ended (once per process)."""

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnswerButton)
        for guild in self.bot.guilds:  # loaded while connected: the servers are known already
            await self._end_abandoned(guild.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A server this process's shards own (READY, then its GUILD_CREATE): only now may its
        unfinished games be ended; another process's servers are never touched."""
        await self._end_abandoned(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._end_abandoned(guild.id)

    async def _end_abandoned(self, guild_id: int) -> None:
        if guild_id in self._swept:
            return
        self._swept.add(guild_id)
        running = {game.record.game_id for game in self.registry.games()}
        await end_abandoned(self.registry.store, self._announce_interrupted, guild_id, running)

    async def wind_down(self) -> None:
        """A graceful stop (SIGTERM): every game ends now, its open round revealed, the players
        told why, the points stored; what the shutdown's grace cuts short, the next start ends."""
        await self.registry.shut_down()

    async def cog_unload(self) -> None:
        """Games still running are cancelled, not ended: the next process ends and announces
        them (a graceful stop has ended them already, in `wind_down`)."""
        self.bot.remove_dynamic_items(AnswerButton)
        await self.registry.close()
        await self.registry.store.close()

    async def _announce_interrupted(self, record: GameRecord, standings: list[Standing]) -> None:
        channel = self.bot.get_partial_messageable(record.channel_id, guild_id=record.guild_id)
        # Nobody acted: the starter's language was not kept, so this is said in English.
        notice = render.interrupted_embed(record, standings, self.bot.words.english)
        await channel.send(**embed_message(notice))

    @quiz.command(name="start", description="Start a quiz in this channel")
    @app_commands.describe(rounds="How many questions (default 5)", topic="What to ask about")
    async def start(
        self,
        interaction: discord.Interaction[RedShoesBot],
        rounds: app_commands.Range[int, 1, MAX_ROUNDS] = 5,
        topic: Topic = "all",
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        book = await self.bot.library.book_for(interaction.guild_id)
        words = words_for(interaction)
        host = FollowupHost(interaction.followup, words)
        try:
            game = await self.registry.start(
                book,
                host,
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
                starter_id=interaction.user.id,
                topic=topic,
                rounds=rounds,
            )
        except GameRunning:
            line = words.line(book, "busy", self.bot.rng)
            await reply(interaction, f"{line} {words('quiz.running')}")
            return
        except NoQuestions:
            await reply(interaction, words("quiz.no_questions", topic=words.choice(topic)))
            return
        log.info("quiz game %s started in channel %s", game.id, interaction.channel_id)
        try:
            await interaction.response.send_message(
                **embed_message(render.start_embed(game, words)),
            )
        finally:
            host.announced.set()

    @quiz.command(name="stop", description="Stop this channel's quiz (its starter or a moderator)")
    async def stop(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        assert interaction.channel_id is not None
        words = words_for(interaction)
        game = self.registry.in_channel(interaction.channel_id)
        if game is None:
            await reply(interaction, words("quiz.none_running"))
            return
        user = interaction.user.id
        if user != game.record.starter_id and not await moderates(interaction):
            book = await self.bot.library.book_for(interaction.guild_id)
            line = words.line(book, "forbidden", self.bot.rng)
            await reply(interaction, f"{line} {words('quiz.stop_refused')}")
            return
        game.stop(by=user)
        log.info("quiz game %s stopped by %s", game.id, user)
        await reply(interaction, words("quiz.stopped"))

    @quiz.command(name="leaderboard", description="This server's best quiz players")
    async def leaderboard(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        assert interaction.guild_id is not None
        standings = await self.registry.store.leaderboard(
            interaction.guild_id, render.LEADERBOARD_SIZE
        )
        await interaction.response.send_message(
            **embed_message(render.leaderboard_embed(standings, words_for(interaction)))
        )

    async def answer(
        self, interaction: discord.Interaction[RedShoesBot], button: AnswerButton
    ) -> None:
        """A click on an answer: judged by the engine, answered privately to whoever clicked."""
        assert interaction.channel_id is not None
        verdict = await self.registry.answer(
            interaction.channel_id,
            button.game_id,
            button.round_number,
            interaction.user.id,
            button.choice,
        )
        await reply(interaction, words_for(interaction)(render.VERDICTS[verdict]))


async def setup(bot: RedShoesBot) -> None:
    store = await open_score_store(bot.settings.database(), bot.settings.data_dir)
    await bot.add_cog(Trivia(bot, QuizRegistry(store)))
