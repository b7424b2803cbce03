"""Which score store to open: the same database the guild store uses (`bot.lore.store.opening`)."""

from __future__ import annotations

from pathlib import Path

from bot.lore.store.database import DB_NAME
from bot.quiz.sql import SqlScoreStore
from bot.quiz.sqlite import SqliteScoreStore


async def open_score_store(database_url: str | None, data_dir: Path) -> SqlScoreStore:
    """The score store at `database_url`, or in `data_dir`'s SQLite file when there is none."""
    if database_url is None:
        return await SqliteScoreStore.open(data_dir / DB_NAME)
    from bot.quiz.postgres import PostgresScoreStore

    return await PostgresScoreStore.open(database_url)
