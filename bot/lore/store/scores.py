"""Quiz games and points in the project's SQLite database (tables from migration step 2).

A point is one row keyed by (game, round): writing it is idempotent, so a retried or doubled
write can never score a round twice, and it is committed the moment it is scored, so a crash
loses nothing. A game's row stays unended while it runs; the next process finds such rows and
ends them (`bot.persona.quiz.end_abandoned`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import aiosqlite

from bot.persona.quiz import Ending, GameRecord, Standing


class SqliteScoreStore:
    """A `ScoreStore` on an open, migrated aiosqlite connection (shared with the guild store)."""

    def __init__(self, db: aiosqlite.Connection, *, now: Callable[[], float] = time.time) -> None:
        self._db = db
        self._now = now

    async def begin_game(self, record: GameRecord) -> None:
        await self._db.execute(
            "INSERT INTO quiz_game (game_id, guild_id, channel_id, starter_id, topic, rounds,"
            " started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.game_id,
                record.guild_id,
                record.channel_id,
                record.starter_id,
                record.topic,
                record.rounds,
                record.started_at,
            ),
        )
        await self._db.commit()

    async def record_point(self, game_id: str, round_number: int, user_id: int) -> None:
        await self._db.execute(
            "INSERT INTO quiz_point (game_id, round_number, guild_id, user_id, scored_at)"
            " SELECT game_id, ?, guild_id, ?, ? FROM quiz_game WHERE game_id = ?"
            " ON CONFLICT (game_id, round_number) DO NOTHING",
            (round_number, user_id, self._now(), game_id),
        )
        await self._db.commit()

    async def end_game(self, game_id: str, ending: Ending) -> None:
        await self._db.execute(
            "UPDATE quiz_game SET ended_at = ?, ending = ? WHERE game_id = ? AND ended_at IS NULL",
            (self._now(), ending.value, game_id),
        )
        await self._db.commit()

    async def unfinished_games(self) -> list[GameRecord]:
        async with self._db.execute(
            "SELECT game_id, guild_id, channel_id, starter_id, topic, rounds, started_at"
            " FROM quiz_game WHERE ended_at IS NULL ORDER BY started_at"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            GameRecord(
                game_id=row[0],
                guild_id=row[1],
                channel_id=row[2],
                starter_id=row[3],
                topic=row[4],
                rounds=row[5],
                started_at=row[6],
            )
            for row in rows
        ]

    async def game_standings(self, game_id: str) -> list[Standing]:
        """A game's points, ordered as `Game.standings` orders them."""
        return await self._standings(
            "SELECT user_id, COUNT(*) FROM quiz_point WHERE game_id = ?"
            " GROUP BY user_id ORDER BY COUNT(*) DESC, MAX(scored_at)",
            (game_id,),
        )

    async def leaderboard(self, guild_id: int, limit: int = 10) -> list[Standing]:
        """Points across every game in the server; ties go to whoever got there first."""
        return await self._standings(
            "SELECT user_id, COUNT(*) FROM quiz_point WHERE guild_id = ?"
            " GROUP BY user_id ORDER BY COUNT(*) DESC, MAX(scored_at) LIMIT ?",
            (guild_id, limit),
        )

    async def _standings(self, sql: str, params: tuple[object, ...]) -> list[Standing]:
        async with self._db.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return [Standing(user_id=row[0], points=row[1]) for row in rows]
