"""Driving the real bot with real interaction payloads, and reading back what it sent.

`Harness` owns a bot whose HTTP layer is the recorder. Payloads go in through discord.py's own
gateway parsers (`ConnectionState.parsers`), exactly where the gateway would deliver them, so the
command tree, views, dynamic items and modals all run unmodified. It is the one place that
reaches into discord.py's connection state, because it stands in for the gateway itself; the bot
and its cogs use only public API.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from discord import AppCommandType, app_commands
from discord.webhook.async_ import async_context

from bot.offline.payloads import (
    Actor,
    Option,
    OptionValue,
    command_data,
    component_data,
    guild_create,
    message_menu_data,
    modal_data,
    role,
)
from bot.offline.recorder import Call, Origin, Recorder, install

if TYPE_CHECKING:
    from bot.app import RedShoesBot

SETTLE_TIMEOUT = 10.0


class HarnessError(LookupError):
    """A command, option or button the test or console asked for does not exist."""


@dataclass(frozen=True)
class Exchange:
    """The calls the bot made while handling one interaction."""

    calls: tuple[Call, ...]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [c.payload or {} for c in self.calls if c.kind == kind]

    @property
    def response(self) -> dict[str, Any]:
        """The interaction callback (`{"type": n, "data": {...}}`); there is exactly one."""
        callbacks = self.of("callback")
        if len(callbacks) != 1:
            raise AssertionError(f"expected one callback, got {len(callbacks)}: {self.calls}")
        return callbacks[0]

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.response.get("data") or {}
        return data


@dataclass(frozen=True)
class Control:
    """One thing a user can press in a message: a button, or one option of a select."""

    custom_id: str
    component_type: int
    label: str
    value: str | None = None
    disabled: bool = False


def controls(message: Mapping[str, Any]) -> list[Control]:
    """The message's buttons and select options, in reading order (numbered from 1 by callers)."""
    found: list[Control] = []
    for row in message.get("components", []):
        for item in row.get("components", []):
            if item["type"] == 2 and "custom_id" in item:
                found.append(
                    Control(
                        item["custom_id"],
                        2,
                        item.get("label", ""),
                        None,
                        item.get("disabled", False),
                    )
                )
            elif item["type"] == 3:
                found += [
                    Control(
                        item["custom_id"], 3, o["label"], o["value"], item.get("disabled", False)
                    )
                    for o in item.get("options", [])
                ]
    return found


def _words(label: str) -> str:
    """A label as a person says it: "Next ▶" is "next" (symbols, spacing and case ignored)."""
    return " ".join(re.findall(r"\w+", label.casefold()))


@dataclass
class Pending:
    """An interaction being handled: its tasks, and where its calls start in the record."""

    tasks: set[asyncio.Task[Any]]
    start: int
    recorder: Recorder = field(repr=False)

    async def done(self) -> Exchange:
        """Wait for the handler to finish (at most `SETTLE_TIMEOUT`) and return its calls."""
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=SETTLE_TIMEOUT)
        return Exchange(tuple(self.recorder.since(self.start)))

    def so_far(self) -> Exchange:
        return Exchange(tuple(self.recorder.since(self.start)))


