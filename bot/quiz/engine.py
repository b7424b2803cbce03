"""The trivia quiz engine: questions from the lore, rounds, scoring, one game per channel.

Pure Python so the same game runs behind Discord buttons, the offline console and tests. The
engine owns the rules; a `QuizHost` (the cog) only shows what happens. Fairness rests on one
fact: `Round.accept` never awaits, so in one event loop it is atomic — the first correct answer
to arrive closes the round before any other click is even looked at, and every later call sees
the round closed. Time comes from an injectable `Clock` so tests never wait for a real timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.lore.lorebook import Lorebook
from bot.lore.model import PersonaPurpose
from bot.persona.lines import persona_line
from bot.quiz.questions import MAX_ROUNDS, Question, Topic, draw_questions
from bot.quiz.store import Ending, GameRecord, ScoreStore, Standing

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    """What became of one click on an answer button."""

    CORRECT = "correct"
    WRONG = "wrong"
    TWICE = "twice"
    CLOSED = "closed"
    NO_GAME = "no_game"


@dataclass
class Round:
    """One question on screen; `accept` is synchronous so deciding the winner is atomic."""

    number: int
    question: Question
    deadline: float
    answers: dict[int, int] = field(default_factory=dict)
    winner: int | None = None
    closed: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def accept(self, user_id: int, choice: int) -> Verdict:
        """Judge one answer; a user's second answer in a round never counts."""
        if self.closed:
            return Verdict.CLOSED
        if user_id in self.answers:
            return Verdict.TWICE
        if not 0 <= choice < len(self.question.choices):
            raise ValueError(f"choice {choice} is not one of this question's buttons")
        self.answers[user_id] = choice
        if choice != self.question.correct:
            return Verdict.WRONG
        self.winner = user_id
        self.closed = True
        return Verdict.CORRECT

    def close(self) -> None:
        """Stop taking answers (time ran out or the game was stopped)."""
        self.closed = True
        self.finished.set()


class QuizHost(Protocol):
    """Shows a game to its players (a Discord channel, the console, a test recorder)."""

    async def round_opened(self, game: Game, rnd: Round) -> None: ...

    async def round_closed(self, game: Game, rnd: Round) -> None: ...

    async def game_over(self, game: Game, ending: Ending) -> None: ...


class Clock(Protocol):
    """Wall time in Unix seconds (shown as a countdown) and a way to wait."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> Awaitable[None]: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class QuizSettings:
    round_seconds: float = 20.0
    pause_seconds: float = 4.0


class Quizmaster:
    """Lines in Lermontov's voice from the book the game started with (see `persona_line`)."""

    def __init__(self, book: Lorebook, rng: random.Random) -> None:
        self._book = book
        self._rng = rng

    def line(self, purpose: PersonaPurpose, name: str) -> str:
        """A line for `purpose`, addressed to `name` where the line says `{name}`."""
        return persona_line(self._book, purpose, self._rng, name)


