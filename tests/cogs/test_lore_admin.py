"""`/lore` through the real CommandTree: modals, buttons, uploads, and who may use them."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import discord
import pytest

from bot.app import create_bot
from bot.config import Settings
from bot.lore.forms import form_fields
from bot.lore.lorebook import Lorebook
from bot.lore.store.base import Action, GuildConfig
from bot.lore.store.database import DB_NAME
from bot.lore.store.sqlite import SqliteGuildStore
from bot.offline.harness import Exchange, Harness
from bot.offline.payloads import Actor
from bot.render.words import load_words
from tests.conftest import LORE_DIR
from tests.lore.test_store import fill_the_disk, snapshot

OWNER = 4242
MODERATOR = Actor(user_id=1, guild_id=2001, moderator=True)
MEMBER = Actor(user_id=2, guild_id=2001, username="member")
TRIVIA = {
    "id": "t-local",
    "name": "A local fact",
    "summary": "Known only in this server.",
    "body": "",
    "details": "topic: film\nsources:\n  - title: Our notes\n",
}
UPLOAD = b"""entries:
  - id: t-upload
    kind: trivia
    name: An uploaded fact
    summary: Imported.
    topic: film
    sources: [{title: Upload}]
"""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / DB_NAME


@pytest.fixture
async def harness(tmp_path: Path, lorebook: Lorebook) -> AsyncIterator[Harness]:
    settings = Settings(data_dir=tmp_path, lore_dir=tmp_path / "no-lore", owner_ids=(OWNER,))
    bot = create_bot(settings, lorebook)
    async with Harness.running(bot, MODERATOR) as running:
        yield running


def text(exchange: Exchange) -> str:
    """What the user was told, first response or follow-up."""
    for call in exchange.calls:
        data = (call.payload or {}).get("data", call.payload) or {}
        if data.get("content"):
            assert data.get("allowed_mentions", {}).get("parse") == []
            return str(data["content"])
    raise AssertionError(f"no text in {exchange.calls}")


async def submit_form(
    h: Harness, opened: Exchange, values: dict[str, str], actor: Actor = MODERATOR
) -> Exchange:
    data = opened.data
    inputs = [row["components"][0] for row in data["components"]]
    keys = [f.key for f in form_fields(new=len(inputs) == 5)]
    fields = {
        i["custom_id"]: values.get(k, i.get("value", "")) for i, k in zip(inputs, keys, strict=True)
    }
    return await h.run(h.submit_payload(data["custom_id"], fields, actor))


async def test_add_through_the_modal_is_seen_at_once(harness: Harness) -> None:
    opened = await harness.command("lore add", kind="trivia")
    assert opened.response["type"] == 9
    saved = await submit_form(harness, opened, TRIVIA)
    assert "Saved `t-local` (r1)" in text(saved)
    assert "t-local" in await harness.bot.library.book_for(MODERATOR.guild_id)
    assert "t-local" not in await harness.bot.library.book_for(9999)


async def test_history_of_an_added_entry_starts_from_nothing_not_as_shipped(
    harness: Harness,
) -> None:
    await submit_form(harness, await harness.command("lore add", kind="trivia"), TRIVIA)
    removed = await harness.command("lore remove", entry="t-local")
    assert "Remove `t-local`" in text(removed)
    await harness.click("Confirm")
    history = text(await harness.command("lore history", entry="t-local"))
    assert "as shipped" not in history
    assert "**r1** add by <@1> " in history and " — nothing → “" in history
    assert history.splitlines()[1].endswith("→ nothing")


async def test_a_field_over_its_limit_changes_nothing(harness: Harness, db_path: Path) -> None:
    before = snapshot(db_path)
    opened = await harness.command("lore add", kind="trivia")
    refused = await submit_form(harness, opened, {**TRIVIA, "summary": "x" * 1001})
    assert "summary: 1001 characters; at most 1000" in text(refused)
    assert snapshot(db_path) == before


async def test_a_stale_edit_is_refused(harness: Harness, db_path: Path) -> None:
    entry = harness.bot.library.shipped.entries[0].id
    first = await harness.command("lore edit", entry=entry)
    second = await harness.command("lore edit", entry=entry)
    assert "(r1)" in text(await submit_form(harness, first, {"summary": "First fix."}))
    before = snapshot(db_path)
    refused = await submit_form(harness, second, {"summary": "Second fix."})
    assert "changed by someone else" in text(refused)
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("actor", "message"),
    [(MEMBER, "Only moderators"), (Actor(user_id=3, guild_id=None), "inside a server")],
)
async def test_non_moderators_and_dms_are_refused(
    harness: Harness, db_path: Path, actor: Actor, message: str
) -> None:
    before = snapshot(db_path)
    entry = harness.bot.library.shipped.entries[0].id
    for path, options in [("lore remove", {"entry": entry}), ("lore add", {"kind": "trivia"})]:
        exchange = await harness.command(path, actor=actor, **options)
        assert message in text(exchange)
        assert exchange.response["data"]["flags"] & 64
    assert snapshot(db_path) == before


async def test_the_configured_role_may_edit(harness: Harness) -> None:
    shown = await harness.command("lore config")
    assert "Lore moderator role: none. Log channel: none." in text(shown)
    store = harness.bot.guild_store
    await store.set_config(2001, GuildConfig(moderator_role_id=77), by=1)
    opened = await harness.command("lore add", actor=Actor(user_id=5, roles=(77,)), kind="trivia")
    assert opened.response["type"] == 9


async def test_remove_needs_the_confirm_click_and_hides_a_shipped_entry(harness: Harness) -> None:
    entry = harness.bot.library.shipped.entries[0].id
    asked = await harness.command("lore remove", entry=entry)
    assert "hide it in this server" in text(asked)
    assert entry in await harness.bot.library.book_for(2001)
    done = await harness.click("Confirm")
    assert f"`{entry}` is hidden (r1)" in text(done)
    assert entry not in await harness.bot.library.book_for(2001)
    history = await harness.command("lore history", entry=entry)
    assert "**r1** hide by <@1>" in text(history)
    assert "as shipped → hidden" in text(history)
    unknown = await harness.command("lore history", entry="no-such-entry")
    assert "no entry 'no-such-entry' in this server (unknown or hidden)" in text(unknown)
    reverted = await harness.command("lore revert", entry=entry, revision=0)
    assert "as r2" in text(reverted)
    assert entry in await harness.bot.library.book_for(2001)


def attachment_payload(h: Harness, filename: str, size: int) -> dict[str, Any]:
    payload = h.command_payload("lore import", {"file": "9001"})
    payload["data"]["resolved"] = {
        "attachments": {
            "9001": {
                "id": "9001",
                "filename": filename,
                "size": size,
                "url": "https://cdn.invalid/x",
                "proxy_url": "https://cdn.invalid/x",
            }
        }
    }
    return payload


def serve_upload(h: Harness, data: bytes) -> None:
    """Make the next `/lore import` read `data` instead of downloading its attachment."""

    async def read(attachment: discord.Attachment) -> bytes:
        return data

    cog: Any = h.bot.get_cog("LoreAdmin")
    cog.read_attachment = read


async def test_import_previews_then_applies_on_confirm(harness: Harness) -> None:
    serve_upload(harness, UPLOAD)
    preview = await harness.run(attachment_payload(harness, "mine.yaml", len(UPLOAD)))
    assert "**added: 1** — `t-upload`" in text(preview)
    assert "t-upload" not in await harness.bot.library.book_for(2001)
    done = await harness.click("Confirm")
    assert "1 entries changed" in text(done)
    assert "t-upload" in await harness.bot.library.book_for(2001)


async def test_a_ten_megabyte_upload_is_refused_before_download(
    harness: Harness, db_path: Path
) -> None:
    cog: Any = harness.bot.get_cog("LoreAdmin")

    async def must_not_read(attachment: discord.Attachment) -> bytes:
        raise AssertionError("downloaded")

    cog.read_attachment = must_not_read
    before = snapshot(db_path)
    refused = await harness.run(attachment_payload(harness, "big.yaml", 10 * 1024 * 1024))
    assert "file is 10.0 MiB; the limit is 1024 KiB" in text(refused)
    assert snapshot(db_path) == before


async def test_export_is_deferred_then_sends_a_yaml_file(harness: Harness) -> None:
    exchange = await harness.command("lore export", all=True)
    assert exchange.response["type"] == 5  # deferred: a large export takes more than 3 seconds
    [sent] = exchange.of("followup")
    assert sent["attachments"][0]["filename"] == "lore-2001-all.yaml"


async def test_reload_is_for_the_owner(harness: Harness) -> None:
    refused = await harness.command("lore reload")
    assert "Only the bot's owner" in text(refused)


async def test_without_owner_ids_the_application_owner_reloads(
    tmp_path: Path, lorebook: Lorebook
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, lore_dir=LORE_DIR)
    bot = create_bot(settings, lorebook)
    bot.owner_id = OWNER  # what discord.py learns from the application's info
    async with Harness.running(bot, MODERATOR) as running:
        refused = await running.command("lore reload")
        assert "Only the bot's owner" in text(refused)
        assert running.bot.library.shipped is lorebook
        owner = Actor(user_id=OWNER, guild_id=2001, moderator=True)
        done = await running.command("lore reload", actor=owner)
        assert text(done).startswith("Reloaded: ")


async def test_recursive_yaml_is_refused_with_its_line_in_import_and_form(
    harness: Harness, db_path: Path
) -> None:
    serve_upload(harness, b"entries: &a [*a]\n")
    before = snapshot(db_path)
    refused = await harness.run(attachment_payload(harness, "loop.yaml", 20))
    assert "`loop.yaml:1:10: an alias here refers to a value that contains it`" in text(refused)
    opened = await harness.command("lore add", kind="trivia")
    deep = "topic: " + "[" * 600 + "]" * 600
    refused = await submit_form(harness, opened, {**TRIVIA, "details": deep})
    assert "`details:1:" in text(refused)
    assert "levels deep; refused" in text(refused)
    assert snapshot(db_path) == before
    assert "t-local" not in await harness.bot.library.book_for(2001)


async def test_reload_refuses_recursive_lore_with_its_line(
    tmp_path: Path, lorebook: Lorebook
) -> None:
    folder = tmp_path / "lore"
    folder.mkdir()
    (folder / "loop.yaml").write_text("entries: &a [*a]\n")
    settings = Settings(_env_file=None, data_dir=tmp_path, lore_dir=folder, owner_ids=(OWNER,))
    bot = create_bot(settings, lorebook)
    async with Harness.running(bot, Actor(user_id=OWNER, guild_id=2001)) as running:
        refused = await running.command("lore reload")
        assert "Refused; the previous lore stays:" in text(refused)
        assert f"`{folder / 'loop.yaml'}:1:10: an alias here refers to" in text(refused)
        assert running.bot.library.shipped is lorebook


async def test_reload_shows_the_cause_first_not_its_cascade(
    tmp_path: Path, lorebook: Lorebook
) -> None:
    folder = tmp_path / "lore"
    shutil.copytree(LORE_DIR, folder)
    people = folder / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("  - id: moira", "\t- id: moira"))
    write_the_tab = next(
        number
        for number, line in enumerate(people.read_text().splitlines(), 1)
        if line.startswith("\t")
    )
    settings = Settings(_env_file=None, data_dir=tmp_path, lore_dir=folder, owner_ids=(OWNER,))
    bot = create_bot(settings, lorebook)
    async with Harness.running(bot, Actor(user_id=OWNER, guild_id=2001)) as running:
        refused = await running.command("lore reload")
        lines = text(refused).splitlines()
        assert lines[1:] == [f"- `{people}:{write_the_tab}:1: tab in indentation; use spaces`"]
        assert running.bot.library.shipped is lorebook


async def test_a_full_disk_gets_an_apology_and_one_log_line_and_loses_nothing(
    harness: Harness, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    opened = await harness.command("lore add", kind="trivia")
    saved = await submit_form(harness, opened, TRIVIA)
    assert "Saved `t-local` (r1)" in text(saved)
    store = harness.bot.guild_store
    assert isinstance(store, SqliteGuildStore)
    await fill_the_disk(store)
    before = snapshot(db_path)
    opened = await harness.command("lore add", kind="trivia")
    with caplog.at_level(logging.INFO):
        refused = await submit_form(
            harness, opened, {**TRIVIA, "id": "t-big", "body": "x" * 4000, "summary": "y" * 1000}
        )
    assert text(refused).endswith(" Nothing was changed.")
    assert refused.response["data"]["flags"] & 64
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "storage fault" in record.getMessage()
    assert (
        f"{db_path}: the database cannot be used (database or disk is full)" in record.getMessage()
    )
    assert record.exc_info is None
    assert "rollback" not in caplog.text
    assert snapshot(db_path) == before
    assert "t-local" in await harness.bot.library.book_for(2001)


def break_stored_copies(db_path: Path, *entry_ids: str) -> None:
    """Make the stored copies of `entry_ids` fail validation, as an older schema's would."""
    with sqlite3.connect(db_path) as db:
        for table, column in (("overlay_entry", "data"), ("entry_change", "after_data")):
            rows = db.execute(
                f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL "
                f"AND entry_id IN ({', '.join('?' for _ in entry_ids)})",
                entry_ids,
            ).fetchall()
            for rowid, data in rows:
                old = {**json.loads(data), "colour": "red"}
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (json.dumps(old), rowid)
                )


