"""Quiz games and points in the project's SQLite database (tables from migration step 2).

It shares only the database plumbing (`SqliteDatabase`: opening, migrating, transactions) with
the guild store, on a connection of its own, so quiz writes never wait behind, or land inside, a
moderator's lore transaction; the statements are `bot.quiz.sql`'s.
"""

from __future__ import annotations

from bot.lore.store.database import SqliteDatabase
from bot.quiz.sql import SqlScoreStore


class SqliteScoreStore(SqliteDatabase, SqlScoreStore):
    """The quiz's `ScoreStore`; open it with `await SqliteScoreStore.open(path)`."""
