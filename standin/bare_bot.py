"""The floor: a bare discord.py bot whose one command answers "pong".

Why: the benchmark compares our bot's latency with what the library itself costs through the
same stand-in, and the stand-in's own tests use it before (and independently of) our bot.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands


class BareBot(commands.Bot):
    """Syncs its tree in setup_hook, as our bot does, so start-up makes the same calls."""

    def __init__(self, *, guild_ready_timeout: float = 0.05) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.tree.add_command(app_commands.Command(name="ping", description="Pong.", callback=ping))

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pong", allowed_mentions=discord.AllowedMentions.none())