async def test_a_stored_row_that_no_longer_validates_is_named_and_can_be_repaired(
    harness: Harness, db_path: Path
) -> None:
    opened = await harness.command("lore add", kind="trivia")
    assert "Saved `t-local` (r1)" in text(await submit_form(harness, opened, TRIVIA))
    shipped = "vicky-page"
    edit = await harness.command("lore edit", entry=shipped)
    assert "(r1)" in text(await submit_form(harness, edit, {"summary": "A local summary."}))
    break_stored_copies(db_path, "t-local", shipped)
    harness.bot.library.invalidate(2001)
    before = snapshot(db_path)

    refused = await harness.command("lore edit", entry="t-local")
    assert "Nothing was changed: this server's copy of 't-local' no longer validates (" in text(
        refused
    )
    assert "`/lore remove` it, or `/lore revert` it to 0 (as shipped)" in text(refused)
    old = await harness.command("lore revert", entry="t-local", revision=1)
    assert "revision 1 of 't-local' no longer validates, so it cannot be brought back" in text(old)
    assert snapshot(db_path) == before
    view = await harness.bot.library.book_for(2001)
    assert "t-local" not in view
    assert view.get(shipped) == harness.bot.library.shipped.get(shipped)

    serve_upload(harness, UPLOAD)
    preview = await harness.run(attachment_payload(harness, "mine.yaml", len(UPLOAD)))
    assert "**added: 1** — `t-upload`" in text(preview)
    assert "1 entries changed" in text(await harness.click("Confirm"))

    reverted = await harness.command("lore revert", entry=shipped, revision=0)
    assert "Reverted `vicky-page` to r0, as r2." in text(reverted)
    asked = await harness.command("lore remove", entry="t-local")
    assert "Remove `t-local` (delete it)?" in text(asked)
    assert "`t-local` is deleted (r2)" in text(await harness.click("Confirm"))

    history = text(await harness.command("lore history", entry="t-local"))
    assert "**r2** delete by <@1>" in history
    assert "a copy that no longer validates → nothing" in history
    with sqlite3.connect(db_path) as db:
        [(kept,)] = db.execute(
            "SELECT before_data FROM entry_change WHERE entry_id = 't-local' AND revision = 2"
        ).fetchall()
    assert json.loads(kept)["colour"] == "red"  # the broken copy is kept in history, not lost


