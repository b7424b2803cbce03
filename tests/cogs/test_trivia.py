"""`/quiz` through the real CommandTree: games, fair scoring, timeouts, stop rights, restarts."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from bot import app
from bot.app import RedShoesBot
from bot.cogs.trivia import Trivia
from bot.config import Settings
from bot.lore.lorebook import Lorebook
from bot.lore.store.base import GuildConfig
from bot.lore.store.database import DB_NAME
from bot.offline.harness import Exchange, Harness
from bot.offline.payloads import Actor
from bot.offline.recorder import Call
from bot.quiz.engine import Game, QuizRegistry, QuizSettings
from bot.quiz.sqlite import SqliteScoreStore
from bot.quiz.store import Ending, GameRecord, Standing
from bot.render.limits import problems
from tests.quiz.test_engine import FakeClock, InstantClock

STARTER = Actor(user_id=1001, username="vicky")
JULIAN = STARTER.as_user(1002, "julian")
BORIS = STARTER.as_user(1003, "boris")
MODERATOR = Actor(user_id=1004, username="grischa", moderator=True)
EPHEMERAL = 64


@dataclass
class Table:
    """A running offline bot with the quiz on a fake clock, and the database it scores into."""

    harness: Harness
    clock: FakeClock
    db: Path

    @property
    def cog(self) -> Trivia:
        cog = self.harness.bot.get_cog("Trivia")
        assert isinstance(cog, Trivia)
        return cog

    def game(self) -> Game:
        game = self.cog.registry.in_channel(STARTER.channel_id)
        assert game is not None
        return game

    async def seat(self, clock: FakeClock) -> None:
        """(Re)load the quiz cog on a fresh connection to the same database: a new process."""
        bot = self.harness.bot
        if bot.get_cog("Trivia") is not None:
            await bot.remove_cog("Trivia")
        self.clock = clock
        settings = QuizSettings(round_seconds=20, pause_seconds=0)
        store = await SqliteScoreStore.open(self.db)
        registry = QuizRegistry(store, clock=clock, settings=settings, rng=random.Random(5))
        await bot.add_cog(Trivia(bot, registry))

    async def next_message(self, start: int, title: str) -> Call:
        """The next message the game sent (not a reply) whose embed title starts with `title`."""

        def wanted(call: Call) -> bool:
            embeds = (call.payload or {}).get("embeds") or [{}]
            return call.kind in {"message", "followup"} and embeds[0].get("title", "").startswith(
                title
            )

        return await self.harness.recorder.wait_for(wanted, start)

    async def start(self, actor: Actor = STARTER, **options: Any) -> tuple[Exchange, Call]:
        mark = len(self.harness.recorder.calls)
        exchange = await self.harness.command("quiz start", actor=actor, **options)
        return exchange, await self.next_message(mark, "Question 1")

    async def click(self, question: Call, choice: int, actor: Actor) -> str:
        """Press answer `choice` (0-based) on a question message; the ephemeral reply's text."""
        message = self.harness.message(self._message_id(question))
        exchange = await self.harness.click(choice + 1, message, actor)
        return ephemeral_text(exchange)

    def _message_id(self, call: Call) -> int:
        for message_id, message in self.harness.recorder.messages.items():
            if message.get("embeds") == (call.payload or {}).get("embeds"):
                return message_id
        raise AssertionError("question message not recorded")


def ephemeral_text(exchange: Exchange) -> str:
    data = exchange.data
    assert data.get("flags", 0) & EPHEMERAL, data
    assert data.get("allowed_mentions") == {"parse": []}
    text: str = data["content"]
    return text


@pytest.fixture
async def table(
    tmp_path: Path, lorebook: Lorebook, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Table]:
    """The quiz alone on an offline bot (other cogs are tested in their own files)."""
    monkeypatch.setattr(app, "EXTENSIONS", ())
    settings = Settings(data_dir=tmp_path, discord_token=None)
    bot = RedShoesBot(settings, lorebook)
    async with Harness.running(bot, STARTER) as harness:
        seated = Table(harness, FakeClock(), tmp_path / DB_NAME)
        await seated.seat(FakeClock())
        yield seated
        await bot.remove_cog("Trivia")


def every_payload_is_quiet_and_fits(table: Table) -> None:
    for call in table.harness.recorder.calls:
        payload = call.payload or {}
        body = payload.get("data", payload) if call.kind == "callback" else payload
        if call.kind in {"callback", "message", "followup"} and body:
            assert body.get("allowed_mentions") == {"parse": []}, call
            assert problems(body) == [], call
            assert "{name}" not in json.dumps(body), call


