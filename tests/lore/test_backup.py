"""`python -m bot backup FILE` / `restore FILE`: a consistent copy while the bot writes, and a
restore that checks the copy before it touches anything."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.lore.store import migrations
from bot.lore.store.backup import backup, restore
from bot.lore.store.base import StorageError
from bot.lore.store.database import DB_NAME
from bot.lore.store.sqlite import SqliteGuildStore
from tests.conftest import LORE_DIR, REPO
from tests.lore.test_store import ALICE, GUILD, WRITER, trivia
from tests.test_main import run_cli


def consistent_revision(path: Path) -> int:
    """The one revision every entry of the writer's batches is at (a half batch fails here)."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        where = f"WHERE guild_id = {GUILD}"
        revisions = {r[0] for r in db.execute(f"SELECT revision FROM overlay_entry {where}")}
        history = db.execute(f"SELECT COUNT(*) FROM entry_change {where}").fetchone()[0]
        (guild_revision,) = db.execute(f"SELECT revision FROM guild {where}").fetchone()
    db.close()
    assert len(revisions) == 1, "a batch was half copied"
    (revision,) = revisions
    assert history == 20 * revision and guild_revision == revision
    return int(revision)


async def test_a_backup_while_the_bot_holds_the_database_and_another_writes_is_consistent(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    database = data / DB_NAME
    held = await SqliteGuildStore.open(database)  # the bot's own connection, open throughout
    await held.put(GUILD + 1, trivia("kept"), base_revision=0, by=ALICE)
    writer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITER, str(database), cwd=REPO, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert writer.stdout is not None
        while int(await writer.stdout.readline()) < 5:
            pass
        copies = [tmp_path / f"copy-{n}.sqlite3" for n in range(3)]
        for copy in copies:
            await asyncio.to_thread(backup, database, copy)
    finally:
        writer.kill()
        await writer.wait()
    revisions = [consistent_revision(copy) for copy in copies]
    assert revisions == sorted(revisions) and revisions[0] >= 5
    assert (await held.overlay(GUILD + 1)).entries == (trivia("kept"),)
    await held.close()

    fresh = tmp_path / "fresh" / DB_NAME
    assert restore(copies[-1], fresh) is None
    store = await SqliteGuildStore.open(fresh)
    overlay = await store.overlay(GUILD)
    assert {e.summary for e in overlay.entries} == {f"Round {revisions[-1] - 1}."}
    await store.close()


async def test_a_restore_keeps_the_database_it_replaces(tmp_path: Path) -> None:
    database = tmp_path / "data" / DB_NAME
    store = await SqliteGuildStore.open(database)
    await store.put(GUILD, trivia("t-one", "Before the copy."), base_revision=0, by=ALICE)
    backup(database, tmp_path / "copy.sqlite3")
    await store.put(GUILD, trivia("t-one", "After the copy."), base_revision=1, by=ALICE)
    await store.close()
    kept = restore(tmp_path / "copy.sqlite3", database)
    assert kept == database.with_name(f"{DB_NAME}.before-restore")
    for path, summary in ((database, "Before the copy."), (kept, "After the copy.")):
        store = await SqliteGuildStore.open(path)
        assert (await store.overlay(GUILD)).entries == (trivia("t-one", summary),)
        await store.close()


async def test_a_copy_that_is_not_ours_or_is_damaged_or_newer_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "data" / DB_NAME
    await (await SqliteGuildStore.open(database)).close()
    before = database.read_bytes()
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"not a database\n" * 300)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (x)")
    newer = tmp_path / "newer.sqlite3"
    backup(database, newer)
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    expected = {
        garbage: "it is not a database",
        foreign: "it is not this bot's database",
        newer: f"schema version {migrations.LATEST + 1}, newer than this bot",
        tmp_path / "missing": "there is no such file",
    }
    for copy, problem in expected.items():
        with pytest.raises(StorageError, match=problem):
            restore(copy, database)
        assert database.read_bytes() == before
    assert not database.with_name(f"{DB_NAME}.before-restore").exists()


async def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    database = tmp_path / "data" / DB_NAME
    await (await SqliteGuildStore.open(database)).close()
    target = tmp_path / "precious"
    target.write_text("someone's file")
    with pytest.raises(StorageError, match="the file exists already; name a new file"):
        backup(database, target)
    assert target.read_text() == "someone's file"


def test_backup_and_restore_on_the_command_line(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data"), "LORE_DIR": str(LORE_DIR)}
    assert run_cli("ask", "--guild", "5", "who is vicky?", cwd=tmp_path, env=env).returncode == 0
    (tmp_path / "data").mkdir(exist_ok=True)
    run_cli("console", "-c", "/film", cwd=tmp_path, env=env)
    saved = run_cli("backup", str(tmp_path / "copy.sqlite3"), cwd=tmp_path, env=env)
    assert saved.returncode == 0, saved.stderr
    restored = run_cli("restore", str(tmp_path / "copy.sqlite3"), cwd=tmp_path, env=env)
    assert restored.returncode == 0, restored.stderr
    assert "restored to" in restored.stderr
    postgres = {**env, "DATABASE_URL": "postgresql://bot:secret@127.0.0.1:1/redshoes"}
    for command in ("backup", "restore"):
        refused = run_cli(command, str(tmp_path / "other"), cwd=tmp_path, env=postgres)
        assert refused.returncode == 2
        assert refused.stderr.startswith("error: DATABASE_URL is set: the database is PostgreSQL's")
        assert "secret" not in refused.stderr
