"""The guild store's statements, written once for SQLite and PostgreSQL (see `bot.lore.store.sql`).

Concurrency: `apply` bumps the server's revision first, which takes the write lock before the
entries' revisions are read and checked: on SQLite `BEGIN IMMEDIATE` already holds the whole
file, on PostgreSQL the update locks the server's `guild` row, so two processes cannot both pass
the stale-edit check for one server while other servers' edits go ahead in parallel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

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
from bot.lore.store.sql import Database, Sql

log = logging.getLogger(__name__)


_CHANGE_COLUMNS = (
    "entry_id, revision, action, user_id, changed_at, "
    "before_hidden, before_data, after_hidden, after_data"
)


class SqlGuildStore(Database, GuildStore):
    """`GuildStore` in SQL; a backend's `Database` supplies the connection and transactions."""

    _configs: dict[int, GuildConfig]
    """Settings as last read or written: every look-up asks for them (plain text or not), and a
    round trip to the database per look-up is what a burst of look-ups queues behind. A SQLite
    file has this process as its only writer; on PostgreSQL a change notification from another
    process drops the copy (`bot.lore.store.postgres.guilds`)."""

    async def _announce(self, db: Sql, guild_id: int, revision: int) -> None:
        """Tell other processes, inside the transaction, that the server moved to `revision`;
        nothing to tell when no other process shares the database."""

    async def overlay(self, guild_id: int) -> Overlay:
        # One statement: the revision and the rows it describes come from one snapshot, in one
        # round trip (a first look-up in a server waits for it).
        rows = await self._rows(_OVERLAY, guild_id)
        revision = int(rows[0][0]) if rows else 0
        stored = [row[1:] for row in rows if row[1] is not None]
        if len(stored) <= INLINE_ROWS:
            entries, hidden = _read_overlay(guild_id, stored)
        else:
            # Validating thousands of stored entries is seconds of CPU: not on the event loop.
            entries, hidden = await asyncio.to_thread(_read_overlay, guild_id, stored)
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
        rows = await self._rows(
            "SELECT revision, hidden, data FROM overlay_entry WHERE guild_id = ? AND entry_id = ?",
            guild_id,
            entry_id,
        )
        if not rows:
            return EntryState()
        revision, hidden, data = rows[0]
        return EntryState(revision, read_version(bool(hidden), data))

    async def apply(self, guild_id: int, edits: Sequence[Edit], *, by: int) -> list[Change]:
        at = datetime.now(UTC)
        async with self._transaction(write=True) as db:
            await _ensure_guild(db, guild_id)
            await db.execute(
                "UPDATE guild SET revision = revision + 1 WHERE guild_id = ?", guild_id
            )
            revision = int((await db.fetch(_GUILD_REVISION, guild_id))[0][0])
            rows = await _current_rows(db, guild_id, [edit.entry_id for edit in edits])
            # An import of thousands: checking, validating and encoding them is CPU work for a
            # worker thread, and the rows go to the database in two statements, not thousands.
            changes, entry_rows, change_rows = await asyncio.to_thread(
                _changes, guild_id, edits, rows, by, at, revision
            )
            await db.executemany(_PUT_ENTRY, entry_rows)
            await db.executemany(_RECORD_CHANGE, change_rows)
            await self._announce(db, guild_id, revision)
        return changes

    async def batch(self, guild_id: int, overlay_revision: int, most: int) -> list[Change] | None:
        """The changes of the batch that took the server to `overlay_revision`; None when it
        made more than `most` (a view is rebuilt then, not patched) or none is recorded."""
        rows = await self._rows(
            f"SELECT {_CHANGE_COLUMNS} FROM entry_change "
            "WHERE guild_id = ? AND overlay_revision = ? LIMIT ?",
            guild_id,
            overlay_revision,
            most + 1,
        )
        if not rows or len(rows) > most:
            return None
        changes = [_change(guild_id, row) for row in rows]
        return [replace(change, overlay_revision=overlay_revision) for change in changes]

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
            # Lock the server's row before reading what it holds (PostgreSQL: another process
            # changing the settings at once waits here), so each recorded "before" is true.
            await db.execute("UPDATE guild SET revision = revision WHERE guild_id = ?", guild_id)
            rows = await db.fetch(
                f"SELECT {_CONFIG_COLUMNS}, revision FROM guild WHERE guild_id = ?", guild_id
            )
            before = _config(tuple(rows[0])[:3])
            for setting in _CONFIG_SETTINGS:
                old, new = getattr(before, setting), getattr(config, setting)
                if old != new:
                    await db.execute(
                        "INSERT INTO config_change (guild_id, changed_at, user_id, setting, "
                        "before_value, after_value) VALUES (?, ?, ?, ?, ?, ?)",
                        guild_id,
                        at,
                        by,
                        setting,
                        _stored(old),
                        _stored(new),
                    )
            await db.execute(
                "UPDATE guild SET moderator_role_id = ?, log_channel_id = ?, plain_text = ? "
                "WHERE guild_id = ?",
                config.moderator_role_id,
                config.log_channel_id,
                int(config.plain_text),
                guild_id,
            )
            await self._announce(db, guild_id, int(rows[0][3]))
        self._configs[guild_id] = config
        return config