async def test_a_whole_game(table: Table):
    exchange, question = await table.start(rounds=2, topic="all")
    start = exchange.data
    assert start["embeds"][0]["title"] == "Quiz: 2 questions"
    assert not start.get("flags", 0) & EPHEMERAL
    game = table.game()
    buttons = question.payload["components"][0]["components"]  # type: ignore[index]
    assert [b["label"] for b in buttons] == list(game.questions[0].choices)
    assert "<t:" in question.payload["embeds"][0]["fields"][0]["value"]  # type: ignore[index]

    right = game.questions[0].correct
    wrong = (right + 1) % len(game.questions[0].choices)
    mark = len(table.harness.recorder.calls)
    assert "one answer" in await table.click(question, wrong, JULIAN)
    assert "point is yours" in await table.click(question, right, BORIS)
    reveal = await table.next_message(mark, "The answer:")
    embed = reveal.payload["embeds"][0]  # type: ignore[index]
    assert embed["title"] == f"The answer: {game.questions[0].answer}"
    assert embed["description"] == game.questions[0].fact
    assert f"<@{BORIS.user_id}>" in embed["fields"][0]["value"]

    second = await table.next_message(mark, "Question 2")
    mark = len(table.harness.recorder.calls)
    assert "point is yours" in await table.click(second, game.questions[1].correct, BORIS)
    final = await table.next_message(mark, "The quiz is over")
    assert f"**1.** <@{BORIS.user_id}> — 2 points" in final.payload["embeds"][0]["description"]  # type: ignore[index]
    assert table.cog.registry.in_channel(STARTER.channel_id) is None
    every_payload_is_quiet_and_fits(table)


async def test_simultaneous_answers_score_exactly_once(table: Table):
    _, question = await table.start(rounds=1)
    game = table.game()
    message = table.harness.message(table._message_id(question))
    right = game.questions[0].correct + 1
    players = [STARTER.as_user(2000 + n) for n in range(20)]
    clicks = [table.harness.click_payload(right, message, p) for p in players]
    pending = [table.harness.dispatch(click) for click in clicks]
    exchanges = await asyncio.gather(*(p.done() for p in pending))
    calls = {c.interaction_id: c for e in exchanges for c in e.calls if c.kind == "callback"}
    texts = [ephemeral_text(Exchange((calls[int(click["id"])],))) for click in clicks]
    assert sum("point is yours" in t for t in texts) == 1
    assert sum("closed" in t for t in texts) == len(players) - 1
    await table.cog.registry.wait(game)
    winner = next(p for p, t in zip(players, texts, strict=True) if "point is yours" in t)
    assert await table.cog.registry.store.leaderboard(STARTER.guild_id or 0) == [
        Standing(winner.user_id, 1)
    ]


async def test_nobody_answers_and_time_runs_out(table: Table):
    await table.seat(InstantClock())
    mark = len(table.harness.recorder.calls)
    await table.harness.command("quiz start", rounds=1)
    reveal = await table.next_message(mark, "The answer:")
    assert reveal.payload["embeds"][0]["fields"][0]["name"] == "Point"  # type: ignore[index]
    final = await table.next_message(mark, "The quiz is over")
    assert final.payload["embeds"][0]["description"] == "Nobody scored."  # type: ignore[index]
    edits = [c for c in table.harness.recorder.since(mark) if c.method == "PATCH"]
    closed = edits[-1].payload
    assert closed["embeds"][0]["fields"][0]["value"] == "Closed."  # type: ignore[index]
    assert all(b["disabled"] for b in closed["components"][0]["components"])  # type: ignore[index]


async def test_answering_twice_late_or_in_another_game_is_refused(table: Table):
    _, question = await table.start(rounds=2)
    game = table.game()
    right = game.questions[0].correct
    wrong = (right + 1) % len(game.questions[0].choices)
    message = table.harness.message(table._message_id(question))
    stale = {**message, "components": [dict(row) for row in message["components"]]}
    assert "one answer" in await table.click(question, wrong, JULIAN)
    assert "already answered" in await table.click(question, right, JULIAN)
    mark = len(table.harness.recorder.calls)
    table.clock.expire()
    await table.next_message(mark, "Question 2")
    assert "closed" in ephemeral_text(await table.harness.click(right + 1, stale, BORIS))
    table.game().stop(by=STARTER.user_id)
    await table.cog.registry.wait(game)
    assert "over" in ephemeral_text(await table.harness.click(right + 1, stale, BORIS))
    assert game.scores == {}
    assert await table.cog.registry.store.leaderboard(STARTER.guild_id or 0) == []


