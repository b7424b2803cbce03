"""Who may do what, as discord.py checks: moderators are Manage Server or the configured role.

One definition for every place that asks (the `/lore` commands, their forms and buttons, and
`/quiz stop`), read only through discord.py's public API: the permissions and the member (with
its roles) that the interaction payload carries. A failed check raises `Refusal`, which the
bot's error handler answers with the reason, in character.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app import RedShoesBot, Refusal


async def moderates(interaction: discord.Interaction[RedShoesBot]) -> bool:
    """Whether the user has Manage Server, or this server's moderator role (`/lore config`)."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    role = (await interaction.client.guild_store.config(interaction.guild_id)).moderator_role_id
    return role is not None and member.get_role(role) is not None


async def is_moderator(interaction: discord.Interaction[RedShoesBot]) -> bool:
    """The check itself: passes for a moderator in a server, else raises `Refusal` saying why."""
    if interaction.guild_id is None:
        raise Refusal("refusal.server_only")
    if await moderates(interaction):
        return True
    raise Refusal("refusal.moderators")


moderator_only = app_commands.check(is_moderator)
"""Decorator for a moderator's app command (Discord's default permissions only hide it)."""
