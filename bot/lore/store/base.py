"""The guild store's interface: each server's lore overlay, its history, and its settings.

Everything a moderator changes goes through `apply`, one all-or-nothing batch of `Edit`s, each
carrying the entry revision it was made from. A batch whose base revision is no longer current is
refused with `StaleEditError`, so two moderators editing the same entry can never silently
overwrite each other. The convenience methods (`put`, `hide`, `revert`, `import_entries`, ...)
are written once here on top of the abstract primitives, so a second backend (PostgreSQL, when
several bot processes share state) implements only the primitives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from pydantic import ValidationError

from bot.lore.library import Overlay
from bot.lore.model import ENTRY_ADAPTER, Entry

Action = Literal["add", "edit", "hide", "unhide", "delete", "revert", "import"]


@dataclass(frozen=True)
class Version:
    """What a server holds for one entry: its own copy, a hide mark, or nothing (as shipped).

    `unreadable` holds a stored copy that no longer validates (written by an older schema, or
    edited by hand), exactly as stored: it is never shown, but one bad row must not stop the
    server's moderators from editing, reverting or removing it, and history must not lose it.
    """

    entry: Entry | None = None
    hidden: bool = False
    unreadable: str | None = None

    @property
    def own_copy(self) -> bool:
        """Whether the server holds its own copy (valid or not), which counts against its cap."""
        return self.entry is not None or self.unreadable is not None

    @property
    def stored(self) -> str | None:
        """The copy as the store writes it: the entry's JSON, or the unreadable text kept."""
        if self.entry is not None:
            return ENTRY_ADAPTER.dump_json(self.entry).decode("utf-8")
        return self.unreadable


def read_version(hidden: bool, data: str | None) -> Version:
    """A stored version; a copy that no longer validates comes back as `unreadable`, not raised."""
    if data is None:
        return Version(hidden=hidden)
    try:
        return Version(entry=ENTRY_ADAPTER.validate_json(data), hidden=hidden)
    except ValidationError:
        return Version(hidden=hidden, unreadable=data)


def why_unreadable(data: str) -> str:
    """The first reason a stored copy no longer validates, for the moderator and the log."""
    try:
        ENTRY_ADAPTER.validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or "entry"
        return f"{where}: {first['msg']}"
    return "it validates"


AS_SHIPPED = Version()


@dataclass(frozen=True)
class EntryState:
    """An entry's current version in a server; revision 0 means the server never touched it."""

    revision: int = 0
    version: Version = AS_SHIPPED


@dataclass(frozen=True)
class Edit:
    """One requested change: `entry_id` becomes `after`, if it is still at `base_revision`."""

    entry_id: str
    after: Version
    action: Action
    base_revision: int


@dataclass(frozen=True)
class Change:
    """One recorded change: who, when, and the versions before and after."""

    guild_id: int
    entry_id: str
    revision: int
    action: Action
    user_id: int
    at: datetime
    before: Version
    after: Version
    overlay_revision: int | None = field(default=None, compare=False)
    """The server's overlay revision the batch that made this change produced (a server view
    already at the revision before it applies the change itself); None in history, which does
    not keep it, so it is left out of comparisons: the change is the one history shows."""


@dataclass(frozen=True)
class GuildConfig:
    """A server's moderation settings; None means not configured."""

    moderator_role_id: int | None = None
    log_channel_id: int | None = None
    plain_text: bool = False
    """Look-ups as plain text, no embeds (for members who read with embeds turned off)."""


class StoreError(Exception):
    """A change the store refused; the message is fit to show the person who asked."""


class StorageError(Exception):
    """The database itself failed (missing, damaged, full, too new). Not the person's fault and
    not fit to show them: the message is for the operator, naming the file and what to do."""

    def __init__(self, path: object, problem: str, remedy: str) -> None:
        self.path = path
        super().__init__(f"{path}: {problem}; {remedy}")


class StaleEditError(StoreError):
    """The entry changed since the editor read it; their edit would overwrite someone else's."""

    def __init__(self, entry_id: str, base_revision: int, current_revision: int) -> None:
        self.entry_id = entry_id
        self.base_revision = base_revision
        self.current_revision = current_revision
        super().__init__(
            f"{entry_id!r} was changed by someone else (now revision {current_revision}, "
            f"you started from revision {base_revision}); open it again and redo your change"
        )


class NothingToRevertError(StoreError):
    """The entry already is what the revert would bring back; a new revision would say nothing."""

    def __init__(self, entry_id: str, revision: int) -> None:
        self.entry_id = entry_id
        self.revision = revision
        target = "as shipped" if revision == 0 else f"as revision {revision} left it"
        super().__init__(f"{entry_id!r} is already {target} in this server")


class UnreadableRevisionError(StoreError):
    """The revision asked for stored a copy that no longer validates: bringing it back would
    only bring back the fault."""

    def __init__(self, entry_id: str, revision: int) -> None:
        self.entry_id = entry_id
        self.revision = revision
        super().__init__(
            f"revision {revision} of {entry_id!r} no longer validates, so it cannot be brought "
            "back; revert to 0 (as shipped) or to another revision"
        )