class Harness:
    """A bot answering offline; `actor` is who is typing, unless a call names someone else."""

    def __init__(self, bot: RedShoesBot, recorder: Recorder, actor: Actor) -> None:
        self.bot = bot
        self.recorder = recorder
        self.actor = actor

    @classmethod
    @asynccontextmanager
    async def running(cls, bot: RedShoesBot, actor: Actor | None = None) -> AsyncIterator[Harness]:
        """Run `bot` offline (lore and cogs loaded, nothing synced) for the block."""
        recorder = Recorder()
        async with bot:
            token = install(bot, recorder)
            try:
                await bot.prepare()
                yield cls(bot, recorder, actor or Actor())
            finally:
                async_context.reset(token)

    def dispatch(self, payload: dict[str, Any]) -> Pending:
        """Deliver an `INTERACTION_CREATE` payload; the handler runs in the returned tasks."""
        message = payload.get("message")
        self.recorder.expect(
            Origin(
                int(payload["id"]),
                payload["token"],
                int(payload["channel_id"]),
                int(message["id"]) if message else None,
            )
        )
        start = len(self.recorder.calls)
        self._introduce_server(payload)
        before = asyncio.all_tasks()
        self._gateway("INTERACTION_CREATE", payload)
        return Pending(asyncio.all_tasks() - before, start, self.recorder)

    def _gateway(self, event: str, data: dict[str, Any]) -> None:
        """Deliver one gateway event to discord.py, as its websocket would."""
        self.bot._connection.parsers[event](data)

    def _introduce_server(self, payload: dict[str, Any]) -> None:
        """Make the server, and every role its member has, known to the bot first, as Discord
        does (`GUILD_CREATE` on joining, `GUILD_ROLE_CREATE` when a role is made): role checks
        read the member's roles through the cached server (`Member.get_role`)."""
        if "guild_id" not in payload:
            return
        guild_id = int(payload["guild_id"])
        role_ids = [int(r) for r in payload["member"]["roles"]]
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            self._gateway("GUILD_CREATE", guild_create(guild_id, role_ids))
            return
        for role_id in role_ids:
            if guild.get_role(role_id) is None:
                self._gateway(
                    "GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": role(role_id)}
                )

    async def run(self, payload: dict[str, Any]) -> Exchange:
        return await self.dispatch(payload).done()

    def command_for(self, path: str) -> tuple[app_commands.Command[Any, ..., Any], str]:
        """The command `path` ("character", "lore add") names, and its top-level name."""
        words = path.split()
        if not words:
            raise HarnessError("which command? try /help")
        found: Any = self.bot.tree.get_command(words[0])
        for part in words[1:]:
            found = found.get_command(part) if isinstance(found, app_commands.Group) else None
        if not isinstance(found, app_commands.Command):
            raise HarnessError(f"no command /{path}")
        return found, words[0]

    def command_payload(
        self,
        path: str,
        options: Mapping[str, OptionValue],
        focused: str | None = None,
        actor: Actor | None = None,
        attachments: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A chat-input (or, with `focused`, autocomplete) payload for `/path option:value ...`.

        An attachment option's value is an id in `attachments`, which go in `data.resolved`
        as Discord sends the files a user picked.
        """
        actor = actor or self.actor
        command, root = self.command_for(path)
        types = {p.name: p.type.value for p in command.parameters}
        unknown = set(options) - set(types)
        if unknown:
            raise HarnessError(f"/{path} has no option {', '.join(sorted(unknown))}")
        built: tuple[Option, ...] = tuple(
            Option(name, types[name], value, focused == name) for name, value in options.items()
        )
        for depth, part in reversed(list(enumerate(path.split()[1:], start=1))):
            built = (Option(part, 2 if depth < len(path.split()) - 1 else 1, options=built),)
        data = command_data(zlib.crc32(root.encode()), root, built)
        if attachments:
            data["resolved"] = {"attachments": {key: dict(a) for key, a in attachments.items()}}
        return actor.envelope(4 if focused else 2, data)

    async def command(
        self, path: str, actor: Actor | None = None, **options: OptionValue
    ) -> Exchange:
        return await self.run(self.command_payload(path, options, actor=actor))

    async def message_menu(
        self, name: str, message: Mapping[str, Any], actor: Actor | None = None
    ) -> Exchange:
        """The message menu command `name` used on `message` (see `Actor.said`)."""
        if self.bot.tree.get_command(name, type=AppCommandType.message) is None:
            raise HarnessError(f"no message menu command {name!r}")
        data = message_menu_data(zlib.crc32(name.encode()), name, message)
        return await self.run((actor or self.actor).envelope(2, data))

    async def autocomplete(
        self, path: str, focused: str, actor: Actor | None = None, **options: OptionValue
    ) -> list[dict[str, Any]]:
        """The choices offered while `focused` holds `options[focused]`."""
        exchange = await self.run(self.command_payload(path, options, focused, actor))
        choices: list[dict[str, Any]] = exchange.data.get("choices", [])
        return choices

    def message(self, message_id: int | str | None = None) -> dict[str, Any]:
        """A message the bot sent (the latest one with components, by default)."""
        if message_id is not None:
            return self.recorder.messages[int(message_id)]
        for message in reversed(self.recorder.messages.values()):
            if message.get("components"):
                return message
        raise HarnessError("the bot has not sent anything to click")

    def click_payload(
        self,
        target: str | int,
        message: Mapping[str, Any] | None = None,
        actor: Actor | None = None,
    ) -> dict[str, Any]:
        """A component payload for a control chosen by number (from 1), label or custom id."""
        message = message or self.message()
        options = controls(message)
        chosen = None
        if isinstance(target, int) or target.isdigit():
            index = int(target) - 1
            chosen = options[index] if 0 <= index < len(options) else None
        else:
            chosen = next(
                (c for c in options if target == c.custom_id or _words(target) == _words(c.label)),
                None,
            )
        if chosen is None or chosen.disabled:
            raise HarnessError(f"nothing to press called {target!r}")
        values = [chosen.value] if chosen.value is not None else []
        data = component_data(chosen.custom_id, chosen.component_type, values)
        return (actor or self.actor).envelope(3, data, message=dict(message))

    async def click(
        self,
        target: str | int,
        message: Mapping[str, Any] | None = None,
        actor: Actor | None = None,
    ) -> Exchange:
        return await self.run(self.click_payload(target, message, actor))

    def submit_payload(
        self, custom_id: str, fields: Mapping[str, str], actor: Actor | None = None
    ) -> dict[str, Any]:
        return (actor or self.actor).envelope(5, modal_data(custom_id, fields))
