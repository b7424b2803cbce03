"""Quiz games and points on PostgreSQL: `bot.quiz.sql`'s statements on a pool of its own."""

from __future__ import annotations

from bot.lore.store.postgres.database import PostgresDatabase
from bot.quiz.sql import SqlScoreStore


class PostgresScoreStore(PostgresDatabase, SqlScoreStore):
    """The quiz's `ScoreStore`; open it with `await PostgresScoreStore.open(url)`."""

    POOL_SIZE = 2
