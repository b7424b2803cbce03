"""Versioned schema migrations for the guild store.

The database remembers how many steps it has run in `PRAGMA user_version`; opening it runs the
steps it has not seen yet, each in its own transaction together with the version bump, so a crash
mid-migration leaves the previous version intact. To change the schema, append one string to
`MIGRATIONS` (never edit or reorder a step that has shipped): the list index + 1 is its version.

The SQL sticks to what SQLite and PostgreSQL both accept (TEXT, INTEGER/BIGINT-compatible ids,
CHECK, REFERENCES), so a PostgreSQL store could replay the same steps, tracking the version in a
one-row table instead of the SQLite pragma.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: per-server lore overlays, their change history, and per-server moderation settings.
    """
    CREATE TABLE guild (
        guild_id INTEGER PRIMARY KEY,
        revision INTEGER NOT NULL DEFAULT 0,
        moderator_role_id INTEGER,
        log_channel_id INTEGER
    );
    CREATE TABLE overlay_entry (
        guild_id INTEGER NOT NULL REFERENCES guild (guild_id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision > 0),
        hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
        data TEXT,
        PRIMARY KEY (guild_id, entry_id),
        CHECK (hidden = 0 OR data IS NULL)
    );
    CREATE TABLE entry_change (
        guild_id INTEGER NOT NULL REFERENCES guild (guild_id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        action TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        changed_at TEXT NOT NULL,
        before_hidden INTEGER NOT NULL,
        before_data TEXT,
        after_hidden INTEGER NOT NULL,
        after_data TEXT,
        PRIMARY KEY (guild_id, entry_id, revision)
    );
    CREATE TABLE config_change (
        guild_id INTEGER NOT NULL REFERENCES guild (guild_id) ON DELETE CASCADE,
        changed_at TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        setting TEXT NOT NULL,
        before_value INTEGER,
        after_value INTEGER
    );
    CREATE INDEX config_change_guild ON config_change (guild_id, changed_at);
    """,
    # 2: trivia quiz games (a row stays unended while a game runs) and one row per point scored.
    """
    CREATE TABLE quiz_game (
        game_id TEXT PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        starter_id INTEGER NOT NULL,
        topic TEXT NOT NULL,
        rounds INTEGER NOT NULL CHECK (rounds > 0),
        started_at REAL NOT NULL,
        ended_at REAL,
        ending TEXT
    );
    CREATE TABLE quiz_point (
        game_id TEXT NOT NULL REFERENCES quiz_game (game_id) ON DELETE CASCADE,
        round_number INTEGER NOT NULL CHECK (round_number > 0),
        guild_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        scored_at REAL NOT NULL,
        PRIMARY KEY (game_id, round_number)
    );
    CREATE INDEX quiz_point_guild ON quiz_point (guild_id, user_id);
    """,
    # 3: a server may ask for look-ups as plain text (`/lore config plain_text:`).
    """
    ALTER TABLE guild ADD COLUMN plain_text INTEGER NOT NULL DEFAULT 0 CHECK (plain_text IN (0, 1));
    """,
    # 4: each change remembers the batch that made it (the server's overlay revision after it),
    # so another process told of that revision can fetch the batch and apply it to its view.
    """
    ALTER TABLE entry_change ADD COLUMN overlay_revision INTEGER;
    CREATE INDEX entry_change_batch ON entry_change (guild_id, overlay_revision);
    """,
]
"""Schema steps in order; append a new string to migrate. Step N sets `user_version` to N."""

LATEST = len(MIGRATIONS)