async def test_hiding_a_person_warns_then_their_characters_show_plain_text_and_stay_editable(
    harness: Harness, db_path: Path
) -> None:
    asked = await harness.command("lore remove", entry="moira-shearer")
    warning = text(asked)
    assert "entries refer to it (" in warning
    assert "`vicky-page`" in warning
    assert "they will name it as plain text, without a link." in warning
    assert "is hidden" in text(await harness.click("Confirm"))

    shown = await harness.command("character", name="vicky-page")
    fields = {f["name"]: f["value"] for f in shown.data["embeds"][0]["fields"]}
    assert "Moira Shearer" in fields["Played by"]
    assert "moira-shearer" not in json.dumps(shown.data)

    edit = await harness.command("lore edit", entry="vicky-page")
    saved = await submit_form(harness, edit, {"summary": "Still editable."})
    assert "Saved `vicky-page` (r1)" in text(saved)
    edited = (await harness.bot.library.book_for(2001)).get("vicky-page")
    assert edited is not None and edited.summary == "Still editable."

    before = snapshot(db_path)
    opened = await harness.command("lore add", kind="trivia")
    dangling = {**TRIVIA, "details": TRIVIA["details"] + "related: [moira-shearer]\n"}
    refused = await submit_form(harness, opened, dangling)
    assert "unknown id 'moira-shearer'" in text(refused)
    assert snapshot(db_path) == before


