"""Quiz games and points in SQL, written once for SQLite and PostgreSQL (`bot.lore.store.sql`).

A point is one row keyed by (game, round): writing it is idempotent, so a retried or doubled
write can never score a round twice, and it is committed the moment it is scored, so a crash
loses nothing. A game's row stays unended while it runs; the next process finds such rows and
ends them (`bot.quiz.engine.end_abandoned`). The values a point copies from its game are cast
in the statement, since PostgreSQL cannot tell the type of a bare placeholder in a select list.
"""

from __future__ import annotations

import time

from bot.lore.store.sql import Database
from bot.quiz.store import Ending, GameRecord, Standing

_GAME_COLUMNS = "game_id, guild_id, channel_id, starter_id, topic, rounds, started_at"


class SqlScoreStore(Database):
    """The quiz's `ScoreStore` in SQL; a backend's `Database` supplies the transactions."""

    async def begin_game(self, record: GameRecord) -> None:
        await self._write(
            f"INSERT INTO quiz_game ({_GAME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            record.game_id,
            record.guild_id,
            record.channel_id,
            record.starter_id,
            record.topic,
            record.rounds,
            record.started_at,
        )

    async def record_point(self, game_id: str, round_number: int, user_id: int) -> None:
        await self._write(
            "INSERT INTO quiz_point (game_id, round_number, guild_id, user_id, scored_at)"
            " SELECT game_id, CAST(? AS INTEGER), guild_id, CAST(? AS BIGINT),"
            " CAST(? AS DOUBLE PRECISION) FROM quiz_game WHERE game_id = ?"
            " ON CONFLICT (game_id, round_number) DO NOTHING",
            round_number,
            user_id,
            time.time(),
            game_id,
        )

    async def end_game(self, game_id: str, ending: Ending) -> None:
        await self._write(
            "UPDATE quiz_game SET ended_at = ?, ending = ? WHERE game_id = ? AND ended_at IS NULL",
            time.time(),
            ending.value,
            game_id,
        )

    async def unfinished_games(self, guild_id: int) -> list[GameRecord]:
        rows = await self._rows(
            f"SELECT {_GAME_COLUMNS} FROM quiz_game WHERE guild_id = ? AND ended_at IS NULL "
            "ORDER BY started_at",
            guild_id,
        )
        return [GameRecord(*row) for row in rows]

    async def game_standings(self, game_id: str) -> list[Standing]:
        """A game's points, ordered as `Game.standings` orders them."""
        rows = await self._rows(
            "SELECT user_id, COUNT(*) FROM quiz_point WHERE game_id = ?"
            " GROUP BY user_id ORDER BY COUNT(*) DESC, MAX(scored_at)",
            game_id,
        )
        return [Standing(*row) for row in rows]

    async def leaderboard(self, guild_id: int, limit: int = 10) -> list[Standing]:
        """Points across every game in the server; a tie goes to whoever got there first."""
        rows = await self._rows(
            "SELECT user_id, COUNT(*) FROM quiz_point WHERE guild_id = ?"
            " GROUP BY user_id ORDER BY COUNT(*) DESC, MAX(scored_at) LIMIT ?",
            guild_id,
            limit,
        )
        return [Standing(*row) for row in rows]
