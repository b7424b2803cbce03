"""Where a command can be installed and used, declared once for every command of its kind.

Discord lets a member install an app for themselves and use it in DMs, group DMs and servers
the bot never joined. Look-ups read only the shipped lore there (a server's own lore belongs to
the server that installed the bot) and store nothing, so they can go anywhere. Moderator and
quiz commands change or keep a server's data, so they stay in servers that installed the bot.
"""

from __future__ import annotations

from typing import Any, TypeVar

from discord import app_commands

T = TypeVar("T")

_ANYWHERE_INSTALLS = app_commands.allowed_installs(guilds=True, users=True)
_ANYWHERE_CONTEXTS = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)


def anywhere(command: T) -> T:
    """Installable by a server or by a member; usable in servers, the bot's DM and private
    channels (group DMs, other people's DMs)."""
    return _ANYWHERE_INSTALLS(_ANYWHERE_CONTEXTS(command))


SERVER_ONLY: dict[str, Any] = {
    "allowed_installs": app_commands.AppInstallationType(guild=True, user=False),
    "allowed_contexts": app_commands.AppCommandContext(guild=True),
}
"""Keyword arguments for a `Group` that only a server which installed the bot may use."""
