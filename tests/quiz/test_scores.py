"""The quiz's score store on SQLite and PostgreSQL: points kept at once, exactly once, per
server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.lore.store.sql import ConstraintError
from bot.quiz.engine import end_abandoned
from bot.quiz.sql import SqlScoreStore
from bot.quiz.store import Ending, GameRecord, Standing
from tests.stores import Backend


def game(game_id: str, guild_id: int = 1, channel_id: int = 10) -> GameRecord:
    return GameRecord(game_id, guild_id, channel_id, 100, "film", 3, 1_700_000_000.0)


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[SqlScoreStore]:
    opened = await backend.score_store()
    yield opened
    await opened.close()


async def test_a_point_is_stored_as_soon_as_it_is_scored(store: SqlScoreStore, backend: Backend):
    await store.begin_game(game("g1"))
    await store.record_point("g1", 1, 7)
    other = await backend.score_store()
    try:
        assert await other.game_standings("g1") == [Standing(7, 1)]
        assert await other.unfinished_games(1) == [game("g1")]
    finally:
        await other.close()


async def test_a_round_scores_once_however_often_it_is_written(store: SqlScoreStore):
    await store.begin_game(game("g1"))
    await store.record_point("g1", 1, 7)
    await store.record_point("g1", 1, 8)
    await store.record_point("g1", 1, 7)
    assert await store.game_standings("g1") == [Standing(7, 1)]


async def test_a_point_for_an_unknown_game_is_not_kept(store: SqlScoreStore):
    await store.record_point("nope", 1, 7)
    assert await store.leaderboard(1) == []


async def test_leaderboard_adds_up_games_in_one_server_only(store: SqlScoreStore):
    await store.begin_game(game("g1"))
    await store.begin_game(game("g2"))
    await store.begin_game(game("elsewhere", guild_id=2))
    for round_number, user in enumerate([7, 8, 7], start=1):
        await store.record_point("g1", round_number, user)
    await store.record_point("g2", 1, 8)
    await store.record_point("g2", 2, 9)
    await store.record_point("elsewhere", 1, 9)
    assert await store.leaderboard(1) == [Standing(7, 2), Standing(8, 2), Standing(9, 1)]
    assert await store.leaderboard(1, limit=1) == [Standing(7, 2)]
    assert await store.leaderboard(2) == [Standing(9, 1)]
    assert await store.leaderboard(3) == []


async def test_ending_a_game_keeps_its_points_and_the_first_ending(store: SqlScoreStore):
    await store.begin_game(game("g1"))
    await store.record_point("g1", 1, 7)
    await store.end_game("g1", Ending.STOPPED)
    await store.end_game("g1", Ending.RESTART)
    assert await store.unfinished_games(1) == []
    rows = await store._rows("SELECT ending FROM quiz_game WHERE game_id = 'g1'")
    assert rows == [("stopped",)]
    assert await store.game_standings("g1") == [Standing(7, 1)]


async def test_games_left_running_are_ended_with_their_points(store: SqlScoreStore):
    await store.begin_game(game("g1"))
    await store.begin_game(game("g2", channel_id=11))
    await store.end_game("g2", Ending.FINISHED)
    await store.record_point("g1", 2, 7)
    seen: list[tuple[GameRecord, list[Standing]]] = []

    async def announce(record: GameRecord, standings: list[Standing]) -> None:
        seen.append((record, standings))

    assert await end_abandoned(store, announce, 1) == [game("g1")]
    assert seen == [(game("g1"), [Standing(7, 1)])]
    assert await store.unfinished_games(1) == []
    assert await store.leaderboard(1) == [Standing(7, 1)]


async def test_only_the_servers_asked_for_have_their_games_ended(store: SqlScoreStore):
    """Another process serves the other servers: their games are still being played."""
    await store.begin_game(game("mine", guild_id=1))
    await store.begin_game(game("still-mine", guild_id=1, channel_id=11))
    await store.begin_game(game("theirs", guild_id=2))

    async def announce(record: GameRecord, standings: list[Standing]) -> None:
        return None

    ended = await end_abandoned(store, announce, 1, running={"still-mine"})
    assert ended == [game("mine", guild_id=1)]
    assert await store.unfinished_games(1) == [game("still-mine", guild_id=1, channel_id=11)]
    assert await store.unfinished_games(2) == [game("theirs", guild_id=2)]


async def test_a_duplicate_game_id_is_refused_and_changes_nothing(store: SqlScoreStore):
    await store.begin_game(game("g1"))
    with pytest.raises(ConstraintError):
        await store.begin_game(game("g1", channel_id=99))
    assert await store.unfinished_games(1) == [game("g1")]
