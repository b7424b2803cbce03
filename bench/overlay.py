"""A look-up in a server with a 1,000-entry overlay against one in a server with none.

Both servers share one SQLite guild store and one `LoreLibrary` over the shipped lore plus 10,000
synthetic entries; the overlaid server replaces 500 shipped entries and adds 500 of its own. A
look-up is what a command does: `await library.book_for(guild)` then `book.find(name)`. The
figure that matters is the ratio of the two medians, measured in the same run. The cost of the
first look-up after a change (the view over the overlay, indexed) is shown separately.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_entries, synthetic_lorebook
from bot.lore.library import LoreLibrary
from bot.lore.loader import load_lore
from bot.lore.store.database import DB_NAME
from bot.lore.store.sqlite import SqliteGuildStore

SHIPPED_SYNTHETIC = 10_000
OVERLAY_SIZE = 1_000
LOOKUPS = 3_000
PLAIN, OVERLAID = 1, 2


async def _timed_lookups(library: LoreLibrary, guild: int, names: list[str]) -> list[float]:
    samples = []
    for name in names:
        started = time.perf_counter()
        book = await library.book_for(guild)
        book.find(name)
        samples.append(time.perf_counter() - started)
    return samples


async def main() -> None:
    shipped = synthetic_lorebook(SHIPPED_SYNTHETIC, list(load_lore(Path("lore")).entries))
    own = synthetic_entries(OVERLAY_SIZE // 2, seed=7)
    own = [e.model_copy(update={"id": f"own-{e.id}"}) for e in own]
    replaced = [
        e.model_copy(update={"summary": "Changed in this server."})
        for e in shipped.entries[: OVERLAY_SIZE // 2]
    ]
    rng = random.Random(1948)
    names = [rng.choice(shipped.entries).name for _ in range(LOOKUPS)]
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteGuildStore.open(Path(folder) / DB_NAME)
        await store.import_entries(OVERLAID, [*replaced, *own], bases={}, by=1)
        library = LoreLibrary(shipped, store)
        rebuilds = []
        for _ in range(5):
            library.invalidate(OVERLAID)
            started = time.perf_counter()
            await library.book_for(OVERLAID)
            rebuilds.append(time.perf_counter() - started)
        await library.book_for(PLAIN)
        plain, overlaid = [], []
        for _ in range(3):
            plain += await _timed_lookups(library, PLAIN, names)
            overlaid += await _timed_lookups(library, OVERLAID, names)
        await store.close()
    base, over, rebuild = summarise(plain), summarise(overlaid), summarise(rebuilds)
    ratio = round(over["p50_ms"] / base["p50_ms"], 3)
    ratio_p99 = round(over["p99_ms"] / base["p99_ms"], 3)
    print(f"shipped entries: {len(shipped)}, overlay: {OVERLAY_SIZE}, look-ups: {len(plain)} each")
    print(f"no overlay     p50 {base['p50_ms']:.4f} ms  p99 {base['p99_ms']:.4f} ms")
    print(f"1,000 overlay  p50 {over['p50_ms']:.4f} ms  p99 {over['p99_ms']:.4f} ms")
    print(f"ratio          p50 {ratio}  p99 {ratio_p99}  (target p50 < 1.5)")
    print(f"first look-up after a change (view + index): p50 {rebuild['p50_ms']:.1f} ms")
    print_summary(
        {
            "bench": "overlay",
            "no_overlay": base,
            "overlay_1000": over,
            "ratio_p50": ratio,
            "ratio_p99": ratio_p99,
            "rebuild_after_change": rebuild,
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
