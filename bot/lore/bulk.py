"""Building lore in bulk without CPython's cyclic garbage collector getting in the way.

Loading 10,000 entries allocates hundreds of thousands of small objects (YAML nodes, dicts,
models, index rows) and creates no reference cycles worth collecting, yet every few thousand
allocations the collector walks all of them again: close to half the load time. Pausing it for
the length of one bulk build is the standard remedy; it is switched back on afterwards. Once
built, the lore lives as long as the bot: it is frozen out of the collector's way.

Server views and fact indexes are built while the bot runs, and live until evicted: hundreds of
cached views are hundreds of thousands of objects that every full collection would walk (over a
second per collection, measured with `python -m bench.servers`). They are frozen too, in batches
(`FREEZE_AFTER`). What that costs: `gc.freeze()` freezes every object alive at that moment, and
an object frozen while alive that later becomes part of a garbage cycle is never collected (a
discord.py interaction being answered at that moment, a few KiB). Batching bounds that to one
freeze per `FREEZE_AFTER` units built. Frozen objects without cycles are still freed as soon as
nothing refers to them, which is how an evicted view goes: views hold no reference cycles (the
search index closes its SQLite connection, the one cycle it held, when it is freed).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FREEZE_AFTER = 500
"""Units built (a view: ten plus its own entries; a fact index: its facts) between freezes:
at most a few thousand young objects for the collector to walk. With 2,000, collections of the
middle generation took 11-16 ms of CPU with views arriving; with 500, at most 5 ms
(`python -m bench.servers`, all-overlaid phase)."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause cyclic garbage collection for the block; restore it as it was, even on error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now (the loaded lore and its index above all) out of the
    collector's sight: a full collection then walks only what changes while the bot runs, so
    it pauses look-ups for milliseconds, not for as long as it takes to walk the whole lore.
    Called once the lore is loaded and after each reload; frozen objects are still freed when
    nothing refers to them (a replaced book goes as before)."""
    gc.freeze()
    FREEZER.reset()


class Freezer:
    """Counts what was built to last since the last freeze, and freezes once it is enough."""

    def __init__(self, after: int = FREEZE_AFTER) -> None:
        self.after = after
        self._built = 0
        self._lock = threading.Lock()

    def built(self, units: int) -> None:
        """Note `units` of long-lived structure just built (views are built on worker threads
        and on the loop, hence the lock); freeze when they add up to `after`."""
        with self._lock:
            self._built += units
            if self._built < self.after:
                return
            self._built = 0
        gc.freeze()

    def reset(self) -> None:
        with self._lock:
            self._built = 0


FREEZER = Freezer()