async def test_a_revert_that_brings_back_a_deleted_reference_says_so(harness: Harness) -> None:
    for entry_id, related in (("t-target", ""), ("t-source", "related: [t-target]\n")):
        opened = await harness.command("lore add", kind="trivia")
        values = {**TRIVIA, "id": entry_id, "details": TRIVIA["details"] + related}
        assert "(r1)" in text(await submit_form(harness, opened, values))
    edit = await harness.command("lore edit", entry="t-source")
    cleared = {"details": TRIVIA["details"]}
    assert "(r2)" in text(await submit_form(harness, edit, cleared))
    await harness.command("lore remove", entry="t-target")
    assert "is deleted" in text(await harness.click("Confirm"))

    reverted = await harness.command("lore revert", entry="t-source", revision=1)
    assert text(reverted) == (
        "Reverted `t-source` to r1, as r3.\nIt refers to entries this server no longer has "
        "(`t-target`); they are shown as plain text until you edit it."
    )
    edit = await harness.command("lore edit", entry="t-source")
    assert "(r4)" in text(await submit_form(harness, edit, {"summary": "Kept editable."}))


def many_entries(count: int) -> bytes:
    """An upload of `count` small trivia entries, as compact as a lore file can be."""
    rows = (
        f"- {{id: t-{i:05d}, kind: trivia, name: T {i}, summary: S., topic: film, "
        f"sources: [{{title: x}}]}}\n"
        for i in range(count)
    )
    return ("entries:\n" + "".join(rows)).encode()


