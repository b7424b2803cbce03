"""/help: every command the bot has, one line each, read from the command tree itself.

Reading the tree (rather than a hand-kept list) means a cog added later appears here at once,
slash commands and the menu commands ("Ask Lermontov") alike. Commands Discord hides from this
person (moderator-only, server-only) are left out here too. Names and descriptions are the ones
Discord shows this member (the tree's translations for their locale); the rest is in their words.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, lore_server, words_for
from bot.cogs.places import anywhere
from bot.cogs.utils.replies import plain_wanted
from bot.render.plain import embed_message
from bot.render.screens import command_help_embed
from bot.render.translator import LocaleTranslator

Listed = app_commands.Command[Any, ..., Any] | app_commands.ContextMenu
MENUS = {
    discord.AppCommandType.message: "help.menu.message",
    discord.AppCommandType.user: "help.menu.user",
}
"""The line that says where each kind of menu command is found."""


def visible(command: Listed, interaction: discord.Interaction[RedShoesBot]) -> bool:
    """Whether Discord shows this command to this person here (its group's settings count)."""
    root: Listed | app_commands.Group = command
    if isinstance(command, app_commands.Command) and command.root_parent is not None:
        root = command.root_parent  # a subcommand: its group says where it is shown
    if lore_server(interaction) is None and root.guild_only:
        return False
    needed = root.default_permissions
    return needed is None or interaction.permissions >= needed


class Help(commands.Cog):
    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot

    def translated(self, section: str, english: str, locale: discord.Locale) -> str:
        """`english` as Discord shows it in `locale` (the tree's own translation), if it has one."""
        translator = self.bot.tree.translator
        if isinstance(translator, LocaleTranslator):
            return translator.lookup(section, english, locale) or english
        return english

    def lines(self, interaction: discord.Interaction[RedShoesBot]) -> list[tuple[str, str]]:
        """Slash commands in name order, then menu commands: every one this person can use."""
        locale, words = interaction.locale, words_for(interaction)
        slash: list[tuple[str, str]] = []
        for command in self.bot.tree.walk_commands(guild=None):
            if isinstance(command, app_commands.Command) and visible(command, interaction):
                parts = command.qualified_name.split()
                name = " ".join(self.translated("names", p, locale) for p in parts)
                slash.append(
                    (f"`/{name}`", self.translated("descriptions", command.description, locale))
                )
        menus: list[tuple[str, str]] = []
        for kind, key in MENUS.items():
            for menu in self.bot.tree.walk_commands(guild=None, type=kind):
                if isinstance(menu, app_commands.ContextMenu) and visible(menu, interaction):
                    name = self.translated("menus", menu.name, locale)
                    menus.append((f"**{name}**", words(key, name=name)))
        return sorted(slash) + sorted(menus)

    @anywhere
    @app_commands.command(name="help", description="Every command, one line each.")
    async def help_(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        words = words_for(interaction)
        embed = command_help_embed(
            self.lines(interaction), words("help.title"), words("help.footer")
        )
        await interaction.response.send_message(
            **embed_message(embed, plain=await plain_wanted(interaction)), ephemeral=True
        )


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(Help(bot))
