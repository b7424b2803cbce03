"""Server views at scale: memory, first look-ups, change-to-visible, collector pauses.

On the shipped lore (158 entries) and on it plus 10,000 synthetic entries, in one process with
the project's own classes (`LoreLibrary`, `LoreEditor`, the SQLite guild store):
- RSS growth while 10,000 servers each make a first look-up, 1% of them with a 100-entry overlay
  (50 replaced shipped entries, 50 of their own);
- RSS while servers that all have 100-entry overlays make first look-ups, under the default
  cache bound, sampled as they come (it should stop growing once the bound is reached); these
  overlays come from memory, decoded from JSON on every read as the store decodes them;
- the first look-up in an overlaid server (`book_for` + `find`), against a look-up in a server
  whose view is cached; with the CPU time the event loop's thread spent on it (a small view is
  read and built there; on a busy machine wall time also counts time the process waited);
- change-to-visible: a moderator edit in a server with a 1,000-entry overlay, then the look-up
  that shows it, timed from the store's commit (so it counts applying the change to the cached
  view); against rebuilding the server's view from the store (what every change cost before
  changes were applied to the view) and the merged book of all entries (before views were
  layered);
- look-ups in a server with a 1,000-entry overlay against one without;
- the first chat message in an overlaid server (the view's fact index, layered on the shipped
  one's, and the answer), against a message in a server without an overlay; RSS per chatted
  view; and the first chat message after a moderator's edit in a chatted server (the changed
  view's fact index is its predecessor's with the edited entry's facts spliced in);
- the longest garbage-collector pause during the whole run (`gc.callbacks`).
The lore is frozen out of the collector's way after loading, as the bot does.
"""

from __future__ import annotations

import asyncio
import gc
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_entries, synthetic_lorebook
from bot.lore.bulk import freeze_long_lived
from bot.lore.editing import LoreEditor
from bot.lore.library import LoreLibrary, Overlay
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Entry
from bot.lore.store.base import Change, Edit
from bot.lore.store.database import DB_NAME
from bot.lore.store.sqlite import SqliteGuildStore
from bot.persona.chat import Answerer

SYNTHETIC = (0, 10_000)
SERVERS = 10_000
OVERLAID_EVERY = 100  # 1% of the servers
OVERLAY = 100
ALL_OVERLAID = 1_000
SAMPLE_EVERY = 200
EDIT_OVERLAY = 1_000
EDITS = 20
LOOKUPS = 2_000
CHAT_SERVERS = 20
MIB = 1024 * 1024


