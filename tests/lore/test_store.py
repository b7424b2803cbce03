"""The guild store's contract on SQLite and PostgreSQL (the `backend` fixture): revisions, stale
edits, history, isolation, concurrency; then the SQLite file's own faults and crashes."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.lore.model import ENTRY_ADAPTER, Entry
from bot.lore.store import migrations
from bot.lore.store.base import (
    AS_SHIPPED,
    EntryState,
    GuildConfig,
    NothingToRevertError,
    StaleEditError,
    StorageError,
    UnknownRevisionError,
    Version,
)
from bot.lore.store.database import DB_NAME
from bot.lore.store.guilds import SqlGuildStore
from bot.lore.store.sqlite import SqliteGuildStore
from tests.stores import Backend

REPO = Path(__file__).resolve().parents[2]
GUILD, OTHER = 111, 222
ALICE, BOB = 1, 2


def trivia(entry_id: str, summary: str = "A fact about the film.") -> Entry:
    return ENTRY_ADAPTER.validate_python(
        {
            "id": entry_id,
            "kind": "trivia",
            "name": entry_id.replace("-", " ").title(),
            "summary": summary,
            "topic": "film",
            "sources": [{"title": "Test"}],
        }
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_NAME


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[SqlGuildStore]:
    opened = await backend.guild_store()
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(db_path: Path) -> AsyncIterator[SqliteGuildStore]:
    opened = await SqliteGuildStore.open(db_path)
    yield opened
    await opened.close()


def snapshot(path: Path) -> dict[str, list[Any]]:
    """Every row of every table, to show a refused change left the database as it was."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


async def test_open_creates_the_schema_in_wal_mode(db_path: Path) -> None:
    store = await SqliteGuildStore.open(db_path)
    await store.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again = await SqliteGuildStore.open(db_path)
    await again.close()
    assert snapshot(db_path)["guild"] == []


async def test_a_new_migration_step_is_applied_once(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await SqliteGuildStore.open(db_path)).close()
    steps = [*migrations.MIGRATIONS, "CREATE TABLE trivia_score (user_id INTEGER PRIMARY KEY)"]
    monkeypatch.setattr("bot.lore.store.database.MIGRATIONS", steps)
    await (await SqliteGuildStore.open(db_path)).close()
    await (await SqliteGuildStore.open(db_path)).close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(steps)
    assert snapshot(db_path)["trivia_score"] == []


async def test_a_failing_migration_leaves_the_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await SqliteGuildStore.open(db_path)).close()
    before = snapshot(db_path)
    broken = "CREATE TABLE half (x INTEGER); CREATE TABLE half (x INTEGER);"
    monkeypatch.setattr("bot.lore.store.database.MIGRATIONS", [*migrations.MIGRATIONS, broken])
    with pytest.raises(StorageError, match="already exists"):
        await SqliteGuildStore.open(db_path)
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert snapshot(db_path) == before


async def open_and_close(path: Path) -> None:
    await (await SqliteGuildStore.open(path)).close()


def test_a_database_from_a_newer_bot_is_refused(db_path: Path) -> None:
    asyncio.run(open_and_close(db_path))
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as caught:
        asyncio.run(open_and_close(db_path))
    assert str(caught.value) == (
        f"{db_path}: the database is at schema version {migrations.LATEST + 1}, newer than this "
        f"bot ({migrations.LATEST}); upgrade the bot (or point DATA_DIR at another folder); "
        "the data was left as it was"
    )
    assert db_path.read_bytes() == before


