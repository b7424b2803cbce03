"""Two bot processes on one PostgreSQL: concurrent edits split across them, and one killed with
SIGKILL in the middle of an import while the other keeps serving."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import textwrap

from bot.lore.store.postgres.guilds import PostgresGuildStore
from standin.postgres import PostgresServer
from tests.conftest import REPO
from tests.lore.test_store import ALICE, GUILD, trivia

EDITOR = textwrap.dedent(
    """
    import asyncio, json, sys
    from bot.lore.store.base import StaleEditError
    from bot.lore.store.postgres.guilds import PostgresGuildStore
    from tests.lore.test_store import trivia, GUILD

    async def main(url: str, first: int, retry: bool) -> None:
        stores = [await PostgresGuildStore.open(url) for _ in range(3)]
        print("ready", flush=True)
        sys.stdin.readline()

        async def edit(n: int) -> int | None:
            store = stores[n % 3]
            while True:
                base = (await store.state(GUILD, "t-one")).revision if retry else 1
                try:
                    change = await store.put(
                        GUILD, trivia("t-one", f"Edit {n}."), base_revision=base, by=n
                    )
                except StaleEditError:
                    if not retry:
                        return None
                    await asyncio.sleep(0)
                    continue
                return change.revision

        results = await asyncio.gather(*(edit(n) for n in range(first, first + 25)))
        print(json.dumps(results), flush=True)
        for store in stores:
            await store.close()

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "retry"))
    """
)


async def editors(url: str, mode: str) -> list[int | None]:
    """Two processes of 25 concurrent editors each, released together; every edit's result."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", EDITOR, url, str(first), mode, cwd=REPO,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        for first in (100, 200)
    ]  # fmt: skip
    for process in processes:
        assert process.stdout is not None
        assert await process.stdout.readline() == b"ready\n"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()
    results: list[int | None] = []
    for process in processes:
        out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0
        results += json.loads(out)
    return results


async def test_fifty_edits_from_one_revision_across_two_processes_land_exactly_once(
    postgres: PostgresServer,
) -> None:
    url = postgres.new_database()
    store = await PostgresGuildStore.open(url)
    await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
    results = await editors(url, "once")
    history = await store.history(GUILD, "t-one")
    await store.close()
    landed = [r for r in results if r is not None]
    assert landed == [2]
    winner = history[0].user_id
    assert [c.revision for c in history] == [2, 1]
    assert history[0].after.entry is not None
    assert history[0].after.entry.summary == f"Edit {winner}."


async def test_fifty_editors_across_two_processes_who_retry_all_land(
    postgres: PostgresServer,
) -> None:
    url = postgres.new_database()
    store = await PostgresGuildStore.open(url)
    results = await editors(url, "retry")
    history = await store.history(GUILD, "t-one", limit=100)
    await store.close()
    assert sorted(r for r in results if r is not None) == list(range(1, 51))
    assert sorted(c.user_id for c in history) == [*range(100, 125), *range(200, 225)]
    for older, newer in zip(history[1:], history, strict=False):
        assert newer.before == older.after


IMPORTER = textwrap.dedent(
    """
    import asyncio, sys
    from bot.lore.store.postgres.guilds import PostgresGuildStore
    from tests.lore.test_store import trivia, GUILD

    async def main(url: str) -> None:
        store = await PostgresGuildStore.open(url)
        ids = [f"t-{n}" for n in range(300)]
        for round in range(1_000_000):
            batch = [trivia(i, f"Round {round}.") for i in ids]
            await store.import_entries(GUILD, batch, bases={i: round for i in ids}, by=1)
            print(round + 1, flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


async def test_a_process_killed_mid_import_leaves_all_or_nothing_and_the_other_serves(
    postgres: PostgresServer,
) -> None:
    url = postgres.new_database()
    other = await PostgresGuildStore.open(url)
    await other.put(GUILD + 1, trivia("elsewhere"), base_revision=0, by=ALICE)
    importer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", IMPORTER, url, cwd=REPO, stdout=asyncio.subprocess.PIPE
    )
    assert importer.stdout is not None
    committed = 0
    while committed < 3:
        committed = int(await importer.stdout.readline())
        # The other process answers throughout: its own server, and the one being imported.
        assert (await other.overlay(GUILD + 1)).entries == (trivia("elsewhere"),)
    await asyncio.sleep(0.05)  # well inside the next batch's transaction
    os.kill(importer.pid, signal.SIGKILL)
    await importer.wait()
    while line := await importer.stdout.readline():
        committed = int(line)
    overlay = await other.overlay(GUILD)
    summaries = {e.summary for e in overlay.entries}
    assert len(overlay.entries) == 300
    assert len(summaries) == 1, "a batch was half applied"
    revision = overlay.revision
    assert committed <= revision <= committed + 1
    assert summaries == {f"Round {revision - 1}."}
    rows = await other._rows("SELECT COUNT(*) FROM entry_change WHERE guild_id = ?", GUILD)
    assert rows[0][0] == 300 * revision
    change = await other.put(GUILD + 1, trivia("after"), base_revision=0, by=ALICE)
    assert change.revision == 1
    await other.close()
