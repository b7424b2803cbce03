"""Interaction payloads shaped as Discord's gateway delivers them (`INTERACTION_CREATE`).

One `Actor` (who is asking, where) builds every type the bot handles: chat-input commands (2),
component clicks (3), autocomplete (4) and modal submits (5).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import discord

from bot.offline.recorder import APPLICATION_ID, message_payload

OptionValue = str | int | float | bool
_counter = itertools.count(1)

MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True, manage_messages=True)
MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
)


def snowflake() -> int:
    return discord.utils.time_snowflake(discord.utils.utcnow()) + next(_counter)


@dataclass(frozen=True)
class Actor:
    """A user in a server channel (or a DM when `guild_id` is None). `user_install`: they use
    the bot through their own installation, not the server's (the bot need not be there)."""

    user_id: int = 1001
    guild_id: int | None = 2001
    channel_id: int = 3001
    moderator: bool = False
    username: str = "vicky"
    roles: tuple[int, ...] = ()
    user_install: bool = False
    locale: str = "en-GB"
    """Their Discord's language, which the bot's fixed words follow."""

    def as_user(self, user_id: int, username: str | None = None) -> Actor:
        return replace(self, user_id=user_id, username=username or f"user{user_id}")

    @property
    def permissions(self) -> discord.Permissions:
        perms = discord.Permissions(MEMBER_PERMISSIONS.value)
        if self.moderator:
            perms |= MODERATOR_PERMISSIONS
        return perms

    def _user(self) -> dict[str, Any]:
        return {
            "id": str(self.user_id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username.capitalize(),
            "avatar": None,
        }

    def _owners(self) -> dict[str, str]:
        """Which installation the interaction came through, as Discord says it."""
        if self.user_install:
            return {"1": str(self.user_id)}
        return {"0": str(self.guild_id or 0)}

    def said(self, content: str) -> dict[str, Any]:
        """A message this person posted in their channel, as Discord describes one."""
        message = message_payload({"content": content}, self.channel_id, snowflake(), self._user())
        if self.guild_id is not None:
            message["guild_id"] = str(self.guild_id)
        return message

    def envelope(self, kind: int, data: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        """The parts every interaction shares: ids, token, who, where and with what rights."""
        interaction_id = snowflake()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APPLICATION_ID),
            "type": kind,
            "data": dict(data),
            "token": f"offline-token-{interaction_id}",
            "version": 1,
            "locale": self.locale,
            "app_permissions": str(discord.Permissions.all().value),
            "attachment_size_limit": 8 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": self._owners(),
            "context": 0 if self.guild_id else 2 if self.user_install else 1,
            **extra,
        }
        if self.guild_id is None:
            payload["channel_id"] = str(self.channel_id)
            payload["channel"] = {
                "id": str(self.channel_id),
                "type": 1,
                "recipients": [self._user()],
            }
            payload["user"] = self._user()
            return payload
        payload["guild_id"] = str(self.guild_id)
        payload["guild_locale"] = "en-GB"
        payload["channel_id"] = str(self.channel_id)
        payload["channel"] = {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "red-shoes",
            "position": 0,
            "nsfw": False,
            "parent_id": None,
            "permission_overwrites": [],
            "permissions": str(self.permissions.value),
        }
        payload["member"] = {
            "user": self._user(),
            "roles": [str(r) for r in self.roles],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(self.permissions.value),
        }
        return payload


def role(role_id: int, name: str | None = None) -> dict[str, Any]:
    """A role as `GUILD_CREATE` and `GUILD_ROLE_CREATE` carry it."""
    return {
        "id": str(role_id),
        "name": name or f"role-{role_id}",
        "color": 0,
        "hoist": False,
        "position": 0 if name == "@everyone" else 1,
        "permissions": "0",
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_create(guild_id: int, role_ids: Sequence[int] = ()) -> dict[str, Any]:
    """The `GUILD_CREATE` the gateway sends for a server the bot is in: its roles, no members."""
    roles = [role(guild_id, "@everyone"), *(role(r) for r in role_ids)]
    return {
        "id": str(guild_id),
        "name": "The Lermontov Ballet",
        "owner_id": "1",
        "roles": roles,
        "channels": [],
        "members": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "member_count": 1,
        "large": False,
        "unavailable": False,
    }


@dataclass(frozen=True)
class Option:
    name: str
    type: int
    value: OptionValue | None = None
    focused: bool = False
    options: tuple[Option, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.value is not None:
            out["value"] = self.value
        if self.focused:
            out["focused"] = True
        if self.options or self.type in (1, 2):
            out["options"] = [o.to_dict() for o in self.options]
        return out


def command_data(
    command_id: int, name: str, options: Sequence[Option], guild_id: int | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(command_id),
        "name": name,
        "type": 1,
        "options": [o.to_dict() for o in options],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def message_menu_data(command_id: int, name: str, message: Mapping[str, Any]) -> dict[str, Any]:
    """A message menu command used on `message`: Discord resolves the message, text included
    (no Message Content intent is needed for it)."""
    return {
        "id": str(command_id),
        "name": name,
        "type": 3,
        "target_id": message["id"],
        "resolved": {"messages": {message["id"]: dict(message)}},
    }


def component_data(
    custom_id: str, component_type: int, values: Sequence[str] = ()
) -> dict[str, Any]:
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if component_type != 2:
        data["values"] = list(values)
    return data


def modal_data(custom_id: str, fields: Mapping[str, str]) -> dict[str, Any]:
    rows = [
        {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
        for key, value in fields.items()
    ]
    return {"custom_id": custom_id, "components": rows}
