"""/help: every slash command the bot has, one line each, read from the command tree itself.

Reading the tree (rather than a hand-kept list) means a cog added later appears here at once.
Commands Discord hides from this person (moderator-only, server-only) are left out here too.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, lore_server
from bot.cogs.places import anywhere
from bot.cogs.utils.replies import plain_wanted
from bot.render.plain import embed_message
from bot.render.screens import command_help_embed


def visible(
    command: app_commands.Command[Any, ..., Any], interaction: discord.Interaction[RedShoesBot]
) -> bool:
    """Whether Discord shows this command to this person here (its group's settings count)."""
    root = command.root_parent or command
    if lore_server(interaction) is None and root.guild_only:
        return False
    needed = root.default_permissions
    return needed is None or interaction.permissions >= needed


class Help(commands.Cog):
    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot

    @anywhere
    @app_commands.command(name="help", description="Every command, one line each.")
    async def help_(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        lines = [
            (command.qualified_name, command.description)
            for command in self.bot.tree.walk_commands(guild=None)
            if isinstance(command, app_commands.Command) and visible(command, interaction)
        ]
        await interaction.response.send_message(
            **embed_message(command_help_embed(lines), plain=await plain_wanted(interaction)),
            ephemeral=True,
        )


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(Help(bot))
