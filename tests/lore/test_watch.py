"""Hot reload: real file writes in a temporary lore folder, picked up by the watcher."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.lore.errors import LoreProblem
from bot.lore.library import LoreLibrary
from bot.lore.loader import load_lore
from bot.lore.watch import reload_lore, watch_lore

HEADER = "entries:\n"
PERSON = """\
  - id: {id}
    kind: person
    name: {name}
    summary: A dancer.
    roles: [dancer]
    sources:
      - title: Film credits
"""
DEADLINE = 10.0


def person(entry_id: str, name: str) -> str:
    return PERSON.format(id=entry_id, name=name)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lore = tmp_path / "lore"
    lore.mkdir()
    (lore / "people.yaml").write_text(HEADER + person("moira-shearer", "Moira Shearer"))
    return lore


@pytest.fixture
def library(folder: Path) -> LoreLibrary:
    return LoreLibrary(load_lore(folder))


class Watcher:
    def __init__(self) -> None:
        self.reported: list[list[LoreProblem]] = []
        self.stop = asyncio.Event()

    async def report(self, problems: list[LoreProblem]) -> None:
        self.reported.append(problems)


@pytest.fixture
async def watcher(folder: Path, library: LoreLibrary) -> AsyncIterator[Watcher]:
    state = Watcher()
    task = asyncio.create_task(
        watch_lore(folder, library, state.report, debounce_ms=50, stop_event=state.stop)
    )
    yield state
    state.stop.set()
    await asyncio.wait_for(task, DEADLINE)


async def write_until(path: Path, text: str, done: Callable[[], bool]) -> None:
    """Write `text` until the watcher reacts: the first write may land before it is watching."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while not done():
        assert loop.time() < deadline, "the watcher never reacted"
        await asyncio.to_thread(path.write_text, text)
        for _ in range(20):
            await asyncio.sleep(0.05)
            if done():
                return


async def test_a_valid_change_is_swapped_in(
    folder: Path, library: LoreLibrary, watcher: Watcher
) -> None:
    text = HEADER + person("moira-shearer", "Moira Shearer") + person("leonide-massine", "Massine")
    await write_until(folder / "people.yaml", text, lambda: "leonide-massine" in library.shipped)
    assert watcher.reported == []


async def test_an_invalid_change_keeps_the_old_lore_and_reports_each_problem(
    folder: Path, library: LoreLibrary, watcher: Watcher, caplog: pytest.LogCaptureFixture
) -> None:
    old = library.shipped
    bad = HEADER + person("moira-shearer", "Moira Shearer").replace("roles: [dancer]", "roles: 7")
    bad += "  - id: BAD\n"
    with caplog.at_level(logging.WARNING):
        await write_until(folder / "people.yaml", bad, lambda: bool(watcher.reported))
    assert library.shipped is old
    problems = [str(p) for p in watcher.reported[0]]
    path = str(folder / "people.yaml")
    assert f"{path}:6:12: roles: Input should be a valid tuple" in problems
    assert any(p.startswith(f"{path}:9:") for p in problems)
    for problem in problems:
        assert problem in caplog.text


async def test_reload_on_demand(folder: Path, library: LoreLibrary) -> None:
    (folder / "more.yaml").write_text(HEADER + person("robert-helpmann", "Robert Helpmann"))
    assert await reload_lore(folder, library) == []
    assert "robert-helpmann" in library.shipped
    (folder / "more.yaml").write_text("entries: [")
    old = library.shipped
    problems = await reload_lore(folder, library)
    assert [p.path for p in problems] == [str(folder / "more.yaml")]
    assert library.shipped is old
    assert library.reloads == {"ok": 1, "refused": 1}


async def test_the_watcher_survives_recursion_and_reloads_afterwards(
    folder: Path, library: LoreLibrary, watcher: Watcher
) -> None:
    old = library.shipped
    await write_until(folder / "people.yaml", "entries: &a [*a]\n", lambda: bool(watcher.reported))
    assert library.shipped is old
    assert [str(p) for p in watcher.reported[0]] == [
        f"{folder / 'people.yaml'}:1:10: an alias here refers to a value that contains it"
    ]
    text = HEADER + person("moira-shearer", "Moira Shearer") + person("leonide-massine", "Massine")
    await write_until(folder / "people.yaml", text, lambda: "leonide-massine" in library.shipped)


async def test_the_watcher_survives_an_unexpected_error(
    folder: Path,
    library: LoreLibrary,
    watcher: Watcher,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = []

    def broken(directory: Path) -> object:
        failures.append(directory)
        raise RuntimeError("something nobody foresaw")

    old = library.shipped
    with monkeypatch.context() as patched, caplog.at_level(logging.ERROR):
        patched.setattr("bot.lore.watch._read", broken)
        # the watcher logs after the failure has propagated: wait for its line, not the failure
        await write_until(
            folder / "people.yaml",
            HEADER + person("a-b", "A"),
            lambda: "still watching" in caplog.text,
        )
    assert failures
    assert library.shipped is old
    assert "something nobody foresaw" in caplog.text
    assert "still watching" in caplog.text
    text = HEADER + person("moira-shearer", "Moira Shearer") + person("leonide-massine", "Massine")
    await write_until(folder / "people.yaml", text, lambda: "leonide-massine" in library.shipped)
