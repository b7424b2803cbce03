"""Every locale translates every string the commands show, and every translated name is one
Discord accepts."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.definitions import definitions, offline_definitions
from bot.render.translator import LocaleTranslator, read_locales
from tests.conftest import LORE_DIR

LANGUAGES = {"fr", "de", "es-ES", "ja"}
LIMITS = {"names": 32, "menus": 32, "descriptions": 100, "choices": 100}
UNDESCRIBED = "…"  # discord.py's stand-in for an option without a description


class Recorder(LocaleTranslator):
    """Notes each string discord.py asks to translate, by the table it belongs to."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: dict[str, set[str]] = defaultdict(set)

    def lookup(self, section: str, english: str, locale: discord.Locale) -> str | None:
        if english != UNDESCRIBED:
            self.asked[section].add(english)
        return None


@pytest.fixture(scope="module")
def tables() -> dict[str, dict[str, dict[str, str]]]:
    return read_locales()


async def _asked(tmp_path: Path) -> dict[str, set[str]]:
    from bot.app import create_bot
    from bot.config import Settings
    from bot.lore.loader import load_lore

    settings = Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=tmp_path)
    bot = create_bot(settings, load_lore(LORE_DIR))
    recorder = Recorder()
    async with bot:
        await bot.prepare()
        await bot.tree.set_translator(recorder)
        await definitions(bot.tree)
    return recorder.asked


def test_the_four_languages_are_there(tables: dict[str, Any]) -> None:
    assert set(tables) >= LANGUAGES
    assert all(str(discord.Locale(code)) == code for code in tables)


async def test_every_locale_has_every_string_and_no_other(
    tables: dict[str, dict[str, dict[str, str]]], tmp_path: Path
) -> None:
    asked = await _asked(tmp_path)
    for code, table in tables.items():
        for section, strings in asked.items():
            assert set(table[section]) == strings, (code, section)


def _a_discord_name(name: str) -> bool:
    """Discord's rule for command and option names (the API reference's regex
    `^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`, lowercase where the script has case)."""
    allowed = all(c in "-_'" or unicodedata.category(c)[0] in "LNM" for c in name)
    return 1 <= len(name) <= 32 and allowed and name == name.lower()


def test_every_name_and_text_fits_discords_rules(
    tables: dict[str, dict[str, dict[str, str]]],
) -> None:
    for code, table in tables.items():
        for name in table["names"].values():
            assert _a_discord_name(name), (code, name)
        for section, limit in LIMITS.items():
            for text in table[section].values():
                assert 1 <= len(text) <= limit, (code, section, text)


def test_names_do_not_collide_within_a_command(
    tables: dict[str, dict[str, dict[str, str]]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two options of one command (or two commands) may not share a translated name."""
    from bot.__main__ import main

    assert main(["commands", "--json"]) == 0
    import json

    payloads = json.loads(capsys.readouterr().out)
    for code in tables:
        top = [p.get("name_localizations", {}).get(code, p["name"]) for p in payloads]
        assert len(top) == len(set(top)), code
        stack = list(payloads)
        while stack:
            options = stack.pop().get("options") or []
            names = [o.get("name_localizations", {}).get(code, o["name"]) for o in options]
            assert len(names) == len(set(names)), (code, names)
            stack.extend(options)


async def test_the_synced_definitions_carry_the_translations(tmp_path: Path) -> None:
    from bot.config import Settings
    from bot.lore.loader import load_lore

    settings = Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=tmp_path)
    payloads = await offline_definitions(settings, load_lore(LORE_DIR))
    character = next(p for p in payloads if p["name"] == "character")
    assert character["name_localizations"] == {
        "fr": "personnage",
        "de": "figur",
        "es-ES": "personaje",
        "ja": "登場人物",
    }
    menu = next(p for p in payloads if p["type"] == 3)
    assert menu["name_localizations"]["fr"] == "Demander à Lermontov"
