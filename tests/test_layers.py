"""The import directions, read from the code's own imports: cogs → render → quiz/persona → lore.

Why a test: a layer that imports upwards still runs, so nothing else would notice until the lore
layer could no longer be used without Discord (the console, `ask`, the benchmarks rely on it).
Every import counts, including those inside functions and under `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"

LAYERS = ("lore", "persona", "quiz", "render", "cogs")
"""Packages in order from the bottom; the rest of `bot` (app, config, console, offline, the CLI)
wires them together and is imported by none of them, except that cogs know the bot class."""

MAY_IMPORT: dict[str, frozenset[str]] = {
    "lore": frozenset({"lore"}),
    "persona": frozenset({"persona", "lore"}),
    # The quizmaster speaks Lermontov's lines (`bot.persona.lines`); persona never asks the quiz.
    "quiz": frozenset({"quiz", "persona", "lore"}),
    "render": frozenset({"render", "quiz", "persona", "lore"}),
    "cogs": frozenset({"cogs", "render", "quiz", "persona", "lore", "app", "config"}),
}

WITHOUT_DISCORD = ("lore", "persona", "quiz")


def _layer(module: str) -> str:
    """`bot.lore.store.sqlite` -> `lore`; `bot.app` -> `app`."""
    return module.split(".")[1]


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module a file imports, with its line; `from bot import x` counts as `bot.x`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            module = node.module or ""
            if module == "bot":
                for alias in node.names:
                    yield node.lineno, f"bot.{alias.name}"
            else:
                yield node.lineno, module


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(BOT.rglob("*.py")):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        yield ".".join(parts), path


def test_every_layer_imports_only_itself_and_the_layers_below():
    wrong = []
    for module, path in _modules():
        layer = _layer(module)
        for line, imported in _imports(path):
            if not imported.startswith("bot.") or layer not in MAY_IMPORT:
                continue
            if _layer(imported) not in MAY_IMPORT[layer]:
                wrong.append(f"{path.relative_to(BOT.parent)}:{line}: {layer} imports {imported}")
    assert wrong == []


def test_cogs_are_loaded_by_name_and_imported_by_no_one_else():
    wrong = [
        f"{path.relative_to(BOT.parent)}:{line}: imports {imported}"
        for module, path in _modules()
        if not module.startswith("bot.cogs.")
        for line, imported in _imports(path)
        if imported.startswith("bot.cogs")
    ]
    assert wrong == []


def test_lore_persona_and_quiz_never_import_discord():
    wrong = [
        f"{path.relative_to(BOT.parent)}:{line}: imports {imported}"
        for module, path in _modules()
        if _layer(module) in WITHOUT_DISCORD
        for line, imported in _imports(path)
        if imported.split(".")[0] in {"discord", "aiohttp"}
    ]
    assert wrong == []


def test_the_rules_know_every_package_of_the_bot():
    """A new package must be placed in the order deliberately, not slip past the check."""
    packages = {p.name for p in BOT.iterdir() if (p / "__init__.py").exists()}
    assert packages == {*LAYERS, "offline"}
    assert set(MAY_IMPORT) == set(LAYERS)


PRIVATE = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\.(_[a-z]\w*)")
"""`something._private`; an object's own (`self._x`, `cls._x`) is fine."""


def test_code_that_talks_to_discord_uses_its_public_api_and_our_bot_type():
    """Handlers take `Interaction[RedShoesBot]`, and nothing that imports discord reaches into
    another object's private attributes. The offline harness is the exception: it stands in for
    Discord's gateway and HTTP, which discord.py offers no public way to replace."""
    wrong = []
    for module, path in _modules():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(BOT.parent)
        if "Interaction[Any]" in text:
            wrong.append(f"{where}: Interaction[Any]")
        if _layer(module) == "offline" or "import discord" not in text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            found = PRIVATE.findall(line.split("#")[0])
            wrong += [f"{where}:{number}: {o}.{a}" for o, a in found if o not in ("self", "cls")]
    assert wrong == []