async def test_a_server_over_its_entry_limit_is_refused_clearly(
    tmp_path: Path, lorebook: Lorebook
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, lore_dir=LORE_DIR, max_server_entries=3)
    async with Harness.running(create_bot(settings, lorebook), MODERATOR) as running:
        serve_upload(running, many_entries(2))
        await running.run(attachment_payload(running, "two.yaml", 200))
        assert "2 entries changed" in text(await running.click("Confirm"))
        before = snapshot(tmp_path / DB_NAME)
        serve_upload(running, many_entries(5))
        refused = await running.run(attachment_payload(running, "five.yaml", 500))
        assert (
            "`five.yaml:1:1: this server would hold 5 entries of its own; the limit is 3 "
            "(MAX_SERVER_ENTRIES): remove some first`" in text(refused)
        )
        opened = await running.command("lore add", kind="trivia")
        assert "(r1)" in text(await submit_form(running, opened, TRIVIA))
        opened = await running.command("lore add", kind="trivia")
        refused = await submit_form(running, opened, {**TRIVIA, "id": "t-fourth"})
        assert "would hold 4 entries of its own; the limit is 3" in text(refused)
        assert len((await running.bot.guild_store.overlay(2001)).entries) == 3
        assert snapshot(tmp_path / DB_NAME)["overlay_entry"][:2] == before["overlay_entry"]


