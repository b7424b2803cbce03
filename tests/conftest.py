"""Shared fixtures: the shipped lore, and a way to write small lore folders for a test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import Dialogue
from bot.persona.replay import audition

if TYPE_CHECKING:
    from bot.offline.harness import Harness

REPO = Path(__file__).resolve().parent.parent
LORE_DIR = REPO / "lore"
SHARED = REPO.parent / "shared"

WriteLore = Callable[[str, str], Path]


@pytest.fixture(scope="session")
def lore_dir() -> Path:
    return LORE_DIR


@pytest.fixture(scope="session")
def lorebook() -> Lorebook:
    """The shipped lore, loaded once per test session (it is immutable)."""
    return load_lore(LORE_DIR)


@pytest.fixture
def write_lore(tmp_path: Path) -> WriteLore:
    """Write one lore file into a fresh folder and return the folder."""
    folder = tmp_path / "lore"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
async def harness(lorebook: Lorebook, tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot, offline: shipped lore, every cog in `EXTENSIONS`, a recording HTTP layer.

    `await harness.command("character", name="vicky")` returns an `Exchange` whose `.response`
    is the exact interaction callback sent; `harness.click(...)`, `harness.autocomplete(...)`,
    `harness.dispatch(payload)` and `harness.recorder` cover clicks, choices and long handlers.
    """
    from bot.app import create_bot
    from bot.config import Settings
    from bot.offline.harness import Harness

    settings = Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=tmp_path / "data")
    bot = create_bot(settings, lorebook)
    async with Harness.running(bot) as running:
        yield running


def the_audition(book: Lorebook) -> Dialogue:
    """The exchange `/lermontov` replays, which the shipped lore must hold."""
    dialogue = audition(book)
    assert dialogue is not None
    return dialogue
