"""The command definitions the bot syncs, exactly as Discord receives them.

`python -m bot commands` prints them so an admin sees what will appear (names, descriptions,
options, where each command may be installed and used, the translated names) before anything
is synced. They come from the bot's real `CommandTree`, built offline with the real cogs, and
go through the tree's translator the way `CommandTree.sync` does, so what is printed is what a
sync would send.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from discord import app_commands

from bot.config import Settings
from bot.lore.lorebook import Lorebook

INSTALLS = {0: "server", 1: "user"}
"""Discord's application integration types, by the words the Developer Portal uses."""
CONTEXTS = {0: "server", 1: "bot DM", 2: "private channels"}
"""Discord's interaction context types."""
KINDS = {1: "/", 2: "user menu: ", 3: "message menu: "}


async def definition(command: Any, tree: app_commands.CommandTree[Any]) -> dict[str, Any]:
    """One command's payload, translated as `CommandTree.sync` translates it."""
    translator = tree.translator
    if translator is None:
        payload: dict[str, Any] = command.to_dict(tree)
    else:
        payload = await command.get_translated_payload(tree, translator)
    return payload


async def definitions(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    """The global commands' payloads, as a sync sends them."""
    return [await definition(command, tree) for command in tree.get_commands()]


async def offline_definitions(settings: Settings, shipped: Lorebook) -> list[dict[str, Any]]:
    """The definitions of a bot built here and never connected; its server store lives in a
    throwaway folder, so printing them stores nothing."""
    from bot.app import create_bot

    with tempfile.TemporaryDirectory() as scratch:
        local = settings.model_copy(update={"data_dir": Path(scratch)})
        bot = create_bot(local, shipped)
        async with bot:
            await bot.prepare()
            return await definitions(bot.tree)


def describe(payloads: list[dict[str, Any]]) -> str:
    """One line per command and per option: what a member sees, and where they can use it."""
    lines: list[str] = []
    for payload in payloads:
        installs = ", ".join(INSTALLS[n] for n in payload.get("integration_types") or [0])
        contexts = ", ".join(CONTEXTS[n] for n in payload.get("contexts") or [0, 1, 2])
        languages = ", ".join(sorted(payload.get("name_localizations") or {})) or "-"
        head = f"{KINDS[payload.get('type', 1)]}{payload['name']}"
        lines.append(f"{head}  [installed: {installs}; used in: {contexts}; names in: {languages}]")
        if payload.get("description"):
            lines.append(f"    {payload['description']}")
        lines.extend(_options(payload.get("options") or [], depth=1))
    return "\n".join(lines)


def _options(options: list[dict[str, Any]], depth: int) -> list[str]:
    lines: list[str] = []
    for option in options:
        sub = option["type"] in (1, 2)  # a subcommand or a group of them
        name = option["name"] if sub else f"{option['name']}:"
        needed = " (required)" if option.get("required") else ""
        lines.append(f"{'    ' * depth}{name}{needed} — {option['description']}")
        lines.extend(_options(option.get("options") or [], depth + 1))
    return lines
