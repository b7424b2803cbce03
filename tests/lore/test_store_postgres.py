"""PostgreSQL's own side of the stores: start-up faults in one line without the password, its
migrations, and change notices between processes (LISTEN/NOTIFY, and catching up after a gap)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from bot.lore.layered import DELTA_LIMIT
from bot.lore.library import LoreLibrary, Overlay
from bot.lore.lorebook import Lorebook
from bot.lore.store.base import GuildConfig, StorageError
from bot.lore.store.postgres import migrations
from bot.lore.store.postgres.guilds import PostgresGuildStore
from bot.quiz.store import GameRecord
from standin.postgres import PostgresServer
from tests.conftest import LORE_DIR
from tests.lore.test_store import ALICE, GUILD, trivia
from tests.stores import PostgresBackend
from tests.test_main import run_cli

SECRET = "hunter2-not-for-logs"


async def refused(url: str) -> str:
    with pytest.raises(StorageError) as caught:
        await PostgresGuildStore.open(url)
    return str(caught.value)


async def test_no_server_at_the_address_is_one_line_without_the_password() -> None:
    message = await refused(f"postgresql://bot:{SECRET}@127.0.0.1:1/redshoes")
    assert message.startswith("postgresql://bot@127.0.0.1:1/redshoes: no PostgreSQL server answers")
    assert message.endswith("start it, or correct the host and port in DATABASE_URL")
    assert SECRET not in message


async def test_an_address_postgresql_cannot_read_is_named_without_the_password() -> None:
    message = await refused(f"postgresql://bot:{SECRET}@localhost:port/redshoes")
    assert message == (
        "postgresql://bot@localhost:port/redshoes: DATABASE_URL is not an address PostgreSQL can "
        "use; write it as postgresql://USER:PASSWORD@HOST:5432/DATABASE"
    )


async def test_a_missing_database_says_to_create_it(postgres: PostgresServer) -> None:
    message = await refused(postgres.database("nowhere"))
    assert "the database does not exist" in message
    assert message.endswith("or correct its name in DATABASE_URL")


async def test_a_database_from_a_newer_bot_is_refused_and_left_alone(
    postgres: PostgresServer,
) -> None:
    url = postgres.new_database()
    await (await PostgresGuildStore.open(url)).close()
    conn = await asyncpg.connect(url)
    await conn.execute("UPDATE schema_version SET version = $1", len(migrations.MIGRATIONS) + 1)
    message = await refused(url)
    assert f"schema version {len(migrations.MIGRATIONS) + 1}, newer than this bot" in message
    assert message.endswith("the data was left as it was")
    assert (
        await conn.fetchval("SELECT version FROM schema_version") == len(migrations.MIGRATIONS) + 1
    )
    await conn.close()


async def test_a_failing_migration_leaves_the_previous_version(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    await (await PostgresGuildStore.open(url)).close()
    latest = len(migrations.MIGRATIONS)
    broken = "CREATE TABLE half (x INTEGER); CREATE TABLE half (x INTEGER);"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    assert "already exists" in await refused(url)
    conn = await asyncpg.connect(url)
    assert await conn.fetchval("SELECT version FROM schema_version") == latest
    assert await conn.fetchval("SELECT to_regclass('half')") is None
    await conn.close()


async def test_processes_starting_at_once_migrate_once(postgres: PostgresServer) -> None:
    url = postgres.new_database()
    stores = await asyncio.gather(*(PostgresGuildStore.open(url) for _ in range(4)))
    for store in stores:
        await store.close()
    conn = await asyncpg.connect(url)
    versions = [tuple(row) for row in await conn.fetch("SELECT version FROM schema_version")]
    assert versions == [(len(migrations.MIGRATIONS),)]
    await conn.close()


def test_the_command_line_stops_on_an_unreachable_server_with_exit_2(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"postgresql://bot:{SECRET}@127.0.0.1:1/redshoes",
        "LORE_DIR": str(LORE_DIR),
    }
    result = run_cli("ask", "--guild", "5", "who is vicky?", cwd=tmp_path, env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: postgresql://bot@127.0.0.1:1/redshoes: no PostgreSQL server")
    assert SECRET not in result.stderr + result.stdout


def test_a_database_url_that_is_not_postgresql_is_a_setting_problem(tmp_path: Path) -> None:
    result = run_cli(
        "ask", "hi", cwd=tmp_path, env={"DATABASE_URL": f"mysql://bot:{SECRET}@db/redshoes"}
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: DATABASE_URL: expected postgresql://USER:PASSWORD@")
    assert SECRET not in result.stderr


async def until(condition: Callable[[], bool], within: float = 1.0) -> float:
    """Seconds until `condition` held; fails after `within`."""
    start = time.perf_counter()
    while not condition():
        assert time.perf_counter() - start < within, "not seen in time"
        await asyncio.sleep(0.01)
    return time.perf_counter() - start


@asynccontextmanager
async def two_processes(
    postgres: PostgresServer, lorebook: Lorebook
) -> AsyncIterator[tuple[PostgresGuildStore, PostgresGuildStore, LoreLibrary]]:
    """A writer's store and a reader's, each with its own connections as two processes have,
    on a fresh database; the reader's library hears the writer's changes."""
    url = postgres.new_database()
    writer, reader = await PostgresGuildStore.open(url), await PostgresGuildStore.open(url)
    library = LoreLibrary(lorebook, reader)
    await reader.subscribe(library)
    try:
        yield writer, reader, library
    finally:
        await writer.close()
        await reader.close()


async def test_a_change_in_one_process_reaches_the_others_views_within_a_second(
    postgres: PostgresServer, lorebook: Lorebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with two_processes(postgres, lorebook) as (writer, reader, library):
        assert await reader.config(GUILD) == GuildConfig()
        await writer.put(GUILD, trivia("t-zero"), base_revision=0, by=ALICE)
        while (view := library.views.peek(GUILD)) is None or view.revision != 1:
            assert (await library.book_for(GUILD)).get("t-one") is None  # (its notice may race)
        rebuilt = 0
        overlay = reader.overlay

        async def counted(guild_id: int) -> Overlay:
            nonlocal rebuilt
            rebuilt += 1
            return await overlay(guild_id)

        monkeypatch.setattr(reader, "overlay", counted)
        await writer.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
        await until(lambda: (view := library.views.peek(GUILD)) is not None and view.revision == 2)
        assert (await library.book_for(GUILD)).get("t-one") == trivia("t-one")
        assert rebuilt == 0  # the batch was applied to the view, not rebuilt from the database
        await writer.set_config(GUILD, GuildConfig(plain_text=True), by=ALICE)
        await until(lambda: GUILD not in reader._configs)
        assert await reader.config(GUILD) == GuildConfig(plain_text=True)
        assert GUILD in library.views  # settings alone do not change the lore
        big = [trivia(f"t-{n}") for n in range(DELTA_LIMIT + 1)]
        await writer.import_entries(GUILD, big, bases={}, by=ALICE)
        await until(lambda: GUILD not in library.views)  # too large to patch: dropped
        assert len((await library.book_for(GUILD)).entries) == len(lorebook) + len(big) + 2
        assert rebuilt == 1


async def test_changes_missed_while_disconnected_are_caught_up_on_reconnecting(
    postgres: PostgresServer, lorebook: Lorebook
) -> None:
    async with two_processes(postgres, lorebook) as (writer, reader, library):
        await library.book_for(GUILD)
        assert await reader.config(GUILD) == GuildConfig()
        # The listener's connection is cut, and the change lands while it is down.
        await writer._rows(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
        )
        await writer.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
        await writer.set_config(GUILD, GuildConfig(plain_text=True), by=ALICE)
        await until(lambda: GUILD not in library.views, within=3.0)
        assert (await library.book_for(GUILD)).get("t-one") == trivia("t-one")
        assert await reader.config(GUILD) == GuildConfig(plain_text=True)


async def test_the_bots_tables_round_trip_through_pg_dump_and_pg_restore(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    """What the README tells an operator to run, on a database the stores wrote."""
    source = PostgresBackend(tmp_path, postgres.new_database())
    store, scores = await source.guild_store(), await source.score_store()
    await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
    await store.hide(GUILD, "shipped-one", base_revision=0, by=ALICE)
    await store.set_config(GUILD, GuildConfig(moderator_role_id=5, plain_text=True), by=ALICE)
    await scores.begin_game(GameRecord("g1", GUILD, 10, ALICE, "film", 3, 1.5))
    await scores.record_point("g1", 1, ALICE)
    await store.close()
    await scores.close()
    dump = tmp_path / "redshoes.dump"
    postgres.tool("pg_dump", "--format=custom", f"--file={dump}", source.address)
    target = PostgresBackend(tmp_path, postgres.new_database())
    postgres.tool("pg_restore", "--no-owner", f"--dbname={target.address}", str(dump))
    assert await target.snapshot() == await source.snapshot()
    restored = await target.guild_store()
    assert (await restored.overlay(GUILD)).entries == (trivia("t-one"),)
    assert (await restored.overlay(GUILD)).revision == 2
    await restored.put(GUILD, trivia("t-two"), base_revision=0, by=ALICE)
    await restored.close()