def test_a_damaged_or_foreign_file_is_named_and_left_alone(db_path: Path) -> None:
    asyncio.run(open_and_close(db_path))
    whole = db_path.read_bytes()
    garbage = b"this is not a database at all, just text\n" * 100
    for damaged in (garbage, whole[: len(whole) // 3]):
        db_path.write_bytes(damaged)
        for leftover in db_path.parent.glob(f"{DB_NAME}-*"):
            leftover.unlink()
        with pytest.raises(StorageError) as caught:
            asyncio.run(open_and_close(db_path))
        message = str(caught.value)
        assert message.startswith(f"{db_path}: the database cannot be used (")
        assert "move it aside to start empty, or put back a copy" in message
        assert db_path.read_bytes() == damaged


async def test_a_data_dir_that_cannot_be_a_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where DATA_DIR should be")
    with pytest.raises(StorageError) as caught:
        await SqliteGuildStore.open(blocker / DB_NAME)
    message = str(caught.value)
    assert message.startswith(f"{blocker}: the database cannot be used (")
    assert "check that DATA_DIR is a folder the bot can create, read and write" in message
    assert blocker.read_text() == "a file where DATA_DIR should be"


async def fill_the_disk(store: SqliteGuildStore) -> None:
    """Make the database as full as a full disk would: SQLite answers SQLITE_FULL."""
    [(pages,)] = list(await store._db.execute_fetchall("PRAGMA page_count"))
    await store._db.execute(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_is_reported_as_such_and_loses_nothing(
    sqlite_store: SqliteGuildStore, db_path: Path
) -> None:
    store = sqlite_store
    await store.put(GUILD, trivia("kept"), base_revision=0, by=ALICE)
    await fill_the_disk(store)
    before = snapshot(db_path)
    batch = [trivia(f"big-{i}", "x" * 900) for i in range(40)]
    with pytest.raises(StorageError) as caught:
        await store.import_entries(GUILD, batch, bases={}, by=ALICE)
    assert str(caught.value) == (
        f"{db_path}: the database cannot be used (database or disk is full); "
        "free some disk space; nothing was written"
    )
    assert "rollback" not in str(caught.value)
    assert snapshot(db_path) == before
    assert [e.id for e in (await store.overlay(GUILD)).entries] == ["kept"]
    await store._db.execute("PRAGMA max_page_count = 1073741823")
    await store.put(GUILD, trivia("after"), base_revision=0, by=ALICE)


async def test_put_records_who_when_before_and_after(store: SqlGuildStore) -> None:
    first = await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE, action="add")
    second = await store.put(GUILD, trivia("t-one", "Changed."), base_revision=1, by=BOB)
    assert (first.revision, first.before, first.after) == (1, AS_SHIPPED, Version(trivia("t-one")))
    assert second.before == first.after
    assert second.after.entry is not None and second.after.entry.summary == "Changed."
    history = await store.history(GUILD, "t-one")
    assert [(c.revision, c.action, c.user_id) for c in history] == [
        (2, "edit", BOB),
        (1, "add", ALICE),
    ]
    assert history[0] == second
    assert (await store.state(GUILD, "t-one")).revision == 2
    overlay = await store.overlay(GUILD)
    assert overlay.entries == (trivia("t-one", "Changed."),)
    assert overlay.revision == 2


async def test_a_stale_edit_is_refused_and_changes_nothing(
    store: SqlGuildStore, backend: Backend
) -> None:
    await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
    await store.put(GUILD, trivia("t-one", "Alice's fix."), base_revision=1, by=ALICE)
    before = await backend.snapshot()
    with pytest.raises(StaleEditError, match="now revision 2, you started from revision 1"):
        await store.put(GUILD, trivia("t-one", "Bob's fix."), base_revision=1, by=BOB)
    assert await backend.snapshot() == before


async def test_hide_unhide_and_delete(store: SqlGuildStore) -> None:
    await store.hide(GUILD, "shipped-one", base_revision=0, by=ALICE)
    await store.put(GUILD, trivia("added-one"), base_revision=0, by=ALICE, action="add")
    overlay = await store.overlay(GUILD)
    assert overlay.hidden == {"shipped-one"}
    assert [e.id for e in overlay.entries] == ["added-one"]
    await store.unhide(GUILD, "shipped-one", base_revision=1, by=BOB)
    await store.delete(GUILD, "added-one", base_revision=1, by=BOB)
    overlay = await store.overlay(GUILD)
    assert overlay.empty and overlay.revision == 4
    states = await store.states(GUILD)
    assert {k: v.revision for k, v in states.items()} == {"shipped-one": 2, "added-one": 2}


async def test_revert_brings_back_an_old_version_as_a_new_revision(
    store: SqlGuildStore,
) -> None:
    await store.put(GUILD, trivia("t-one", "First."), base_revision=0, by=ALICE)
    await store.put(GUILD, trivia("t-one", "Second."), base_revision=1, by=BOB)
    change = await store.revert(GUILD, "t-one", 1, by=ALICE)
    assert (change.revision, change.action) == (3, "revert")
    assert (await store.overlay(GUILD)).entries == (trivia("t-one", "First."),)
    await store.revert(GUILD, "t-one", 0, by=ALICE)
    assert (await store.overlay(GUILD)).empty
    assert len(await store.history(GUILD, "t-one")) == 4


async def test_revert_to_an_unknown_revision_changes_nothing(
    store: SqlGuildStore, backend: Backend
) -> None:
    await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
    before = await backend.snapshot()
    with pytest.raises(UnknownRevisionError, match="no revision 7"):
        await store.revert(GUILD, "t-one", 7, by=ALICE)
    assert await backend.snapshot() == before


async def test_revert_to_the_current_state_is_refused_and_changes_nothing(
    store: SqlGuildStore, backend: Backend
) -> None:
    with pytest.raises(NothingToRevertError, match="already as shipped"):
        await store.revert(GUILD, "t-one", 0, by=ALICE)
    await store.put(GUILD, trivia("t-one", "First."), base_revision=0, by=ALICE)
    before = await backend.snapshot()
    with pytest.raises(NothingToRevertError, match="already as revision 1 left it"):
        await store.revert(GUILD, "t-one", 1, by=ALICE)
    assert await backend.snapshot() == before
    assert len(await store.history(GUILD, "t-one")) == 1


async def test_import_is_all_or_nothing(store: SqlGuildStore, backend: Backend) -> None:
    await store.put(GUILD, trivia("t-two"), base_revision=0, by=ALICE)
    before = await backend.snapshot()
    batch = [trivia("t-one"), trivia("t-two", "New."), trivia("t-three")]
    with pytest.raises(StaleEditError):
        await store.import_entries(GUILD, batch, bases={}, by=BOB)
    assert await backend.snapshot() == before
    changes = await store.import_entries(GUILD, batch, bases={"t-two": 1}, by=BOB)
    assert [(c.entry_id, c.revision) for c in changes] == [
        ("t-one", 1),
        ("t-two", 2),
        ("t-three", 1),
    ]
    assert len((await store.overlay(GUILD)).entries) == 3


async def test_one_server_never_sees_another_servers_overlay(store: SqlGuildStore) -> None:
    await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
    await store.hide(GUILD, "shipped-one", base_revision=0, by=ALICE)
    await store.set_config(GUILD, GuildConfig(moderator_role_id=5), by=ALICE)
    assert (await store.overlay(OTHER)).empty
    assert await store.states(OTHER) == {}
    assert await store.history(OTHER, "t-one") == []
    assert await store.config(OTHER) == GuildConfig()
    with pytest.raises(UnknownRevisionError):
        await store.revert(OTHER, "t-one", 1, by=BOB)
    await store.put(OTHER, trivia("t-one", "Other's own."), base_revision=0, by=BOB)
    assert (await store.overlay(GUILD)).entries == (trivia("t-one"),)


async def test_settings_are_read_from_the_file_once_and_follow_every_change(
    store: SqlGuildStore, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.set_config(GUILD, GuildConfig(plain_text=True), by=ALICE)
    reopened = await backend.guild_store()
    try:
        reads: list[str] = []
        rows = reopened._rows

        async def counted(sql: str, *args: object) -> list[object]:
            reads.append(sql)
            return await rows(sql, *args)

        monkeypatch.setattr(reopened, "_rows", counted)
        for _ in range(3):
            assert await reopened.config(GUILD) == GuildConfig(plain_text=True)
        assert len(reads) == 1
        await reopened.set_config(GUILD, GuildConfig(log_channel_id=6), by=BOB)
        assert await reopened.config(GUILD) == GuildConfig(log_channel_id=6)
        assert len(reads) == 1
    finally:
        await reopened.close()


async def test_config_changes_are_recorded(store: SqlGuildStore, backend: Backend) -> None:
    assert await store.config(GUILD) == GuildConfig()
    await store.set_config(GUILD, GuildConfig(moderator_role_id=5, log_channel_id=6), by=ALICE)
    await store.set_config(GUILD, GuildConfig(moderator_role_id=7, log_channel_id=6), by=BOB)
    assert await store.config(GUILD) == GuildConfig(moderator_role_id=7, log_channel_id=6)
    rows = [r[2:] for r in (await backend.snapshot())["config_change"]]
    assert sorted(rows) == sorted(
        [
            (ALICE, "moderator_role_id", None, 5),
            (ALICE, "log_channel_id", None, 6),
            (BOB, "moderator_role_id", 5, 7),
        ]
    )


async def test_a_stored_entry_that_no_longer_validates_is_skipped(
    store: SqlGuildStore, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    await store.put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)
    await store.put(GUILD, trivia("t-two"), base_revision=0, by=ALICE)
    await backend.execute(
        "UPDATE overlay_entry SET data = '{\"id\": \"t-one\"}' WHERE entry_id = 't-one'"
    )
    with caplog.at_level(logging.WARNING):
        overlay = await store.overlay(GUILD)
    assert [e.id for e in overlay.entries] == ["t-two"]
    assert (
        "stored entry 't-one' no longer validates (entry: Unable to extract tag using "
        "discriminator 'kind')" in caplog.text
    )
    state = await store.state(GUILD, "t-one")
    assert state == EntryState(1, Version(unreadable='{"id": "t-one"}'))
    assert (await store.states(GUILD))["t-one"] == state
    change = await store.delete(GUILD, "t-one", base_revision=1, by=BOB)
    assert change.before.unreadable == '{"id": "t-one"}'
    assert (await store.history(GUILD, "t-one"))[0].before == change.before


async def test_fifty_concurrent_edits_from_one_revision_record_exactly_one(
    backend: Backend,
) -> None:
    stores = [await backend.guild_store() for _ in range(5)]
    await stores[0].put(GUILD, trivia("t-one"), base_revision=0, by=ALICE)

    async def edit(n: int) -> bool:
        try:
            await stores[n % 5].put(GUILD, trivia("t-one", f"Edit {n}."), base_revision=1, by=n)
        except StaleEditError:
            return False
        return True

    results = await asyncio.gather(*(edit(n) for n in range(50)))
    history = await stores[0].history(GUILD, "t-one")
    for s in stores:
        await s.close()
    assert results.count(True) == 1
    winner = results.index(True)
    assert [c.user_id for c in history] == [winner, ALICE]
    assert history[0].after.entry is not None
    assert history[0].after.entry.summary == f"Edit {winner}."


async def test_fifty_concurrent_editors_who_retry_all_land(backend: Backend) -> None:
    stores = [await backend.guild_store() for _ in range(5)]

    async def edit(n: int) -> int:
        store = stores[n % 5]
        while True:
            base = (await store.state(GUILD, "t-one")).revision
            try:
                change = await store.put(
                    GUILD, trivia("t-one", f"Edit {n}."), base_revision=base, by=n
                )
            except StaleEditError:
                await asyncio.sleep(0)
                continue
            return change.revision

    revisions = await asyncio.gather(*(edit(n) for n in range(50)))
    history = await stores[0].history(GUILD, "t-one", limit=100)
    for s in stores:
        await s.close()
    assert sorted(revisions) == list(range(1, 51))
    assert sorted(c.user_id for c in history) == list(range(50))
    for older, newer in zip(history[1:], history, strict=False):
        assert newer.before == older.after


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from tests.lore.test_store import trivia, GUILD
    from bot.lore.store.sqlite import SqliteGuildStore

    async def main() -> None:
        store = await SqliteGuildStore.open(Path(sys.argv[1]))
        ids = [f"t-{n}" for n in range(20)]
        for round in range(1_000_000):
            batch = [trivia(i, f"Round {round}.") for i in ids]
            await store.import_entries(GUILD, batch, bases={i: round for i in ids}, by=1)
            print(round + 1, flush=True)

    asyncio.run(main())
    """
)


def test_a_writer_killed_mid_write_leaves_the_old_or_the_new_state(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    committed = 0
    for line in process.stdout:
        committed = int(line)
        if committed >= 25:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    for line in process.stdout:
        committed = int(line)
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        revisions = {r[0] for r in db.execute("SELECT revision FROM overlay_entry")}
        history = db.execute("SELECT COUNT(*) FROM entry_change").fetchone()[0]
        guild_revision = db.execute("SELECT revision FROM guild").fetchone()[0]
    assert len(revisions) == 1, "a batch was half applied"
    (revision,) = revisions
    assert committed <= revision <= committed + 1
    assert history == 20 * revision
    assert guild_revision == revision

    async def reopen() -> None:
        store = await SqliteGuildStore.open(db_path)
        overlay = await store.overlay(GUILD)
        await store.close()
        assert {e.summary for e in overlay.entries} == {f"Round {revision - 1}."}

    asyncio.run(reopen())


async def test_plain_text_is_a_setting_kept_and_recorded(
    store: SqlGuildStore, backend: Backend
) -> None:
    await store.set_config(GUILD, GuildConfig(moderator_role_id=5), by=ALICE)
    await store.set_config(GUILD, GuildConfig(moderator_role_id=5, plain_text=True), by=BOB)
    assert await store.config(GUILD) == GuildConfig(moderator_role_id=5, plain_text=True)
    assert await store.config(OTHER) == GuildConfig()
    rows = [r[3:] for r in (await backend.snapshot())["config_change"]]
    assert rows[-1] == ("plain_text", 0, 1)


async def test_a_file_broken_while_the_bot_runs_is_named_on_the_next_read(
    sqlite_store: SqliteGuildStore, db_path: Path
) -> None:
    """A read runs one statement without a transaction of its own: its faults are still the
    file's, named as such, and the read changes nothing in the file."""
    await sqlite_store.put(GUILD, trivia("kept"), base_revision=0, by=ALICE)
    with sqlite3.connect(db_path) as other:  # another program breaks the file
        other.execute("PRAGMA foreign_keys = OFF")
        other.execute("DROP TABLE overlay_entry")
    before = snapshot(db_path)
    with pytest.raises(StorageError) as caught:
        await sqlite_store.overlay(GUILD)
    assert str(caught.value).startswith(
        f"{db_path}: the database cannot be used (no such table: overlay_entry)"
    )
    assert snapshot(db_path) == before
