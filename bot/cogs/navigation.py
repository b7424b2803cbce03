"""Registers the paging buttons and related-entry selects (`bot.cogs.utils.paging`).

They are dynamic items, so a click on any message that carries one, even from before a restart,
reaches them by its custom id; registering them is this extension's whole job.
"""

from __future__ import annotations

from bot.app import RedShoesBot
from bot.cogs.utils.paging import Opener, Pager


async def setup(bot: RedShoesBot) -> None:
    bot.add_dynamic_items(Pager, Opener)
