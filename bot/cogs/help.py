"""/help: every slash command the bot has, one line each, read from the command tree itself.

Reading the tree (rather than a hand-kept list) means a cog added later appears here at once.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.navigation import NONE
from bot.render.screens import command_help_embed


class Help(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="Every command, one line each.")
    async def help_(self, interaction: discord.Interaction[Any]) -> None:
        lines = [
            (command.qualified_name, command.description)
            for command in self.bot.tree.walk_commands(guild=None)
            if isinstance(command, app_commands.Command)
        ]
        await interaction.response.send_message(
            embed=command_help_embed(lines), ephemeral=True, allowed_mentions=NONE
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help(bot))