class Pauses:
    """Every collector pause, from `gc.callbacks`: the longest, the 99th percentile and how
    many collections of each generation. Wall time is what a look-up waits; on a shared machine
    it includes time the process was not running, so the CPU time of the longest is given too.
    Pauses while a baseline of the design before server views runs (`apart`) are the old
    design's, not the bot's: they are kept apart."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self.cpu: list[float] = []
        self.count = [0, 0, 0]
        self.baseline: list[float] = []
        self._apart = False
        self._started = self._cpu_started = 0.0

    def reset(self) -> None:
        self.pauses = []
        self.cpu = []
        self.count = [0, 0, 0]
        self.baseline = []

    @contextmanager
    def apart(self) -> Iterator[None]:
        """Count the block's pauses as the baseline's (a merged book of 10,000 entries built
        at once: the collection right after it walks every object it made)."""
        self._apart = True
        try:
            yield
        finally:
            self._apart = False

    def longest_ms(self) -> dict[str, object]:
        """The longest pause, the p99 and the collections since the last call, then reset."""
        ordered = sorted(self.pauses) or [0.0]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        found = {
            "ms": round(ordered[-1] * 1000, 2),
            "p99_ms": round(p99 * 1000, 2),
            "cpu_ms": round(max(self.cpu, default=0.0) * 1000, 2),
            "collections": list(self.count),
            "baseline_ms": round(max(self.baseline, default=0.0) * 1000, 2),
        }
        self.reset()
        return found

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started, self._cpu_started = time.perf_counter(), time.thread_time()
            return
        took = time.perf_counter() - self._started
        if self._apart:
            self.baseline.append(took)
            return
        self.count[info["generation"]] += 1
        self.pauses.append(took)
        self.cpu.append(time.thread_time() - self._cpu_started)


def rss() -> int:
    return int(psutil.Process().memory_info().rss)


def overlay_for(shipped: Lorebook, rng: random.Random, size: int, tag: str) -> list[Entry]:
    """Half replaced shipped entries (a new summary; at most half the shipped lore), the rest
    the server's own."""
    count = min(size // 2, len(shipped.entries) // 2)
    replaced = [
        e.model_copy(update={"summary": f"Changed in server {tag}."})
        for e in rng.sample(shipped.entries, count)
    ]
    own = [
        e.model_copy(update={"id": f"own-{tag}-{e.id}"})
        for e in synthetic_entries(size - count, seed=rng.randrange(1 << 30))
    ]
    return [*replaced, *own]


class JsonOverlays:
    """Overlays kept as JSON and decoded on every read, as the store decodes its rows."""

    def __init__(self, entries: list[Entry]) -> None:
        self._rows = [ENTRY_ADAPTER.dump_json(e) for e in entries]

    async def overlay(self, guild_id: int) -> Overlay:
        entries = tuple(ENTRY_ADAPTER.validate_json(row) for row in self._rows)
        return Overlay(revision=1, entries=entries)


async def lookup(library: LoreLibrary, guild: int, name: str) -> float:
    started = time.perf_counter()
    book = await library.book_for(guild)
    book.find(name)
    return time.perf_counter() - started


async def many_servers(shipped: Lorebook, folder: Path, names: list[str]) -> dict[str, Any]:
    """10,000 servers, 1% overlaid: RSS growth and first look-ups."""
    rng = random.Random(18)
    store = await SqliteGuildStore.open(folder / f"many-{len(shipped)}-{DB_NAME}")
    overlaid = set(range(0, SERVERS, OVERLAID_EVERY))
    for guild in overlaid:
        entries = overlay_for(shipped, rng, OVERLAY, str(guild))
        await store.import_entries(guild, entries, bases={}, by=1)
    library = LoreLibrary(shipped, store)
    gc.collect()
    before = rss()
    first_overlaid, first_plain, cached, cpu = [], [], [], []
    for guild in range(SERVERS):
        cpu_started = time.thread_time()
        took = await lookup(library, guild, rng.choice(names))
        if guild in overlaid:
            first_overlaid.append(took)
            cpu.append(time.thread_time() - cpu_started)
            cached.append(await lookup(library, guild, rng.choice(names)))
        else:
            first_plain.append(took)
    gc.collect()
    grown = rss() - before
    await store.close()
    return {
        "rss_growth_mib": round(grown / MIB, 1),
        "first_lookup_overlaid": summarise(first_overlaid),
        "first_lookup_overlaid_cpu": summarise(cpu),
        "first_lookup_plain": summarise(first_plain),
        "lookup_cached_overlaid": summarise(cached),
        "views_cached": len(library.views),
    }


async def all_overlaid(shipped: Lorebook, names: list[str]) -> dict[str, Any]:
    """Every server overlaid, under the default cache bound: RSS as servers arrive."""
    rng = random.Random(19)
    library = LoreLibrary(shipped, JsonOverlays(overlay_for(shipped, rng, OVERLAY, "all")))
    gc.collect()
    before = rss()
    samples = []
    for guild in range(ALL_OVERLAID):
        await lookup(library, guild, rng.choice(names))
        if (guild + 1) % SAMPLE_EVERY == 0:
            samples.append(round((rss() - before) / MIB, 1))
    return {
        "servers": ALL_OVERLAID,
        "rss_growth_mib_sampled": samples,
        "views_cached": len(library.views),
        "cache_estimate_mib": round(library.views.bytes / MIB, 1),
    }


class TimedStore(SqliteGuildStore):
    """The guild store, noting when each batch committed: change-to-visible starts there, so
    it counts what the library does with the change as well as the look-up that shows it."""

    committed = 0.0

    async def apply(self, guild_id: int, edits: Sequence[Edit], *, by: int) -> list[Change]:
        changes = await super().apply(guild_id, edits, by=by)
        self.committed = time.perf_counter()
        return changes


async def after_edits(
    shipped: Lorebook, folder: Path, names: list[str], pauses: Pauses
) -> dict[str, Any]:
    """Change-to-visible and look-ups with a 1,000-entry overlay against none."""
    rng = random.Random(20)
    store = await TimedStore.open(folder / f"edits-{len(shipped)}-{DB_NAME}")
    entries = overlay_for(shipped, rng, EDIT_OVERLAY, "big")
    await store.import_entries(2, entries, bases={}, by=1)
    library = LoreLibrary(shipped, store)
    editor = LoreEditor(store, library)
    visible, commits = [], []
    for number in range(EDITS):
        target = rng.choice([e for e in entries if e.id in shipped])  # a replaced shipped one
        current, revision = await editor.current(2, target.id)
        changed = current.model_copy(update={"summary": f"Edit {number}."})
        started = time.perf_counter()
        await editor.edit(2, changed, base_revision=revision, by=1)
        seen = (await library.book_for(2)).get(target.id)
        assert seen == changed, "the next look-up after an edit shows it"
        visible.append(time.perf_counter() - store.committed)
        commits.append(store.committed - started)
    rebuilds = []
    for _ in range(5):  # what each change cost before changes were applied to the view
        library.invalidate(2)
        started = time.perf_counter()
        await library.book_for(2)
        rebuilds.append(time.perf_counter() - started)
    merged_rebuilds = []
    overlay = await store.overlay(2)
    with pauses.apart():
        for _ in range(5):
            started = time.perf_counter()
            replaced = {e.id for e in overlay.entries}
            Lorebook([*(e for e in shipped.entries if e.id not in replaced), *overlay.entries])
            merged_rebuilds.append(time.perf_counter() - started)
    await library.book_for(1)
    plain, overlaid = [], []
    for name in names[:LOOKUPS]:
        plain.append(await lookup(library, 1, name))
        overlaid.append(await lookup(library, 2, name))
    await store.close()
    base, over = summarise(plain), summarise(overlaid)
    return {
        "change_to_visible": summarise(visible),
        "commit": summarise(commits),
        "merged_rebuild_baseline": summarise(merged_rebuilds),
        "view_rebuild_baseline": summarise(rebuilds),
        "lookup_no_overlay": base,
        "lookup_overlay_1000": over,
        "lookup_ratio_p50": round(over["p50_ms"] / base["p50_ms"], 3),
    }


async def chat_first(library: LoreLibrary, answerer: Answerer, guild: int, text: str) -> float:
    """A chat message as the chat cog answers it: the server's book, its fact index built off
    the event loop if it has none yet, then the answer."""
    started = time.perf_counter()
    book = await library.book_for(guild)
    if not book.facts_ready:
        await asyncio.to_thread(lambda: book.facts)
    answerer.answer(book, text, channel=guild)
    return time.perf_counter() - started


async def chats(shipped: Lorebook, folder: Path) -> dict[str, Any]:
    """First chat messages in servers with 100-entry overlays, each asking about one of the
    server's own entries."""
    rng = random.Random(21)
    store = await SqliteGuildStore.open(folder / f"chat-{len(shipped)}-{DB_NAME}")
    asked: dict[int, Entry] = {}
    for guild in range(CHAT_SERVERS + 1):
        entries = overlay_for(shipped, rng, OVERLAY, f"chat{guild}")
        await store.import_entries(guild, entries, bases={}, by=1)
        asked[guild] = entries[-1]
    library = LoreLibrary(shipped, store)
    editor = LoreEditor(store, library)
    answerer = Answerer(rng=random.Random(0))
    plain_guild = CHAT_SERVERS + 1
    # Once per shipped book: its fact index and what layering reads of it (the first chat
    # message in any overlaid server after a load or reload pays for it; the last server here).
    started = time.perf_counter()
    await chat_first(library, answerer, CHAT_SERVERS, f"Who is {asked[CHAT_SERVERS].name}?")
    once = time.perf_counter() - started
    questions = {g: f"Who is {asked[g].name}?" for g in range(CHAT_SERVERS)}
    gc.collect()
    before = rss()
    first = [await chat_first(library, answerer, g, questions[g]) for g in range(CHAT_SERVERS)]
    gc.collect()
    grown = rss() - before
    again = [await chat_first(library, answerer, g, questions[g]) for g in range(CHAT_SERVERS)]
    plain = [
        await chat_first(
            library, answerer, plain_guild, f"Who is {rng.choice(shipped.entries).name}?"
        )
        for _ in range(CHAT_SERVERS)
    ]
    edited = []
    for guild in range(CHAT_SERVERS):
        current, revision = await editor.current(guild, asked[guild].id)
        changed = current.model_copy(update={"summary": "Edited by a moderator."})
        await editor.edit(guild, changed, base_revision=revision, by=1)
        edited.append(await chat_first(library, answerer, guild, questions[guild]))
    await store.close()
    return {
        "servers": CHAT_SERVERS,
        "shipped_facts_once_s": round(once, 2),
        "first_chat_overlaid": summarise(first),
        "chat_again_overlaid": summarise(again),
        "chat_plain": summarise(plain),
        "rss_per_chatted_view_mib": round(grown / CHAT_SERVERS / MIB, 2),
        "first_chat_after_edit": summarise(edited),
    }


async def one_size(synthetic: int, folder: Path, pauses: Pauses) -> dict[str, Any]:
    started = time.perf_counter()
    shipped_lore = list(load_lore(Path("lore")).entries)
    shipped = synthetic_lorebook(synthetic, shipped_lore) if synthetic else Lorebook(shipped_lore)
    freeze_long_lived()
    loaded = time.perf_counter() - started
    rng = random.Random(1948)
    names = [rng.choice(shipped.entries).name for _ in range(LOOKUPS)]
    result: dict[str, Any] = {"shipped": len(shipped), "load_s": round(loaded, 2)}
    pauses.reset()
    result["many_servers"] = await many_servers(shipped, folder, names)
    result["many_servers"]["longest_gc_pause_ms"] = pauses.longest_ms()
    result["all_overlaid"] = await all_overlaid(shipped, names)
    result["all_overlaid"]["longest_gc_pause_ms"] = pauses.longest_ms()
    result["edits"] = await after_edits(shipped, folder, names, pauses)
    result["edits"]["longest_gc_pause_ms"] = pauses.longest_ms()
    result["chat"] = await chats(shipped, folder)
    result["chat"]["longest_gc_pause_ms"] = pauses.longest_ms()
    return result


def report(result: dict[str, Any]) -> None:
    many, every, edits = result["many_servers"], result["all_overlaid"], result["edits"]
    print(f"-- {result['shipped']} shipped entries (loaded in {result['load_s']} s)")
    print(
        f"10,000 servers, 1% with {OVERLAY}-entry overlays: RSS +{many['rss_growth_mib']} MiB; "
        f"first look-up overlaid p50 {many['first_lookup_overlaid']['p50_ms']} ms "
        f"p99 {many['first_lookup_overlaid']['p99_ms']} ms (CPU of this thread: p50 "
        f"{many['first_lookup_overlaid_cpu']['p50_ms']} ms p99 "
        f"{many['first_lookup_overlaid_cpu']['p99_ms']} ms; cached: "
        f"p50 {many['lookup_cached_overlaid']['p50_ms']} ms)"
    )
    print(
        f"{every['servers']} servers all overlaid, default bound: RSS every {SAMPLE_EVERY} "
        f"servers {every['rss_growth_mib_sampled']} MiB; {every['views_cached']} views cached"
    )
    print(
        f"change-to-visible ({EDIT_OVERLAY}-entry overlay): p50 "
        f"{edits['change_to_visible']['p50_ms']} ms p99 {edits['change_to_visible']['p99_ms']} "
        f"ms; rebuilding the view (before): p50 {edits['view_rebuild_baseline']['p50_ms']} ms; "
        f"a merged rebuild: p50 {edits['merged_rebuild_baseline']['p50_ms']} ms"
    )
    print(
        f"look-up p50 {edits['lookup_overlay_1000']['p50_ms']} ms with a {EDIT_OVERLAY}-entry "
        f"overlay vs {edits['lookup_no_overlay']['p50_ms']} ms without: "
        f"{edits['lookup_ratio_p50']}x"
    )
    pauses = [
        many["longest_gc_pause_ms"],
        every["longest_gc_pause_ms"],
        edits["longest_gc_pause_ms"],
    ]
    print(
        "collector pauses, max / p99 (CPU of the max): "
        + ", ".join(
            f"{phase} {p['ms']} / {p['p99_ms']} ms ({p['cpu_ms']} ms)"
            for phase, p in zip(("10,000 servers", "all overlaid", "edits"), pauses, strict=True)
        )
        + f"; the merged rebuild baseline's own: {edits['longest_gc_pause_ms']['baseline_ms']} ms"
    )
    chat = result["chat"]
    print(
        f"chat, {chat['servers']} servers with {OVERLAY}-entry overlays: the shipped book's fact "
        f"index and what layering reads of it, once: {chat['shipped_facts_once_s']} s; first "
        f"message p50 {chat['first_chat_overlaid']['p50_ms']} ms p99 "
        f"{chat['first_chat_overlaid']['p99_ms']} ms (again: p50 "
        f"{chat['chat_again_overlaid']['p50_ms']} ms; no overlay: p50 "
        f"{chat['chat_plain']['p50_ms']} ms); RSS per chatted view "
        f"{chat['rss_per_chatted_view_mib']} MiB; first message after an edit p50 "
        f"{chat['first_chat_after_edit']['p50_ms']} ms p99 "
        f"{chat['first_chat_after_edit']['p99_ms']} ms; collector pause max "
        f"{chat['longest_gc_pause_ms']['ms']} ms ({chat['longest_gc_pause_ms']['cpu_ms']} ms CPU)"
    )


async def main() -> None:
    pauses = Pauses()
    gc.callbacks.append(pauses)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for synthetic in SYNTHETIC:
            result = await one_size(synthetic, Path(folder), pauses)
            report(result)
            results.append(result)
    gc.callbacks.remove(pauses)
    print_summary({"bench": "servers", "sizes": results})


if __name__ == "__main__":
    asyncio.run(main())
