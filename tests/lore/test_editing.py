"""The moderators' operations: rules, import plans, export, and that a refusal changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.lore.editing import EditRefused, LoreEditor
from bot.lore.errors import LoreError
from bot.lore.library import LoreLibrary
from bot.lore.loader import load_lore, parse_lore_file
from bot.lore.store.base import StaleEditError
from bot.lore.store.database import DB_NAME
from bot.lore.store.sqlite import SqliteGuildStore
from tests.conftest import WriteLore
from tests.lore.test_loader import CHARACTER, PERSON, WORKS, _scene
from tests.lore.test_store import ALICE, BOB, GUILD, OTHER, snapshot, trivia

NEW_TRIVIA = """\
  - id: t-new
    kind: trivia
    name: A new fact
    summary: Something new.
    topic: film
    sources: [{title: Credits}]
"""
SHIPPED = "entries:\n" + PERSON + CHARACTER
UPLOAD = (
    "entries:\n" + CHARACTER.replace("dancer.", "dancer who must choose.") + PERSON + NEW_TRIVIA
)
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / DB_NAME


@pytest.fixture
async def editor(write_lore: WriteLore, db_path: Path) -> AsyncIterator[LoreEditor]:
    store = await SqliteGuildStore.open(db_path)
    yield LoreEditor(store, LoreLibrary(load_lore(write_lore("a.yaml", SHIPPED)), store))
    await store.close()


async def test_add_edit_remove_show_at_once_in_the_servers_view(editor: LoreEditor) -> None:
    await editor.view(GUILD)
    await editor.add(GUILD, trivia("t-one"), by=ALICE)
    assert "t-one" in await editor.view(GUILD)
    _, base = await editor.current(GUILD, "t-one")
    await editor.edit(GUILD, trivia("t-one", "Fixed."), base_revision=base, by=BOB)
    assert (await editor.view(GUILD)).get("t-one") == trivia("t-one", "Fixed.")
    await editor.remove(GUILD, "t-one", base_revision=2, by=BOB)
    await editor.remove(GUILD, "vicky-page", base_revision=0, by=BOB)
    view = await editor.view(GUILD)
    assert "t-one" not in view and "vicky-page" not in view
    assert (await editor.store.overlay(GUILD)).hidden == {"vicky-page"}
    assert "vicky-page" in await editor.view(OTHER)


@pytest.mark.parametrize("entry_id", ["no-such-entry", "vicky-page"])
async def test_an_unknown_or_hidden_entry_is_refused(
    editor: LoreEditor, db_path: Path, entry_id: str
) -> None:
    await editor.remove(GUILD, "vicky-page", base_revision=0, by=ALICE)
    before = snapshot(db_path)
    with pytest.raises(EditRefused, match=f"no entry '{entry_id}' in this server"):
        await editor.edit(GUILD, trivia(entry_id), base_revision=1, by=BOB)
    with pytest.raises(EditRefused, match="unknown or hidden"):
        await editor.remove(GUILD, entry_id, base_revision=1, by=BOB)
    assert snapshot(db_path) == before


async def test_a_taken_id_or_a_bad_reference_is_refused(editor: LoreEditor, db_path: Path) -> None:
    before = snapshot(db_path)
    with pytest.raises(EditRefused, match="'vicky-page' is already used"):
        await editor.add(GUILD, trivia("vicky-page"), by=ALICE)
    bad = trivia("t-one").model_copy(update={"related": ("nobody-here",)})
    with pytest.raises(LoreError, match=r"related\.0: unknown id 'nobody-here'"):
        await editor.add(GUILD, bad, by=ALICE)
    assert snapshot(db_path) == before


async def test_a_stale_edit_is_refused_and_changes_nothing(
    editor: LoreEditor, db_path: Path
) -> None:
    _, base = await editor.current(GUILD, "vicky-page")
    await editor.edit(GUILD, trivia("vicky-page", "Alice's."), base_revision=base, by=ALICE)
    before = snapshot(db_path)
    view = await editor.view(GUILD)
    with pytest.raises(StaleEditError):
        await editor.edit(GUILD, trivia("vicky-page", "Bob's."), base_revision=base, by=BOB)
    assert snapshot(db_path) == before
    assert await editor.view(GUILD) is view


async def test_import_preview_then_apply(editor: LoreEditor) -> None:
    plan = await editor.plan_import(GUILD, "upload.yaml", UPLOAD.encode())
    assert (plan.added, plan.replaced, plan.unchanged) == (
        ("t-new",),
        ("vicky-page",),
        ("moira-shearer",),
    )
    assert "t-new" not in await editor.view(GUILD)
    changes = await editor.apply_import(GUILD, plan, by=ALICE)
    assert [c.entry_id for c in changes] == ["vicky-page", "t-new"]
    view = await editor.view(GUILD)
    assert "t-new" in view
    assert (await editor.plan_import(GUILD, "again.yaml", UPLOAD.encode())).empty


async def test_an_import_overtaken_by_an_edit_is_refused_whole(
    editor: LoreEditor, db_path: Path
) -> None:
    plan = await editor.plan_import(GUILD, "upload.yaml", UPLOAD.encode())
    await editor.edit(GUILD, trivia("vicky-page", "Meanwhile."), base_revision=0, by=BOB)
    before = snapshot(db_path)
    with pytest.raises(StaleEditError):
        await editor.apply_import(GUILD, plan, by=ALICE)
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "up.yaml:1:1: file is not UTF-8 (byte 0x89"),
        (b"just some words", "up.yaml:1:1: a lore file is a mapping with an `entries` list"),
        (ALIAS_BOMB.encode(), "alias bomb?"),
        (UPLOAD.replace("topic: film", "topic: opera").encode(), "up.yaml:20:12: topic:"),
        (UPLOAD.replace("played_by: moira-shearer", "played_by: nobody").encode(), "up.yaml:6:16"),
        (b"entries: []", "up.yaml:1:1: the file has no entries"),
        (b" " * (1024 * 1024 + 1), "limit is 1024 KiB"),
    ],
)
async def test_a_bad_upload_gets_a_clear_error_and_changes_nothing(
    editor: LoreEditor, db_path: Path, data: bytes, message: str
) -> None:
    await editor.add(GUILD, trivia("t-one"), by=ALICE)
    before = snapshot(db_path)
    with pytest.raises(LoreError) as error:
        await editor.plan_import(GUILD, "up.yaml", data)
    assert message in str(error.value)
    assert snapshot(db_path) == before


async def test_history_and_revert(editor: LoreEditor) -> None:
    await editor.edit(GUILD, trivia("vicky-page", "One."), base_revision=0, by=ALICE)
    await editor.revert(GUILD, "vicky-page", 0, by=BOB)
    assert (await editor.view(GUILD)).get("vicky-page") == editor.library.shipped.get("vicky-page")
    history = await editor.history(GUILD, "vicky-page")
    assert [(c.action, c.user_id) for c in history] == [("revert", BOB), ("edit", ALICE)]
    with pytest.raises(EditRefused):
        await editor.history(GUILD, "no-such-entry")


async def test_export_round_trips_through_import(editor: LoreEditor) -> None:
    await editor.add(GUILD, trivia("t-one"), by=ALICE)
    await editor.remove(GUILD, "vicky-page", base_revision=0, by=ALICE)
    text, hidden = await editor.export(GUILD, everything=False)
    assert hidden == 1
    assert "t-one" in text and "vicky-page" not in text
    assert (await editor.plan_import(OTHER, "x.yaml", text.encode())).added == ("t-one",)
    everything, _ = await editor.export(GUILD, everything=True)
    plan = await editor.plan_import(GUILD, "all.yaml", everything.encode())
    assert plan.empty and set(plan.unchanged) == {"t-one", "moira-shearer"}


async def test_an_import_and_a_form_are_held_to_the_shipped_scene_orders_of_their_work(
    write_lore: WriteLore, db_path: Path
) -> None:
    shipped = load_lore(write_lore("a.yaml", "entries:\n" + WORKS + _scene("a-one", 1, "film-a")))
    store = await SqliteGuildStore.open(db_path)
    editor = LoreEditor(store, LoreLibrary(shipped, store))
    try:
        before = snapshot(db_path)
        clash = "entries:\n" + _scene("a-again", 1, "film-a")
        with pytest.raises(LoreError) as error:
            await editor.plan_import(GUILD, "up.yaml", clash.encode())
        assert str(error.value) == (
            "up.yaml:6:12: order 1 is already used by scene 'a-one' of the work 'film-a'"
        )
        form = parse_lore_file("form", clash.encode())[0][0].entry
        with pytest.raises(LoreError, match="order 1 is already used by scene 'a-one'"):
            await editor.add(GUILD, form, by=ALICE)
        assert snapshot(db_path) == before
        other_work = "entries:\n" + _scene("b-one", 1, "film-b") + _scene("a-one", 2, "film-a")
        plan = await editor.plan_import(GUILD, "up.yaml", other_work.encode())
        assert (plan.added, plan.replaced) == (("b-one",), ("a-one",))
    finally:
        await store.close()