class UnknownRevisionError(StoreError):
    def __init__(self, entry_id: str, revision: int) -> None:
        self.entry_id = entry_id
        self.revision = revision
        super().__init__(f"{entry_id!r} has no revision {revision} in this server")


class Subscriber(Protocol):
    """Who holds views of servers' state in this process (the `LoreLibrary`): told when another
    process changed a server, and asked which revisions it holds when notices may have been
    missed."""

    def outdated(self, guild_id: int, revision: int) -> None:
        """The server is now at `revision`: anything held from before it must go."""

    def held(self) -> dict[int, int]:
        """The overlay revision of each server whose view is held."""

    def heard(self, guild_id: int, changes: Sequence[Change]) -> None:
        """Another process committed `changes`, one batch: a view just before it takes them
        on, one from earlier goes, one already past it stays."""


class GuildStore(ABC):
    """Per-server overlays with history; also the `OverlaySource` of a `LoreLibrary`.

    Every method takes the guild id and touches only that guild's rows: there is no call that
    reads or writes across servers.
    """

    @abstractmethod
    async def overlay(self, guild_id: int) -> Overlay:
        """The server's overlay; its revision grows with every applied batch."""

    @abstractmethod
    async def states(self, guild_id: int) -> dict[str, EntryState]:
        """Every entry this server ever changed, by id."""

    @abstractmethod
    async def own_entries(self, guild_id: int) -> int:
        """How many entries this server holds copies of (added or replaced, not hidden)."""

    @abstractmethod
    async def state(self, guild_id: int, entry_id: str) -> EntryState:
        """One entry's current state in this server (revision 0 if never changed)."""

    @abstractmethod
    async def apply(self, guild_id: int, edits: Sequence[Edit], *, by: int) -> list[Change]:
        """Apply every edit or none; `StaleEditError` if any base revision is not current."""

    @abstractmethod
    async def history(self, guild_id: int, entry_id: str, *, limit: int = 25) -> list[Change]:
        """The entry's recorded changes in this server, newest first."""

    @abstractmethod
    async def change_at(self, guild_id: int, entry_id: str, revision: int) -> Change | None:
        """The change that produced `revision`, if there was one."""

    @abstractmethod
    async def config(self, guild_id: int) -> GuildConfig: ...

    @abstractmethod
    async def set_config(self, guild_id: int, config: GuildConfig, *, by: int) -> GuildConfig:
        """Store the server's settings, recording each setting that changed and who changed it."""

    @abstractmethod
    async def close(self) -> None: ...

    async def subscribe(self, subscriber: Subscriber) -> None:
        """Keep `subscriber` told of other processes' changes. A SQLite file has one process
        writing it, so by default there is nothing to hear; PostgreSQL listens."""
        return

    async def put(
        self, guild_id: int, entry: Entry, *, base_revision: int, by: int, action: Action = "edit"
    ) -> Change:
        """Add or replace the server's copy of `entry`."""
        edit = Edit(entry.id, Version(entry=entry), action, base_revision)
        return (await self.apply(guild_id, [edit], by=by))[0]

    async def hide(self, guild_id: int, entry_id: str, *, base_revision: int, by: int) -> Change:
        """Hide a shipped entry in this server (its own copy, if any, goes with it)."""
        edit = Edit(entry_id, Version(hidden=True), "hide", base_revision)
        return (await self.apply(guild_id, [edit], by=by))[0]

    async def unhide(self, guild_id: int, entry_id: str, *, base_revision: int, by: int) -> Change:
        """Show a hidden shipped entry again, as shipped."""
        edit = Edit(entry_id, AS_SHIPPED, "unhide", base_revision)
        return (await self.apply(guild_id, [edit], by=by))[0]

    async def delete(self, guild_id: int, entry_id: str, *, base_revision: int, by: int) -> Change:
        """Drop the server's own copy: an added entry disappears, a replaced one is as shipped."""
        edit = Edit(entry_id, AS_SHIPPED, "delete", base_revision)
        return (await self.apply(guild_id, [edit], by=by))[0]

    async def revert(self, guild_id: int, entry_id: str, revision: int, *, by: int) -> Change:
        """Bring back the version `revision` produced (0: as shipped), as a new revision."""
        current = await self.state(guild_id, entry_id)
        if revision == 0:
            target = AS_SHIPPED
        else:
            change = await self.change_at(guild_id, entry_id, revision)
            if change is None:
                raise UnknownRevisionError(entry_id, revision)
            target = change.after
            if target.unreadable is not None:
                raise UnreadableRevisionError(entry_id, revision)
        if target == current.version:
            raise NothingToRevertError(entry_id, revision)
        edit = Edit(entry_id, target, "revert", current.revision)
        return (await self.apply(guild_id, [edit], by=by))[0]

    async def import_entries(
        self, guild_id: int, entries: Iterable[Entry], *, bases: Mapping[str, int], by: int
    ) -> list[Change]:
        """Put every entry, all or nothing; `bases` holds the revisions the preview was made at."""
        edits = [Edit(e.id, Version(entry=e), "import", bases.get(e.id, 0)) for e in entries]
        return await self.apply(guild_id, edits, by=by) if edits else []
