"""The guild store on SQLite (a file under DATA_DIR), through aiosqlite.

Durability and concurrency come from SQLite itself (see `bot.lore.store.database`):
`BEGIN IMMEDIATE` takes the write lock before a write transaction reads the revision it checks,
so two processes cannot both pass the stale-edit check. One connection per store; an asyncio
lock keeps one transaction at a time on it. Faults of the file itself are `StorageError`s (see
`bot.lore.store.database`).

What a PostgreSQL version would change: asyncpg instead of aiosqlite and `$1` placeholders instead
of `?`; BIGINT for the Discord ids; `SELECT ... FOR UPDATE` on the entry row (or SERIALIZABLE)
instead of `BEGIN IMMEDIATE`; the schema version in a one-row table instead of `PRAGMA
user_version`; no journal/synchronous/busy pragmas. The SQL statements and `GuildStore` stay.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import aiosqlite

from bot.lore.library import Overlay
from bot.lore.model import Entry
from bot.lore.store.base import (
    Action,
    Change,
    Edit,
    EntryState,
    GuildConfig,
    GuildStore,
    StaleEditError,
    read_version,
    why_unreadable,
)
from bot.lore.store.database import SqliteDatabase

log = logging.getLogger(__name__)


_CHANGE_COLUMNS = (
    "entry_id, revision, action, user_id, changed_at, "
    "before_hidden, before_data, after_hidden, after_data"
)


class SqliteGuildStore(SqliteDatabase, GuildStore):
    """`GuildStore` on one SQLite file; open it with `await SqliteGuildStore.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        super().__init__(db, path)
        self._configs: dict[int, GuildConfig] = {}
        """Settings as last read or written: every look-up asks for them (plain text or not),
        and a round trip to the database thread per look-up is what a burst of look-ups queues
        behind. This process is the file's only writer, so the copy cannot go stale."""

    async def overlay(self, guild_id: int) -> Overlay:
        async with self._transaction(write=False) as db:
            head = list(await db.execute_fetchall(_GUILD_REVISION, (guild_id,)))
            rows = await db.execute_fetchall(
                "SELECT entry_id, hidden, data FROM overlay_entry WHERE guild_id = ? "
                "AND (hidden = 1 OR data IS NOT NULL) ORDER BY entry_id",
                (guild_id,),
            )
        # Validating thousands of stored entries is seconds of CPU: not on the event loop.
        entries, hidden = await asyncio.to_thread(_read_overlay, guild_id, list(rows))
        revision = head[0][0] if head else 0
        return Overlay(revision=revision, entries=tuple(entries), hidden=frozenset(hidden))

    async def states(self, guild_id: int) -> dict[str, EntryState]:
        rows = await self._rows(
            "SELECT entry_id, revision, hidden, data FROM overlay_entry WHERE guild_id = ?",
            guild_id,
        )
        return await asyncio.to_thread(_read_states, rows)

    async def own_entries(self, guild_id: int) -> int:
        rows = await self._rows(
            "SELECT COUNT(*) FROM overlay_entry WHERE guild_id = ? AND data IS NOT NULL", guild_id
        )
        return int(rows[0][0])

    async def state(self, guild_id: int, entry_id: str) -> EntryState:
        async with self._transaction(write=False) as db:
            return await _state(db, guild_id, entry_id)

    async def apply(self, guild_id: int, edits: Sequence[Edit], *, by: int) -> list[Change]:
        at = datetime.now(UTC)
        async with self._transaction(write=True) as db:
            await _ensure_guild(db, guild_id)
            rows = await _current_rows(db, guild_id, [edit.entry_id for edit in edits])
            # An import of thousands: checking, validating and encoding them is CPU work for a
            # worker thread, and the rows go to SQLite in two statements, not thousands.
            changes, entry_rows, change_rows = await asyncio.to_thread(
                _changes, guild_id, edits, rows, by, at
            )
            await db.executemany(_PUT_ENTRY, entry_rows)
            await db.executemany(_RECORD_CHANGE, change_rows)
            await db.execute(
                "UPDATE guild SET revision = revision + 1 WHERE guild_id = ?", (guild_id,)
            )
            head = await db.execute_fetchall(_GUILD_REVISION, (guild_id,))
        revision = int(next(iter(head))[0])
        return [replace(change, overlay_revision=revision) for change in changes]

    async def history(self, guild_id: int, entry_id: str, *, limit: int = 25) -> list[Change]:
        rows = await self._rows(
            f"SELECT {_CHANGE_COLUMNS} FROM entry_change WHERE guild_id = ? AND entry_id = ? "
            "ORDER BY revision DESC LIMIT ?",
            guild_id,
            entry_id,
            limit,
        )
        return [_change(guild_id, row) for row in rows]

    async def change_at(self, guild_id: int, entry_id: str, revision: int) -> Change | None:
        rows = await self._rows(
            f"SELECT {_CHANGE_COLUMNS} FROM entry_change "
            "WHERE guild_id = ? AND entry_id = ? AND revision = ?",
            guild_id,
            entry_id,
            revision,
        )
        return _change(guild_id, rows[0]) if rows else None

    async def config(self, guild_id: int) -> GuildConfig:
        known = self._configs.get(guild_id)
        if known is not None:
            return known
        rows = await self._rows(f"SELECT {_CONFIG_COLUMNS} FROM guild WHERE guild_id = ?", guild_id)
        config = _config(rows[0]) if rows else GuildConfig()
        self._configs[guild_id] = config
        return config

    async def set_config(self, guild_id: int, config: GuildConfig, *, by: int) -> GuildConfig:
        at = datetime.now(UTC).isoformat()
        async with self._transaction(write=True) as db:
            await _ensure_guild(db, guild_id)
            rows = list(
                await db.execute_fetchall(
                    f"SELECT {_CONFIG_COLUMNS} FROM guild WHERE guild_id = ?", (guild_id,)
                )
            )
            before = _config(rows[0])
            for setting in _CONFIG_SETTINGS:
                old, new = getattr(before, setting), getattr(config, setting)
                if old != new:
                    await db.execute(
                        "INSERT INTO config_change (guild_id, changed_at, user_id, setting, "
                        "before_value, after_value) VALUES (?, ?, ?, ?, ?, ?)",
                        (guild_id, at, by, setting, old, new),
                    )
            await db.execute(
                "UPDATE guild SET moderator_role_id = ?, log_channel_id = ?, plain_text = ? "
                "WHERE guild_id = ?",
                (config.moderator_role_id, config.log_channel_id, config.plain_text, guild_id),
            )
        self._configs[guild_id] = config
        return config


_GUILD_REVISION = "SELECT revision FROM guild WHERE guild_id = ?"


_CONFIG_SETTINGS = ("moderator_role_id", "log_channel_id", "plain_text")
_CONFIG_COLUMNS = ", ".join(_CONFIG_SETTINGS)


def _config(row: Any) -> GuildConfig:
    role, channel, plain = row
    return GuildConfig(role, channel, bool(plain))


def _read_overlay(guild_id: int, rows: list[Any]) -> tuple[list[Entry], set[str]]:
    """A server's entries and hidden ids from its rows; a row that no longer validates is
    logged by id and left out (see `Version.unreadable`)."""
    entries: list[Entry] = []
    hidden: set[str] = set()
    for entry_id, is_hidden, data in rows:
        if is_hidden:
            hidden.add(entry_id)
            continue
        version = read_version(False, data)
        if version.entry is not None:
            entries.append(version.entry)
            continue
        log.warning(
            "guild %s: stored entry %r no longer validates (%s); left out until a moderator "
            "edits, reverts or removes it",
            guild_id,
            entry_id,
            why_unreadable(data),
        )
    return entries, hidden


def _read_states(rows: list[Any]) -> dict[str, EntryState]:
    return {e: EntryState(rev, read_version(bool(hidden), data)) for e, rev, hidden, data in rows}


async def _ensure_guild(db: aiosqlite.Connection, guild_id: int) -> None:
    await db.execute(
        "INSERT INTO guild (guild_id) VALUES (?) ON CONFLICT (guild_id) DO NOTHING", (guild_id,)
    )


async def _state(db: aiosqlite.Connection, guild_id: int, entry_id: str) -> EntryState:
    rows = list(
        await db.execute_fetchall(
            "SELECT revision, hidden, data FROM overlay_entry WHERE guild_id = ? AND entry_id = ?",
            (guild_id, entry_id),
        )
    )
    if not rows:
        return EntryState()
    revision, hidden, data = rows[0]
    return EntryState(revision, read_version(bool(hidden), data))


_PUT_ENTRY = (
    "INSERT INTO overlay_entry (guild_id, entry_id, revision, hidden, data) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, entry_id) DO UPDATE SET "
    "revision = excluded.revision, hidden = excluded.hidden, data = excluded.data"
)
_RECORD_CHANGE = (
    f"INSERT INTO entry_change (guild_id, {_CHANGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_IDS_PER_QUERY = 500
"""Well under SQLite's limit on the parameters of one statement."""


async def _current_rows(db: aiosqlite.Connection, guild_id: int, ids: list[str]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        rows += await db.execute_fetchall(
            "SELECT entry_id, revision, hidden, data FROM overlay_entry "
            f"WHERE guild_id = ? AND entry_id IN ({', '.join('?' for _ in chunk)})",
            (guild_id, *chunk),
        )
    return rows


def _changes(
    guild_id: int, edits: Sequence[Edit], rows: list[Any], by: int, at: datetime
) -> tuple[list[Change], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The changes `edits` make from the entries' current `rows`, and the rows to write;
    `StaleEditError` when any edit started from a revision that is no longer current."""
    current = _read_states(rows)
    changes: list[Change] = []
    entry_rows: list[tuple[Any, ...]] = []
    change_rows: list[tuple[Any, ...]] = []
    for edit in edits:
        state = current.get(edit.entry_id, EntryState())
        if state.revision != edit.base_revision:
            raise StaleEditError(edit.entry_id, edit.base_revision, state.revision)
        revision = state.revision + 1
        change = Change(
            guild_id, edit.entry_id, revision, edit.action, by, at, state.version, edit.after
        )
        after = edit.after.stored
        hidden = int(edit.after.hidden)
        entry_rows.append((guild_id, edit.entry_id, revision, hidden, after))
        before = (int(state.version.hidden), state.version.stored)
        when = (by, at.isoformat())
        change_rows.append(
            (guild_id, edit.entry_id, revision, edit.action, *when, *before, hidden, after)
        )
        changes.append(change)
    return changes, entry_rows, change_rows


def _change(guild_id: int, row: Any) -> Change:
    entry_id, revision, action, user_id, at, b_hidden, b_data, a_hidden, a_data = row
    return Change(
        guild_id,
        entry_id,
        revision,
        cast(Action, action),
        user_id,
        datetime.fromisoformat(at),
        read_version(bool(b_hidden), b_data),
        read_version(bool(a_hidden), a_data),
    )