async def test_one_game_per_channel(table: Table):
    await table.start(rounds=1)
    game = table.game()
    refused = await table.harness.command("quiz start", actor=JULIAN)
    assert "already running" in ephemeral_text(refused)
    assert table.game() is game and game.record.starter_id == STARTER.user_id


async def test_the_configured_moderator_role_may_stop_a_quiz(table: Table):
    """The role set with /lore config counts wherever Manage Server does."""
    store = table.harness.bot.guild_store
    await store.set_config(2001, GuildConfig(moderator_role_id=77), by=MODERATOR.user_id)
    await table.start(rounds=3)
    game = table.game()
    with_role = replace(JULIAN, roles=(77,))
    text = ephemeral_text(await table.harness.command("quiz stop", actor=with_role))
    assert "Stopped" in text
    assert await table.cog.registry.wait(game) is Ending.STOPPED
    assert game.stopped_by == JULIAN.user_id


async def test_another_role_may_not_stop_a_quiz_and_the_game_goes_on(table: Table):
    store = table.harness.bot.guild_store
    await store.set_config(2001, GuildConfig(moderator_role_id=77), by=MODERATOR.user_id)
    await table.start(rounds=3)
    game = table.game()
    other_role = replace(JULIAN, roles=(88,))
    text = ephemeral_text(await table.harness.command("quiz stop", actor=other_role))
    assert "Only whoever started the quiz or a moderator can stop it." in text
    assert table.game() is game and game.stopped_by is None


@pytest.mark.parametrize(
    ("stopper", "allowed"), [(STARTER, True), (MODERATOR, True), (JULIAN, False)]
)
async def test_stop_is_for_the_starter_or_a_moderator(table: Table, stopper: Actor, allowed: bool):
    await table.start(rounds=3)
    game = table.game()
    mark = len(table.harness.recorder.calls)
    text = ephemeral_text(await table.harness.command("quiz stop", actor=stopper))
    if not allowed:
        assert "Only whoever started the quiz or a moderator" in text
        assert table.game() is game and game.stopped_by is None
        game.stop(by=STARTER.user_id)
        await table.cog.registry.wait(game)
        return
    assert "Stopped" in text
    final = await table.next_message(mark, "The quiz was stopped")
    assert f"<@{stopper.user_id}>" in final.payload["embeds"][0]["fields"][0]["value"]  # type: ignore[index]
    assert table.cog.registry.in_channel(STARTER.channel_id) is None


async def test_stop_without_a_game(table: Table):
    text = ephemeral_text(await table.harness.command("quiz stop"))
    assert "no quiz running" in text


async def test_the_leaderboard_after_two_games(table: Table):
    for winner in (BORIS, JULIAN):
        _, question = await table.start(rounds=1)
        game = table.game()
        await table.click(question, game.questions[0].correct, winner)
        await table.cog.registry.wait(game)
    _, question = await table.start(rounds=1)
    game = table.game()
    await table.click(question, game.questions[0].correct, BORIS)
    await table.cog.registry.wait(game)
    board = (await table.harness.command("quiz leaderboard")).data["embeds"][0]
    assert board["title"] == "Quiz leaderboard"
    assert board["description"].splitlines() == [
        f"**1.** <@{BORIS.user_id}> — 2 points",
        f"**2.** <@{JULIAN.user_id}> — 1 point",
    ]
    elsewhere = Actor(user_id=1, guild_id=9999, channel_id=4)
    other = (await table.harness.command("quiz leaderboard", actor=elsewhere)).data["embeds"][0]
    assert "No points yet" in other["description"]


async def test_a_restart_mid_game_ends_it_announces_it_and_keeps_the_points(table: Table):
    _, question = await table.start(rounds=3)
    game = table.game()
    await table.click(question, game.questions[0].correct, BORIS)
    mark = len(table.harness.recorder.calls)
    await table.seat(FakeClock())
    notice = await table.next_message(mark, "The quiz was interrupted")
    assert notice.url == f"/channels/{STARTER.channel_id}/messages"
    assert f"<@{BORIS.user_id}> — 1 point" in notice.payload["embeds"][0]["description"]  # type: ignore[index]
    assert table.cog.registry.in_channel(STARTER.channel_id) is None
    board = (await table.harness.command("quiz leaderboard")).data["embeds"][0]
    assert f"<@{BORIS.user_id}> — 1 point" in board["description"]
    assert "over" in await table.click(question, game.questions[0].correct, JULIAN)
    _, fresh = await table.start(rounds=1)
    assert fresh.payload["embeds"][0]["title"] == "Question 1 of 1"  # type: ignore[index]
    table.game().stop(by=STARTER.user_id)


