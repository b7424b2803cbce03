"""The quiz engine: questions, a whole game, fair scoring under simultaneous answers, timeouts."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.lore.lorebook import Lorebook
from bot.lore.model import Persona, Source, Trivia
from bot.quiz.engine import (
    Game,
    GameRunning,
    NoQuestions,
    QuizRegistry,
    QuizSettings,
    Round,
    Verdict,
    end_abandoned,
)
from bot.quiz.questions import Topic, draw_questions, make_question, quiz_pool
from bot.quiz.store import Ending, GameRecord, Standing

SOURCE = (Source(title="The Red Shoes (1948)"),)


def trivia(n: int, topic: str = "film", question: bool = True) -> Trivia:
    quiz = {"question": f"Question {n}?", "answers": (f"Right {n}",), "wrong": ("W1", "W2", "W3")}
    return Trivia(
        id=f"trivia-{n}",
        name=f"Trivia {n}",
        summary=f"Fact {n}.",
        sources=SOURCE,
        kind="trivia",
        topic=topic,
        **(quiz if question else {}),
    )


def book_of(*entries: Trivia | Persona) -> Lorebook:
    return Lorebook(entries)


BOOK = book_of(
    trivia(1),
    trivia(2),
    trivia(3, "ballet"),
    trivia(4, "cast"),
    trivia(5, question=False),
    Persona(
        id="voice-approval",
        name="Approval",
        summary="Praise.",
        sources=SOURCE,
        kind="persona",
        purpose="approval",
        lines=("Adequate.",),
    ),
)


class FakeClock:
    """Time stands still until a test lets a timer fire with `expire()`."""

    def __init__(self) -> None:
        self.t = 1_000_000.0
        self.expired = asyncio.Event()

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        await self.expired.wait()
        self.expired.clear()

    def expire(self) -> None:
        self.expired.set()


class InstantClock(FakeClock):
    """Every timer fires at once: every round times out."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)


class MemoryStore:
    def __init__(self) -> None:
        self.games: dict[str, tuple[GameRecord, Ending | None]] = {}
        self.points: dict[tuple[str, int], int] = {}

    async def begin_game(self, record: GameRecord) -> None:
        self.games[record.game_id] = (record, None)

    async def record_point(self, game_id: str, round_number: int, user_id: int) -> None:
        self.points.setdefault((game_id, round_number), user_id)

    async def end_game(self, game_id: str, ending: Ending) -> None:
        record, ended = self.games[game_id]
        self.games[game_id] = (record, ended or ending)

    async def unfinished_games(self, guild_id: int) -> list[GameRecord]:
        return [r for r, ended in self.games.values() if ended is None and r.guild_id == guild_id]

    async def game_standings(self, game_id: str) -> list[Standing]:
        users = [u for (g, _), u in self.points.items() if g == game_id]
        return [Standing(u, users.count(u)) for u in dict.fromkeys(users)]

    async def leaderboard(self, guild_id: int, limit: int = 10) -> list[Standing]:
        raise NotImplementedError

    async def close(self) -> None:
        self.closed = True


