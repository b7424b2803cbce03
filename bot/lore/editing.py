"""The moderators' lore operations for one server, on top of the guild store.

Commands (Discord or the console) call these and render the result; this is where the rules
live: only entries in the server's view can be edited or removed, a new id must be free,
references must point at entries the server can see, removing a shipped entry hides it while
removing an added one deletes it, and a server holds at most `max_entries` entries of its own.
After every change the library applies it to the server's cached view (or drops the view), so
look-ups, autocomplete, search and chat see the change at once. Reading an upload and writing an
export are seconds of CPU for a large file, so they run in a worker thread: one server's import
never holds up another server's look-ups.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bot.lore.errors import LoreError, LoreProblem
from bot.lore.export import dump_lore
from bot.lore.library import LoreLibrary
from bot.lore.loader import LocatedEntry, check_collection
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry
from bot.lore.store.base import Change, EntryState, GuildStore, why_unreadable
from bot.lore.transfer import ImportPlan, plan_import
from bot.lore.yaml_source import ParsedYaml


class EditRefused(Exception):
    """A change that breaks a rule; the message is fit to show the moderator."""


MAX_ENTRIES = 10_000
"""Entries one server may add or replace, unless configured (`MAX_SERVER_ENTRIES`)."""


class LoreEditor:
    """Every change a moderator can make to one server's lore, checked and recorded."""

    def __init__(
        self, store: GuildStore, library: LoreLibrary, max_entries: int = MAX_ENTRIES
    ) -> None:
        self.store = store
        self.library = library
        self.max_entries = max_entries

    def _over_limit(self, total: int) -> str | None:
        if total <= self.max_entries:
            return None
        return (
            f"this server would hold {total} entries of its own; the limit is "
            f"{self.max_entries} (MAX_SERVER_ENTRIES): remove some first"
        )

    async def view(self, guild_id: int) -> Lorebook:
        return await self.library.book_for(guild_id)

    async def current(self, guild_id: int, entry_id: str) -> tuple[Entry, int]:
        """The entry as this server sees it and the revision an edit of it starts from."""
        entry = (await self.view(guild_id)).get(entry_id)
        state = await self.store.state(guild_id, entry_id)
        if entry is None:
            raise self._missing(entry_id, state)
        return entry, state.revision

    async def removable(self, guild_id: int, entry_id: str) -> int:
        """The revision a removal starts from. A server's copy that no longer validates can be
        removed although it is not shown: removing is how a moderator repairs it."""
        state = await self.store.state(guild_id, entry_id)
        if entry_id not in await self.view(guild_id) and state.version.unreadable is None:
            raise self._missing(entry_id, state)
        return state.revision

    @staticmethod
    def _missing(entry_id: str, state: EntryState) -> EditRefused:
        if state.version.unreadable is not None:
            reason = why_unreadable(state.version.unreadable)
            return EditRefused(
                f"this server's copy of {entry_id!r} no longer validates ({reason}); "
                f"`/lore remove` it, or `/lore revert` it to 0 (as shipped)"
            )
        return EditRefused(f"no entry {entry_id!r} in this server (unknown or hidden)")

    async def _check_references(
        self, guild_id: int, entry: Entry, before: Entry | None = None
    ) -> None:
        """New references must point at entries this server sees. References the entry already
        had (`before`) may dangle, since a moderator hid or deleted their target: they are shown
        as plain text and must not make the entry uneditable."""
        view = await self.view(guild_id)
        located = LocatedEntry(entry, "form", ParsedYaml(value=None), ())
        kept = {ref for _, ref in before.references()} if before is not None else set()
        problems = check_collection([located], {e.id: e for e in view.entries}, unloaded=kept)
        if problems:
            raise LoreError([LoreProblem("form", 0, 0, p.message) for p in problems])

    async def add(self, guild_id: int, entry: Entry, *, by: int) -> Change:
        if entry.id in await self.view(guild_id) or entry.id in self.library.shipped:
            raise EditRefused(f"the id {entry.id!r} is already used in this server's lore")
        await self._check_references(guild_id, entry)
        too_many = self._over_limit(await self.store.own_entries(guild_id) + 1)
        if too_many is not None:
            raise EditRefused(too_many)
        base = (await self.store.state(guild_id, entry.id)).revision
        change = await self.store.put(guild_id, entry, base_revision=base, by=by, action="add")
        self.library.changed(guild_id, [change])
        return change

    async def edit(self, guild_id: int, entry: Entry, *, base_revision: int, by: int) -> Change:
        before, _ = await self.current(guild_id, entry.id)
        await self._check_references(guild_id, entry, before)
        change = await self.store.put(guild_id, entry, base_revision=base_revision, by=by)
        self.library.changed(guild_id, [change])
        return change

    async def remove(self, guild_id: int, entry_id: str, *, base_revision: int, by: int) -> Change:
        """Hide a shipped entry in this server, or delete one the server added."""
        await self.removable(guild_id, entry_id)
        if entry_id in self.library.shipped:
            change = await self.store.hide(guild_id, entry_id, base_revision=base_revision, by=by)
        else:
            change = await self.store.delete(guild_id, entry_id, base_revision=base_revision, by=by)
        self.library.changed(guild_id, [change])
        return change

    async def referrers(self, guild_id: int, entry_id: str) -> list[str]:
        """Entries of this server that refer to `entry_id`: removing it would leave them
        pointing at nothing, so the moderator is told who they are before confirming."""
        view = await self.view(guild_id)
        return [
            e.id
            for e in view.entries
            if e.id != entry_id and any(ref == entry_id for _, ref in e.references())
        ]

    async def dangling(self, guild_id: int, entry_id: str) -> list[str]:
        """The ids `entry_id` refers to that this server does not have (after a revert)."""
        view = await self.view(guild_id)
        entry = view.get(entry_id)
        refs = entry.references() if entry is not None else []
        return sorted({ref for _, ref in refs if ref not in view})

    async def history(self, guild_id: int, entry_id: str) -> list[Change]:
        changes = await self.store.history(guild_id, entry_id)
        if not changes and entry_id not in await self.view(guild_id):
            raise EditRefused(f"no entry {entry_id!r} in this server (unknown or hidden)")
        return changes

    async def revert(self, guild_id: int, entry_id: str, revision: int, *, by: int) -> Change:
        change = await self.store.revert(guild_id, entry_id, revision, by=by)
        self.library.changed(guild_id, [change])
        return change

    async def plan_import(self, guild_id: int, display: str, data: bytes) -> ImportPlan:
        view = await self.view(guild_id)
        states = await self.store.states(guild_id)
        plan = await asyncio.to_thread(plan_import, display, data, view, states)
        await self._check_limit(guild_id, display, plan, states)
        return plan

    async def _check_limit(
        self, guild_id: int, display: str, plan: ImportPlan, states: Mapping[str, EntryState]
    ) -> None:
        """The import refused as a whole when the server's own entries would exceed the cap."""
        new = sum(
            1 for e in plan.entries if e.id not in states or not states[e.id].version.own_copy
        )
        too_many = self._over_limit(await self.store.own_entries(guild_id) + new)
        if too_many is not None and new:
            raise LoreError([LoreProblem(display, 1, 1, too_many)])

    async def apply_import(self, guild_id: int, plan: ImportPlan, *, by: int) -> list[Change]:
        await self._check_limit(guild_id, "import", plan, await self.store.states(guild_id))
        changes = await self.store.import_entries(guild_id, plan.entries, bases=plan.bases, by=by)
        self.library.changed(guild_id, changes)
        return changes

    async def export(self, guild_id: int, *, everything: bool) -> tuple[str, int]:
        """The server's own entries (or its whole view) as a lore file, and how many shipped
        entries it hides (a lore file cannot say "hidden", so the count goes in the message)."""
        overlay = await self.store.overlay(guild_id)
        entries = (await self.view(guild_id)).entries if everything else overlay.entries
        return await asyncio.to_thread(dump_lore, entries), len(overlay.hidden)