_GUILD_REVISION = "SELECT revision FROM guild WHERE guild_id = ?"
_OVERLAY = (
    "SELECT guild.revision, e.entry_id, e.hidden, e.data FROM guild "
    "LEFT JOIN overlay_entry AS e ON e.guild_id = guild.guild_id "
    "AND (e.hidden = 1 OR e.data IS NOT NULL) "
    "WHERE guild.guild_id = ? ORDER BY e.entry_id"
)
"""A server's revision and its rows (one row of NULLs beside the revision when it has none;
every row of `overlay_entry` has its `guild` row)."""
INLINE_ROWS = 128
"""Stored entries a read validates on the event loop (about 3 ms): a worker thread would hold
the interpreter lock as long, and its two wake-ups cost more than that on a busy machine."""


_CONFIG_SETTINGS = ("moderator_role_id", "log_channel_id", "plain_text")
_CONFIG_COLUMNS = ", ".join(_CONFIG_SETTINGS)


def _config(row: Any) -> GuildConfig:
    role, channel, plain = row
    return GuildConfig(role, channel, bool(plain))


def _stored(value: int | bool | None) -> int | None:
    """A setting's value as `config_change` keeps it (a flag as 0 or 1, as SQLite stores it)."""
    return int(value) if isinstance(value, bool) else value


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


async def _ensure_guild(db: Sql, guild_id: int) -> None:
    await db.execute(
        "INSERT INTO guild (guild_id) VALUES (?) ON CONFLICT (guild_id) DO NOTHING", guild_id
    )


_PUT_ENTRY = (
    "INSERT INTO overlay_entry (guild_id, entry_id, revision, hidden, data) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, entry_id) DO UPDATE SET "
    "revision = excluded.revision, hidden = excluded.hidden, data = excluded.data"
)
_RECORD_CHANGE = (
    f"INSERT INTO entry_change (guild_id, {_CHANGE_COLUMNS}, overlay_revision) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_IDS_PER_QUERY = 500
"""Well under SQLite's (and PostgreSQL's) limit on the parameters of one statement."""


async def _current_rows(db: Sql, guild_id: int, ids: list[str]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        rows += await db.fetch(
            "SELECT entry_id, revision, hidden, data FROM overlay_entry "
            f"WHERE guild_id = ? AND entry_id IN ({', '.join('?' for _ in chunk)})",
            guild_id,
            *chunk,
        )
    return rows


def _changes(
    guild_id: int, edits: Sequence[Edit], rows: list[Any], by: int, at: datetime, batch: int
) -> tuple[list[Change], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The changes `edits` make from the entries' current `rows` as batch (overlay revision)
    `batch`, and the rows to write; `StaleEditError` when any edit started from a revision that
    is no longer current."""
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
            guild_id, edit.entry_id, revision, edit.action, by, at, state.version, edit.after, batch
        )
        after = edit.after.stored
        hidden = int(edit.after.hidden)
        entry_rows.append((guild_id, edit.entry_id, revision, hidden, after))
        before = (int(state.version.hidden), state.version.stored)
        when = (by, at.isoformat())
        change_rows.append(
            (guild_id, edit.entry_id, revision, edit.action, *when, *before, hidden, after, batch)
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