async def alone(h: Harness, payload: dict[str, Any]) -> Exchange:
    """Run one interaction to its end, however long, while others run too: only the calls
    that answer it."""
    pending = h.dispatch(payload)
    if pending.tasks:
        await asyncio.wait(pending.tasks)
    exchange = pending.so_far()
    return Exchange(tuple(c for c in exchange.calls if c.interaction_id == int(payload["id"])))


async def test_look_ups_elsewhere_stay_fast_while_one_server_imports_and_exports(
    harness: Harness,
) -> None:
    upload = many_entries(4000)
    serve_upload(harness, upload)
    elsewhere = Actor(user_id=9, guild_id=4004, channel_id=4005)
    slowest = 0.0
    answered = 0

    async def heavy_work() -> None:
        preview = await alone(harness, attachment_payload(harness, "big.yaml", len(upload)))
        assert "**added: 4000**" in text(preview)
        asking = next(
            m for m in reversed(harness.recorder.messages.values()) if "Confirm" in str(m)
        )
        confirm = harness.click_payload("Confirm", asking)
        assert "4000 entries changed" in text(await alone(harness, confirm))
        exported = await alone(harness, harness.command_payload("lore export", {"all": True}))
        assert exported.of("followup")[0]["attachments"][0]["filename"] == "lore-2001-all.yaml"

    work = asyncio.create_task(heavy_work())
    while not work.done():
        started = time.perf_counter()
        look_up = harness.command_payload("character", {"name": "vicky"}, actor=elsewhere)
        looked = await alone(harness, look_up)
        slowest = max(slowest, time.perf_counter() - started)
        assert looked.data["embeds"][0]["title"].startswith("Victoria")
        answered += 1
        await asyncio.sleep(0.2)
    await work
    assert answered >= 5
    assert slowest < 3.0, f"a look-up elsewhere took {slowest:.2f} s"


async def test_a_moderator_works_in_their_own_language(harness: Harness) -> None:
    french = replace(MODERATOR, locale="fr")
    opened = await harness.command("lore add", actor=french, kind="ballet_scene")
    assert opened.data["title"] == "Nouvelle fiche : Scène de ballet"
    labels = [row["components"][0]["label"] for row in opened.data["components"]]
    assert labels[:2] == ["Identifiant (minuscules-avec-tirets)", "Nom"]
    opened = await harness.command("lore add", actor=french, kind="trivia")
    saved = await submit_form(harness, opened, TRIVIA, french)
    assert text(saved) == "`t-local` enregistrée (r1)."
    asked = await harness.command("lore remove", actor=french, entry="vicky-page")
    assert text(asked).startswith("Retirer `vicky-page` (la masquer sur ce serveur) ?")
    assert "fiches y renvoient (" in text(asked)
    done = await harness.click("Confirmer", actor=french)
    assert done.of("edit")[0]["content"] == "`vicky-page` est masquée (r1)."
    history = text(await harness.command("lore history", actor=french, entry="vicky-page"))
    assert history.startswith("Historique de `vicky-page` sur ce serveur")
    assert "**r1** masquage par <@1> " in history and "d'origine → masquée" in history
    config = text(await harness.command("lore config", actor=french))
    assert "Réponses en texte brut : désactivées." in config


def test_every_kind_of_change_has_its_words_in_every_language() -> None:
    for words in [load_words().english, *load_words().others.values()]:
        for action in get_args(Action):
            assert words(f"lore.action.{action}"), (words.locale, action)
        for field in form_fields(new=True):
            assert words(f"lore.field.{field.key}"), (words.locale, field.key)
