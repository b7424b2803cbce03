"""/about: the bot's version, uptime, servers and lore, for anyone (admins ask it first)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, words_for
from bot.cogs.utils.replies import plain_wanted
from bot.render.about import About, about_embed
from bot.render.plain import embed_message


class AboutCog(commands.Cog, name="About"):
    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="Version, uptime, servers and lore loaded.")
    async def about(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        changed = None
        if interaction.guild_id is not None:
            overlay = await self.bot.guild_store.overlay(interaction.guild_id)
            changed = len(overlay.entries) + len(overlay.hidden)
        facts = About(
            version=self.bot.version,
            started=self.bot.started,
            servers=len(self.bot.guilds),
            entries=len(self.bot.library.shipped),
            loaded=self.bot.library.loaded,
            changed=changed,
        )
        plain = await plain_wanted(interaction)
        await interaction.response.send_message(
            **embed_message(about_embed(facts, words_for(interaction)), plain=plain),
            ephemeral=True,
        )


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(AboutCog(bot))