async def test_a_restart_ends_only_the_games_of_the_servers_this_process_serves(table: Table):
    """Another process, owning other shards, is still playing its servers' games."""
    await table.start(rounds=3)
    mine = table.game().record
    theirs = GameRecord("theirs", 4242, 77, 1, "film", 3, mine.started_at)
    await table.cog.registry.store.begin_game(theirs)
    mark = len(table.harness.recorder.calls)
    await table.seat(FakeClock())
    await table.next_message(mark, "The quiz was interrupted")
    store = table.cog.registry.store
    assert await store.unfinished_games(mine.guild_id) == []
    assert await store.unfinished_games(theirs.guild_id) == [theirs]


async def test_the_extension_scores_into_the_data_folder(
    tmp_path: Path, lorebook: Lorebook, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(app, "EXTENSIONS", ("bot.cogs.trivia",))
    bot = RedShoesBot(Settings(data_dir=tmp_path, discord_token=None), lorebook)
    async with Harness.running(bot, STARTER) as harness:
        cog: Any = harness.bot.get_cog("Trivia")
        assert isinstance(cog.registry.store, SqliteScoreStore)
        assert (tmp_path / DB_NAME).exists()
        await harness.bot.remove_cog("Trivia")


async def test_the_quiz_is_framed_in_the_starters_language_and_judged_in_the_clickers(
    table: Table,
):
    french, german = replace(STARTER, locale="fr"), replace(STARTER.as_user(1003), locale="de")
    mark = len(table.harness.recorder.calls)
    exchange = await table.harness.command("quiz start", actor=french, rounds=2, topic="cast")
    start = exchange.data["embeds"][0]
    assert start["title"] == "Quiz : 2 questions"
    assert {"name": "Thème", "value": "La distribution", "inline": True} in start["fields"]
    question = await table.next_message(mark, "Question 1 sur 2")
    game = table.game()
    assert await table.click(question, game.questions[0].correct, german) == (
        "Richtig. Der Punkt gehört Ihnen."
    )
    reveal = await table.next_message(mark, "La réponse : ")
    assert [f["name"] for f in reveal.payload["embeds"][0]["fields"]] == ["Point", "Score"]  # type: ignore[index]
    stopped = (await table.harness.command("quiz stop", actor=french)).data["content"]
    assert stopped == "Arrêté. Les points marqués jusqu'ici sont conservés."
    final = await table.next_message(mark, "Le quiz a été arrêté")
    assert "— 1 point" in final.payload["embeds"][0]["description"]  # type: ignore[index]
    assert final.payload["embeds"][0]["footer"]["text"] == (  # type: ignore[index]
        "Les points sont conservés : /quiz classement"
    )


async def test_a_graceful_shutdown_ends_the_game_in_character_and_loses_nothing(table: Table):
    _, question = await table.start(rounds=3)
    game = table.game()
    mark = len(table.harness.recorder.calls)
    await table.click(question, game.questions[0].correct, BORIS)
    await table.next_message(mark, "Question 2")
    mark = len(table.harness.recorder.calls)
    await table.harness.bot.shutdown(grace=5)

    reveal = await table.next_message(mark, "The answer:")  # the open round is closed, answered
    assert reveal.payload["embeds"][0]["title"] == f"The answer: {game.questions[1].answer}"  # type: ignore[index]
    final = await table.next_message(mark, "The quiz is over: the curtain comes down")
    text = final.payload["embeds"][0]["description"]  # type: ignore[index]
    assert text.startswith("I must close the theatre for a moment.")
    assert f"**1.** <@{BORIS.user_id}> — 1 point" in text
    closed = [c for c in table.harness.recorder.calls[mark:] if c.kind == "edit"]
    assert closed and all(
        b["disabled"]
        for b in closed[-1].payload["components"][0]["components"]  # type: ignore[index]
    )
    store = await SqliteScoreStore.open(table.db)  # the next process: nothing left to announce
    try:
        assert await store.unfinished_games(STARTER.guild_id or 0) == []
        assert await store.leaderboard(STARTER.guild_id or 0) == [Standing(BORIS.user_id, 1)]
    finally:
        await store.close()
    assert game.ending is Ending.SHUTDOWN
