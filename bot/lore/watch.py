"""Hot reload of the shipped lore: re-read `LORE_DIR` and swap the book in, or keep the old one.

The operator edits `lore/*.yaml` while the bot runs. A save often arrives as several file events
(editors write a temp file, then rename), so events are debounced before one reload. The folder
is read in a worker thread (it is file I/O and validation) and the swap happens on the event
loop in one reference assignment, so no command ever sees half a reload. Invalid lore never
replaces valid lore: every problem is logged and handed to `on_problems` (the bot posts them to
the operator's log channel). The watcher outlives anything a reload meets: an unexpected error
is logged with its traceback and the next change is read as usual, since a watcher that died
silently would leave the operator editing files nobody reads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import Change, awatch

from bot.lore.bulk import freeze_long_lived
from bot.lore.errors import LoreProblem
from bot.lore.library import LoreLibrary
from bot.lore.loader import read_lore
from bot.lore.lorebook import Lorebook

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300

ProblemSink = Callable[[list[LoreProblem]], Awaitable[None]]


def _is_lore_file(change: Change, path: str) -> bool:
    return path.endswith(".yaml")


def _read(directory: Path) -> tuple[Lorebook | None, list[LoreProblem]]:
    located, problems = read_lore(directory)
    if problems:
        return None, problems
    return Lorebook(item.entry for item in located), []


async def reload_lore(directory: Path, library: LoreLibrary) -> list[LoreProblem]:
    """Re-read the lore folder; swap it in when valid. Returns the problems (empty: reloaded)."""
    book, problems = await asyncio.to_thread(_read, directory)
    if book is None:
        library.reloads["refused"] += 1
        for problem in problems:
            log.warning("lore reload refused, keeping the previous lore: %s", problem)
        return problems
    library.replace_shipped(book)
    freeze_long_lived()
    log.info("lore reloaded from %s: %d entries", directory, len(book))
    return []


async def watch_lore(
    directory: Path,
    library: LoreLibrary,
    on_problems: ProblemSink | None = None,
    *,
    debounce_ms: int = DEBOUNCE_MS,
    stop_event: asyncio.Event | None = None,
) -> None:
    """Reload whenever a lore file changes, until `stop_event` is set or the task is cancelled."""
    log.info("watching %s for lore changes", directory)
    async for _changes in awatch(
        directory, watch_filter=_is_lore_file, debounce=debounce_ms, stop_event=stop_event
    ):
        try:
            problems = await reload_lore(directory, library)
            if problems and on_problems is not None:
                await on_problems(problems)
        except Exception:
            log.exception(
                "lore reload failed unexpectedly; keeping the previous lore, still watching"
            )