class Game:
    """A quiz of several rounds in one channel; `run` plays it to the end."""

    def __init__(
        self,
        record: GameRecord,
        questions: Sequence[Question],
        *,
        store: ScoreStore,
        host: QuizHost,
        quizmaster: Quizmaster,
        clock: Clock,
        settings: QuizSettings,
    ) -> None:
        if not questions:
            raise ValueError("a game needs at least one question")
        self.record = record
        self.questions = tuple(questions)
        self.quizmaster = quizmaster
        self.scores: dict[int, int] = {}
        self.round: Round | None = None
        self.ending: Ending | None = None
        self.stopped_by: int | None = None
        self._store = store
        self._host = host
        self._clock = clock
        self._settings = settings
        self._stopping = asyncio.Event()
        self._stopped_as = Ending.STOPPED

    @property
    def id(self) -> str:
        return self.record.game_id

    def standings(self) -> list[Standing]:
        """Players by points; a tie goes to whoever reached that score first."""
        ranked = sorted(self.scores.items(), key=lambda item: -item[1])
        return [Standing(user, points) for user, points in ranked]

    async def answer(self, round_number: int, user_id: int, choice: int) -> Verdict:
        """One click: judged at once, and a correct one is stored before the round is revealed."""
        rnd = self.round
        if rnd is None or rnd.number != round_number:
            return Verdict.CLOSED
        verdict = rnd.accept(user_id, choice)
        if verdict is Verdict.CORRECT:
            # Re-inserting keeps `scores` in order of each player's latest point (see standings).
            self.scores[user_id] = self.scores.pop(user_id, 0) + 1
            try:
                await self._store.record_point(self.id, rnd.number, user_id)
            finally:
                rnd.finished.set()
        return verdict

    def stop(self, by: int) -> None:
        """End the game after the current step; the host announces it as stopped by `by`."""
        self.stopped_by = by
        self._halt()

    def shut_down(self) -> None:
        """The process is stopping: the round open now is closed and revealed, then the game
        ends as `SHUTDOWN`, stored and announced like any other ending."""
        self._stopped_as = Ending.SHUTDOWN
        self._halt()

    def _halt(self) -> None:
        self._stopping.set()
        if self.round is not None:
            self.round.close()

    async def run(self) -> Ending:
        """Play every round, then end the game in the store and announce it, whatever happened."""
        ending = Ending.ERROR
        try:
            ending = await self._play()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("quiz game %s failed", self.id)
        await self._finish(ending)
        return ending

    async def _play(self) -> Ending:
        for number, question in enumerate(self.questions, start=1):
            if self._stopping.is_set():
                return self._stopped_as
            deadline = self._clock.now() + self._settings.round_seconds
            self.round = rnd = Round(number, question, deadline)
            await self._host.round_opened(self, rnd)
            await self._wait(self._settings.round_seconds, rnd.finished)
            rnd.close()
            await self._host.round_closed(self, rnd)
            if number < len(self.questions) and self._settings.pause_seconds > 0:
                await self._wait(self._settings.pause_seconds, self._stopping)
        return self._stopped_as if self._stopping.is_set() else Ending.FINISHED

    async def _wait(self, seconds: float, event: asyncio.Event) -> None:
        """Until `seconds` pass on the clock or `event` is set, whichever is first."""
        timer = asyncio.ensure_future(self._clock.sleep(seconds))
        woken = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({timer, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            woken.cancel()

    async def _finish(self, ending: Ending) -> None:
        self.ending = ending
        if self.round is not None:
            self.round.closed = True
        try:
            await self._store.end_game(self.id, ending)
        finally:
            await self._host.game_over(self, ending)


class GameRunning(Exception):
    """This channel already has a game; carries it so the caller can point at it."""

    def __init__(self, game: Game) -> None:
        super().__init__(f"game {game.id} is already running in this channel")
        self.game = game


class NoQuestions(Exception):
    """The lore has no quiz question on the topic asked for."""


class QuizRegistry:
    """The games running in this process: one per channel, found by channel or by game id."""

    def __init__(
        self,
        store: ScoreStore,
        *,
        clock: Clock | None = None,
        settings: QuizSettings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self._clock = clock or SystemClock()
        self._settings = settings or QuizSettings()
        self._rng = rng or random.Random()
        self._by_channel: dict[int, Game] = {}
        self._tasks: dict[str, asyncio.Task[Ending]] = {}

    def in_channel(self, channel_id: int) -> Game | None:
        return self._by_channel.get(channel_id)

    def games(self) -> tuple[Game, ...]:
        return tuple(self._by_channel.values())

    async def start(
        self,
        book: Lorebook,
        host: QuizHost,
        *,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        topic: Topic = "all",
        rounds: int = 5,
    ) -> Game:
        """Register and start a game; the check and the claim of the channel happen at once."""
        running = self._by_channel.get(channel_id)
        if running is not None:
            raise GameRunning(running)
        questions = draw_questions(book, topic, max(1, min(rounds, MAX_ROUNDS)), self._rng)
        if not questions:
            raise NoQuestions(topic)
        record = GameRecord(
            game_id=secrets.token_hex(5),
            guild_id=guild_id,
            channel_id=channel_id,
            starter_id=starter_id,
            topic=topic,
            rounds=len(questions),
            started_at=self._clock.now(),
        )
        game = Game(
            record,
            questions,
            store=self.store,
            host=host,
            quizmaster=Quizmaster(book, self._rng),
            clock=self._clock,
            settings=self._settings,
        )
        self._by_channel[channel_id] = game
        try:
            await self.store.begin_game(record)
        except BaseException:
            del self._by_channel[channel_id]
            raise
        task = asyncio.create_task(self._run(game), name=f"quiz-{game.id}")
        self._tasks[game.id] = task
        return game

    async def _run(self, game: Game) -> Ending:
        try:
            return await game.run()
        finally:
            self._by_channel.pop(game.record.channel_id, None)
            self._tasks.pop(game.id, None)

    async def answer(
        self, channel_id: int, game_id: str, round_number: int, user_id: int, choice: int
    ) -> Verdict:
        """A click on a button: only the channel's current game and round can take it."""
        game = self._by_channel.get(channel_id)
        if game is None or game.id != game_id:
            return Verdict.NO_GAME
        return await game.answer(round_number, user_id, choice)

    async def wait(self, game: Game) -> Ending:
        """Until a game has ended (tests and shutdown use this)."""
        task = self._tasks.get(game.id)
        if task is None:
            return game.ending or Ending.FINISHED
        return await asyncio.shield(task)

    async def shut_down(self) -> None:
        """End every game now, each announced and stored as `SHUTDOWN` with its points (a
        graceful stop); the caller bounds how long this may take."""
        for game in self.games():
            game.shut_down()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.wait(tasks)

    async def close(self) -> None:
        """Cancel every game without ending it in the store: the next process announces them."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def end_abandoned(
    store: ScoreStore,
    announce: Callable[[GameRecord, list[Standing]], Awaitable[None]],
    guild_id: int,
    running: Collection[str] = (),
) -> list[GameRecord]:
    """End the games a previous process left running in one server, announcing each with its
    stored points.

    One server at a time, and only a server this process serves: several processes share one
    database, each owning some servers (its shards'), and another's games are still being
    played. `running` are this process's own games, never ended here. Announcing comes first so
    that a crash in between announces again rather than never; a game whose announcement fails
    (its channel is gone) is still ended.
    """
    ended = []
    for record in await store.unfinished_games(guild_id):
        if record.game_id in running:
            continue
        try:
            await announce(record, await store.game_standings(record.game_id))
        except Exception:
            log.exception("could not announce the end of quiz game %s", record.game_id)
        await store.end_game(record.game_id, Ending.RESTART)
        log.info("quiz game %s ended: left running by a previous process", record.game_id)
        ended.append(record)
    return ended
