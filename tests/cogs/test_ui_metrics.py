"""Autocompletes and components (buttons, selects, forms) are timed and counted like commands.

discord.py has no completion event for them, so each one's own check starts the clock on its
task; the last test makes sure no component class of the bot skips that.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

import discord
from prometheus_client.parser import text_string_to_metric_families

import bot.cogs
from bot.offline.harness import Harness
from tests.cogs.test_lermontov import _answer, _start_audition

OTHER = 4242


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(harness: Harness) -> Samples:
    text = harness.bot.metrics.text().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _handled(got: Samples, kind: str, name: str) -> float:
    return got.get(("redshoes_ui_interactions_total", (("kind", kind), ("name", name))), 0)


def _timed(got: Samples, kind: str) -> float:
    return got.get(("redshoes_latency_seconds_count", (("kind", kind),)), 0)


async def test_autocompletes_are_timed_and_counted_by_command(harness: Harness) -> None:
    for typed in ("vi", "vic", "shearr"):
        await harness.autocomplete("character", "name", name=typed)
    await harness.autocomplete("person", "name", name="moira")
    got = _samples(harness)
    assert _handled(got, "autocomplete", "/character") == 3
    assert _handled(got, "autocomplete", "/person") == 1
    assert _timed(got, "autocomplete") == 4
    assert got[("redshoes_latency_seconds_sum", (("kind", "autocomplete"),))] > 0
    assert _timed(got, "command") == 0  # choices are not counted as commands run


async def test_buttons_selects_and_forms_are_timed_and_counted_by_component(
    harness: Harness,
) -> None:
    await harness.command("story")
    story = harness.message()
    await harness.click("Next ▶", story, harness.actor.as_user(OTHER))  # refused: counted too
    await harness.click("Next ▶", story)
    await harness.command("character", name="vicky-page")
    await harness.click("Moira Shearer")
    audition = await _start_audition(harness)
    answered = await _answer(harness, "Why do you want to live?")
    assert answered.response["type"] == 4
    await audition.done()
    got = _samples(harness)
    assert _handled(got, "component", "pager") == 2
    assert _handled(got, "component", "opener") == 1
    assert _handled(got, "component", "audition") == 1
    assert _handled(got, "component", "audition form") == 1
    assert _timed(got, "component") == 5
    assert _timed(got, "command") == 3


def _bot_classes() -> list[type]:
    for info in pkgutil.walk_packages(bot.cogs.__path__, "bot.cogs."):
        importlib.import_module(info.name)
    found = []
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("bot."):
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module_name:
                found.append(cls)
    return found


def test_every_component_of_the_bot_times_itself() -> None:
    kinds = (discord.ui.View, discord.ui.Modal, discord.ui.DynamicItem)
    components = [c for c in _bot_classes() if issubclass(c, kinds)]
    assert {c.__name__ for c in components} >= {"Pager", "Opener", "AnswerButton", "Confirm"}
    untimed = [
        c.__name__
        for c in components
        if "observe(" not in inspect.getsource(c.__dict__.get("interaction_check", lambda: None))
    ]
    assert untimed == []
