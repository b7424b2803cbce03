"""Shared fixtures: the shipped lore, and a way to write small lore folders for a test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook

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
