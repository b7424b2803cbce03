"""Versioned schema migrations for the PostgreSQL stores.

The same tables as the SQLite file (`bot.lore.store.migrations`), with PostgreSQL's types where
SQLite's would be wrong: BIGINT for Discord ids (INTEGER is 32 bits here), DOUBLE PRECISION for
times (REAL is 4 bytes). Step 1 is the SQLite file's steps 1-3 as they stood, step 2 its
step 4; to change the schema, append a string (never edit or reorder a shipped step) and add the
same change to the SQLite list. The version is kept in a one-row table, `schema_version`.

Several processes may start at once against an empty database: each migrates under one
transaction-scoped advisory lock, and reads the version only once it holds it, so the steps run
exactly once and a crash mid-way leaves the previous version (PostgreSQL's DDL is transactional).
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

from bot.lore.store.base import StorageError

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x7265_6473_686F_6573 & 0x7FFF_FFFF_FFFF_FFFF
"""The advisory lock key held while migrating ("redshoes"), shared by every process."""

MIGRATIONS: list[str] = [
    # 1: overlays, their history and settings; quiz games and points (SQLite's steps 1-3).
    """
    CREATE TABLE guild (
        guild_id BIGINT PRIMARY KEY,
        revision BIGINT NOT NULL DEFAULT 0,
        moderator_role_id BIGINT,
        log_channel_id BIGINT,
        plain_text SMALLINT NOT NULL DEFAULT 0 CHECK (plain_text IN (0, 1))
    );
    CREATE TABLE overlay_entry (
        guild_id BIGINT NOT NULL REFERENCES guild (guild_id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision > 0),
        hidden SMALLINT NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
        data TEXT,
        PRIMARY KEY (guild_id, entry_id),
        CHECK (hidden = 0 OR data IS NULL)
    );
    CREATE TABLE entry_change (
        guild_id BIGINT NOT NULL REFERENCES guild (guild_id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        action TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        changed_at TEXT NOT NULL,
        before_hidden SMALLINT NOT NULL,
        before_data TEXT,
        after_hidden SMALLINT NOT NULL,
        after_data TEXT,
        PRIMARY KEY (guild_id, entry_id, revision)
    );
    CREATE TABLE config_change (
        guild_id BIGINT NOT NULL REFERENCES guild (guild_id) ON DELETE CASCADE,
        changed_at TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        setting TEXT NOT NULL,
        before_value BIGINT,
        after_value BIGINT
    );
    CREATE INDEX config_change_guild ON config_change (guild_id, changed_at);
    CREATE TABLE quiz_game (
        game_id TEXT PRIMARY KEY,
        guild_id BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        starter_id BIGINT NOT NULL,
        topic TEXT NOT NULL,
        rounds INTEGER NOT NULL CHECK (rounds > 0),
        started_at DOUBLE PRECISION NOT NULL,
        ended_at DOUBLE PRECISION,
        ending TEXT
    );
    CREATE TABLE quiz_point (
        game_id TEXT NOT NULL REFERENCES quiz_game (game_id) ON DELETE CASCADE,
        round_number INTEGER NOT NULL CHECK (round_number > 0),
        guild_id BIGINT NOT NULL,
        user_id BIGINT NOT NULL,
        scored_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (game_id, round_number)
    );
    CREATE INDEX quiz_point_guild ON quiz_point (guild_id, user_id);
    """,
    # 2: each change remembers its batch (SQLite's step 4).
    """
    ALTER TABLE entry_change ADD COLUMN overlay_revision BIGINT;
    CREATE INDEX entry_change_batch ON entry_change (guild_id, overlay_revision);
    """,
]
"""Schema steps in order; step N leaves `schema_version` at N."""


async def migrate(conn: asyncpg.pool.PoolConnectionProxy[Any], where: str) -> None:
    """Run the steps this database has not seen; `StorageError` if it is newer than this bot."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        version = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        if version > len(MIGRATIONS):
            raise StorageError(
                where,
                f"the database is at schema version {version}, newer than this bot "
                f"({len(MIGRATIONS)})",
                "upgrade the bot (or point DATABASE_URL at another database); the data was left "
                "as it was",
            )
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            await conn.execute(step)
            log.info("database schema migrated to version %d", number)
        if version < len(MIGRATIONS):
            await conn.execute("DELETE FROM schema_version")
            await conn.execute("INSERT INTO schema_version VALUES ($1)", len(MIGRATIONS))