class Recorder:
    """A host that writes down what a player would see, and can act when a round opens."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.opened = asyncio.Queue[Round]()
        self.over = asyncio.Event()

    async def round_opened(self, game: Game, rnd: Round) -> None:
        self.events.append(("open", rnd.number))
        self.opened.put_nowait(rnd)

    async def round_closed(self, game: Game, rnd: Round) -> None:
        self.events.append(("close", rnd.number))

    async def game_over(self, game: Game, ending: Ending) -> None:
        self.events.append((f"over:{ending}", 0))
        self.over.set()


TWO_ROUNDS = [("open", 1), ("close", 1), ("open", 2), ("close", 2)]


def registry(store: MemoryStore, clock: FakeClock) -> QuizRegistry:
    settings = QuizSettings(round_seconds=20, pause_seconds=0)
    return QuizRegistry(store, clock=clock, settings=settings, rng=random.Random(7))


async def start(reg: QuizRegistry, host: Recorder, rounds: int = 2, topic: Topic = "film") -> Game:
    return await reg.start(
        BOOK,
        host,
        guild_id=1,
        channel_id=10,
        starter_id=100,
        topic=topic,
        rounds=rounds,
    )


def test_pool_keeps_questions_on_the_topic():
    assert [t.id for t in quiz_pool(BOOK)] == ["trivia-1", "trivia-2", "trivia-3", "trivia-4"]
    assert [t.id for t in quiz_pool(BOOK, "ballet")] == ["trivia-3"]
    assert quiz_pool(BOOK, "tale") == ()


def test_question_has_the_first_answer_among_shuffled_choices():
    q = make_question(trivia(1), random.Random(1))
    assert sorted(q.choices) == ["Right 1", "W1", "W2", "W3"]
    assert q.answer == "Right 1" and q.fact == "Fact 1."
    seen = {make_question(trivia(1), random.Random(seed)).correct for seed in range(30)}
    assert len(seen) > 1


def test_draw_never_repeats_and_stops_at_the_pool():
    drawn = draw_questions(BOOK, "all", 20, random.Random(3))
    assert len({q.entry_id for q in drawn}) == len(drawn) == 4


async def test_a_whole_game_scores_and_stores_each_point():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host)
    assert reg.in_channel(10) is game
    first = await host.opened.get()
    wrong = (first.question.correct + 1) % len(first.question.choices)
    assert await reg.answer(10, game.id, 1, 201, wrong) is Verdict.WRONG
    assert await reg.answer(10, game.id, 1, 202, first.question.correct) is Verdict.CORRECT
    assert store.points == {(game.id, 1): 202}
    second = await host.opened.get()
    assert await reg.answer(10, game.id, 2, 202, second.question.correct) is Verdict.CORRECT
    assert await reg.wait(game) is Ending.FINISHED
    assert game.standings() == [Standing(202, 2)]
    assert host.events == [*TWO_ROUNDS, ("over:finished", 0)]
    assert store.games[game.id][1] is Ending.FINISHED
    assert reg.in_channel(10) is None
    assert game.quizmaster.line("approval", "Vicky") == "Adequate."
    assert "{name}" not in game.quizmaster.line("greeting", "Vicky")


async def test_simultaneous_correct_answers_score_exactly_once():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host, rounds=1)
    rnd = await host.opened.get()
    right = rnd.question.correct
    verdicts = await asyncio.gather(
        *(reg.answer(10, game.id, 1, user, right) for user in range(500, 550))
    )
    assert verdicts[0] is Verdict.CORRECT
    assert verdicts.count(Verdict.CORRECT) == 1
    assert set(verdicts[1:]) == {Verdict.CLOSED}
    await reg.wait(game)
    assert store.points == {(game.id, 1): 500}
    assert game.standings() == [Standing(500, 1)]


async def test_a_second_answer_in_a_round_does_not_count():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host, rounds=1)
    rnd = await host.opened.get()
    wrong = (rnd.question.correct + 1) % len(rnd.question.choices)
    assert await reg.answer(10, game.id, 1, 7, wrong) is Verdict.WRONG
    assert await reg.answer(10, game.id, 1, 7, rnd.question.correct) is Verdict.TWICE
    assert rnd.winner is None and rnd.answers == {7: wrong} and store.points == {}
    clock.expire()
    await reg.wait(game)
    assert game.scores == {}


async def test_a_round_times_out_without_a_winner():
    store, host = MemoryStore(), Recorder()
    reg = registry(store, InstantClock())
    game = await start(reg, host, rounds=2)
    assert await reg.wait(game) is Ending.FINISHED
    assert host.events == [*TWO_ROUNDS, ("over:finished", 0)]
    assert store.points == {} and game.standings() == []


async def test_answers_after_the_round_or_in_another_game_are_refused():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host, rounds=2)
    first = await host.opened.get()
    clock.expire()
    await host.opened.get()
    assert await reg.answer(10, game.id, 1, 5, first.question.correct) is Verdict.CLOSED
    assert await reg.answer(10, "0ther9ame0", 2, 5, 0) is Verdict.NO_GAME
    assert await reg.answer(11, game.id, 2, 5, 0) is Verdict.NO_GAME
    clock.expire()
    await reg.wait(game)
    assert await reg.answer(10, game.id, 2, 5, 0) is Verdict.NO_GAME
    assert store.points == {}


async def test_one_game_per_channel_and_no_questions_is_refused():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host)
    with pytest.raises(GameRunning) as running:
        await start(reg, Recorder())
    assert running.value.game is game
    with pytest.raises(NoQuestions):
        await reg.start(BOOK, Recorder(), guild_id=1, channel_id=11, starter_id=1, topic="tale")
    assert list(store.games) == [game.id] and reg.in_channel(11) is None
    game.stop(by=100)
    assert await reg.wait(game) is Ending.STOPPED


async def test_stop_ends_the_game_and_keeps_the_points():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host, rounds=2)
    rnd = await host.opened.get()
    await reg.answer(10, game.id, 1, 9, rnd.question.correct)
    await host.opened.get()
    game.stop(by=100)
    assert game.stopped_by == 100
    assert await reg.wait(game) is Ending.STOPPED
    assert host.events[-2:] == [("close", 2), ("over:stopped", 0)]
    assert store.points == {(game.id, 1): 9} and store.games[game.id][1] is Ending.STOPPED


async def test_a_failing_host_ends_the_game_as_an_error():
    class Broken(Recorder):
        async def round_opened(self, game: Game, rnd: Round) -> None:
            raise RuntimeError("send failed")

    store, host = MemoryStore(), Broken()
    reg = registry(store, FakeClock())
    game = await start(reg, host)
    assert await reg.wait(game) is Ending.ERROR
    assert host.events == [("over:error", 0)] and store.games[game.id][1] is Ending.ERROR


async def test_close_leaves_games_for_the_next_process_to_end():
    store, clock, host = MemoryStore(), FakeClock(), Recorder()
    reg = registry(store, clock)
    game = await start(reg, host)
    rnd = await host.opened.get()
    await reg.answer(10, game.id, 1, 42, rnd.question.correct)
    await reg.close()
    assert store.games[game.id][1] is None and ("over:stopped", 0) not in host.events
    announced: list[tuple[GameRecord, list[Standing]]] = []

    async def announce(record: GameRecord, standings: list[Standing]) -> None:
        announced.append((record, standings))

    assert await end_abandoned(store, announce, game.record.guild_id) == [game.record]
    assert announced == [(game.record, [Standing(42, 1)])]
    assert store.games[game.id][1] is Ending.RESTART
    assert await end_abandoned(store, announce, game.record.guild_id) == []
    assert len(announced) == 1


async def test_a_game_whose_announcement_fails_is_still_ended():
    store = MemoryStore()
    record = GameRecord("g1", 1, 10, 100, "film", 3, 0.0)
    await store.begin_game(record)
    await store.record_point("g1", 1, 5)

    async def announce(record: GameRecord, standings: list[Standing]) -> None:
        raise RuntimeError("channel deleted")

    assert await end_abandoned(store, announce, 1) == [record]
    assert store.games["g1"][1] is Ending.RESTART and store.points == {("g1", 1): 5}
