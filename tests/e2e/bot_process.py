"""A bot process for the shutdown test: `run_bot`, exactly as `python -m bot run` calls it, with
discord.py pointed at the stand-in on the port given (`python -m tests.e2e.bot_process PORT`)."""

from __future__ import annotations

import sys

from bot.app import run_bot
from bot.config import Settings
from standin.fake_discord import pointing_discord_py_at

if __name__ == "__main__":
    with pointing_discord_py_at(int(sys.argv[1])):
        sys.exit(run_bot(Settings.load()))
