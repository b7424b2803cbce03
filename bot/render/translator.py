"""The commands' names, descriptions and choices in members' languages, from `bot/locales/`.

discord.py asks a `Translator` for each string of each command when it builds what it syncs;
Discord then shows every member the names in their client's language. The translations are
data (one YAML file per Discord locale, keyed by the English text in the code), so a language is
added without touching code. Lore content is not translated: it is written, and sourced, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord
import yaml
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.render.words import ENGLISH

LOCALES = Path(__file__).resolve().parent.parent / "locales"
SECTIONS = ("names", "menus", "descriptions", "choices")

_SECTION_OF = {
    Where.command_name: "names",
    Where.group_name: "names",
    Where.parameter_name: "names",
    Where.command_description: "descriptions",
    Where.group_description: "descriptions",
    Where.parameter_description: "descriptions",
    Where.choice_name: "choices",
}


def read_locales(folder: Path = LOCALES) -> dict[str, dict[str, dict[str, str]]]:
    """Every locale file: {Discord locale: {section: {English: translation}}}."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == ENGLISH:  # the replies' English words, no translation of commands
            continue
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        tables[str(data["locale"])] = {s: dict(data.get(s) or {}) for s in SECTIONS}
    return tables


def section_of(context: app_commands.TranslationContextTypes) -> str | None:
    """Which table a string is looked up in: a message menu's name may have capitals and
    spaces, so menus have their own."""
    if context.location is Where.command_name and isinstance(
        context.data, app_commands.ContextMenu
    ):
        return "menus"
    return _SECTION_OF.get(context.location)


class LocaleTranslator(app_commands.Translator):
    """Translations read once, when the tree loads the translator."""

    def __init__(self, folder: Path = LOCALES) -> None:
        self.folder = folder
        self.tables: dict[discord.Locale, dict[str, dict[str, str]]] = {}

    async def load(self) -> None:
        self.tables = {discord.Locale(k): v for k, v in read_locales(self.folder).items()}

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        section = section_of(context)
        return None if section is None else self.lookup(section, string.message, locale)

    def lookup(self, section: str, english: str, locale: discord.Locale) -> str | None:
        """The translation of `english` from one table, if that locale has it."""
        table = self.tables.get(locale)
        return None if table is None else table[section].get(english)
