"""Lore about a second work (a *Tales of Hoffmann* pack, tests/data/hoffmann.yaml) imported into
a server beside the shipped film: its own story order, several performers per part, search."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.app import create_bot
from bot.config import Settings
from bot.lore.lorebook import Lorebook
from bot.lore.model import Character, Scene
from bot.offline.harness import Exchange, Harness
from bot.offline.payloads import Actor
from bot.persona.chat import answer
from bot.render.limits import problems
from bot.render.screens import entry_screen, screen_for, sequence_key
from tests.cogs.test_lore_admin import attachment_payload, text

PACK = Path(__file__).resolve().parent.parent / "data" / "hoffmann.yaml"
HOFFMANN = "tales-of-hoffmann-film"
MODERATOR = Actor(user_id=1, guild_id=2001, moderator=True)
HOFFMANN_SCENES = [
    "hoffmann-prologue",
    "hoffmann-tale-of-olympia",
    "hoffmann-tale-of-giulietta",
    "hoffmann-tale-of-antonia",
    "hoffmann-epilogue",
]


@pytest.fixture
async def harness(tmp_path: Path, lorebook: Lorebook) -> AsyncIterator[Harness]:
    """The bot with the pack imported into one server through `/lore import`, as a moderator
    would: the preview first, then the confirm button."""
    settings = Settings(_env_file=None, data_dir=tmp_path, lore_dir=tmp_path / "no-lore")
    bot = create_bot(settings, lorebook)
    async with Harness.running(bot, MODERATOR) as running:
        cog: Any = bot.get_cog("LoreAdmin")
        data = PACK.read_bytes()

        async def read(attachment: discord.Attachment) -> bytes:
            return data

        cog.read_attachment = read
        preview = await running.run(attachment_payload(running, "hoffmann.yaml", len(data)))
        assert "**added: 23**" in text(preview)
        assert "Imported: 23 entries changed." in text(await running.click("Confirm"))
        yield running


def fields(exchange: Exchange) -> dict[str, str]:
    return {f["name"]: f["value"] for f in exchange.data["embeds"][0]["fields"]}


def options(exchange: Exchange) -> list[str]:
    rows = exchange.data.get("components", [])
    return [o["value"] for row in rows for c in row["components"] for o in c.get("options", [])]


def within_limits(exchange: Exchange) -> Exchange:
    for call in exchange.calls:
        assert problems(call.payload or {}) == [], call.kind
    return exchange


async def test_the_pack_joins_the_server_and_leaves_the_shipped_film_as_it_was(
    harness: Harness, lorebook: Lorebook
) -> None:
    book = await harness.bot.library.book_for(MODERATOR.guild_id)
    assert book.sequence_works("scene") == ("the-red-shoes-film", HOFFMANN)
    assert [s.id for s in book.sequence("scene", HOFFMANN)] == HOFFMANN_SCENES
    shipped = [s.id for s in lorebook.of_type(Scene)]
    assert [s.id for s in book.sequence("scene", "the-red-shoes-film")] == shipped
    assert {c.id for c in book.played_by("moira-shearer")} >= {"vicky-page", "stella", "olympia"}
    assert [c.id for c in book.played_by("dorothy-bond")] == ["olympia"]
    other_server = await harness.bot.library.book_for(9999)
    assert other_server.sequence_works("scene") == ("the-red-shoes-film",)


async def test_story_lists_each_work_under_its_own_name_and_order(harness: Harness) -> None:
    film = within_limits(await harness.command("story"))
    assert film.data["embeds"][0]["title"] == "The Red Shoes: the story"
    assert "Also here: The Tales of Hoffmann" in film.data["embeds"][0]["description"]
    for work in (HOFFMANN, "tales of hofman"):  # autocompleted id, or typed with a typo
        told = within_limits(await harness.command("story", work=work))
        embed = told.data["embeds"][0]
        assert embed["title"] == "The Tales of Hoffmann: the story"
        assert embed["description"].count("**") == 2 * len(HOFFMANN_SCENES)
        assert "**3. The Tale of Giulietta**" in embed["description"]
        assert options(told) == HOFFMANN_SCENES
    ballet = within_limits(await harness.command("ballet", work=HOFFMANN))
    assert ballet.data["embeds"][0]["title"] == "The Tales of Hoffmann: the ballet"
    assert options(ballet) == ["hoffmann-enchanted-dragonfly"]
    shipped_ballet = await harness.command("ballet")
    assert shipped_ballet.data["embeds"][0]["title"] == "The Ballet of the Red Shoes"
    book = await harness.bot.library.book_for(MODERATOR.guild_id)
    turned = screen_for(book, sequence_key("scene", HOFFMANN))  # what a pager's click reads
    assert turned is not None
    assert turned.pages[0].embed.title == "The Tales of Hoffmann: the story"


async def test_the_work_option_and_scenes_autocomplete_by_work(harness: Harness) -> None:
    works = await harness.autocomplete("story", "work", work="")
    assert [c["value"] for c in works] == ["the-red-shoes-film", HOFFMANN]
    typed = await harness.autocomplete("story", "work", work="hoff")
    assert [c["value"] for c in typed] == [HOFFMANN]
    scenes = await harness.autocomplete("story", "scene", scene="tale", work=HOFFMANN)
    assert {c["value"] for c in scenes} == set(HOFFMANN_SCENES[1:4])
    unknown = await harness.command("story", work="no such work at all")
    assert unknown.data["flags"] == 64


async def test_a_scene_says_where_it_stands_in_its_own_work(harness: Harness) -> None:
    giulietta = within_limits(await harness.command("story", scene="hoffmann-tale-of-giulietta"))
    assert fields(giulietta)["Order"] == "Scene 3 of 5 of The Tales of Hoffmann"
    book = await harness.bot.library.book_for(MODERATOR.guild_id)
    third = book.sequence("scene", "the-red-shoes-film")[2]
    shipped = await harness.command("story", scene=third.id)
    total = len(book.sequence("scene", "the-red-shoes-film"))
    assert fields(shipped)["Order"] == f"Scene 3 of {total} of The Red Shoes"


async def test_characters_show_every_performer_with_their_credit_and_work(
    harness: Harness,
) -> None:
    olympia = within_limits(await harness.command("character", name="Olympia"))
    shown = fields(olympia)
    assert shown["Played by"] == "Moira Shearer\nDorothy Bond (singing voice)"
    assert shown["From"] == "The Tales of Hoffmann"
    assert options(olympia)[:2] == ["moira-shearer", "dorothy-bond"]
    helpmann = fields(await harness.command("person", name="Robert Helpmann"))["Played"]
    assert "Ivan Boleslawsky · The Red Shoes" in helpmann.split("\n")
    assert "Dr Miracle · The Tales of Hoffmann" in helpmann.split("\n")
    dargavel = fields(await harness.command("person", name="Bruce Dargavel"))["Played"]
    assert sorted(dargavel.split("\n")) == [
        "Coppelius (singing voice)",
        "Councillor Lindorf (singing voice)",
        "Dapertutto (singing voice)",
        "Dr Miracle (singing voice)",
    ]


async def test_each_film_stars_its_own_cast(harness: Harness) -> None:
    red_shoes = fields(await harness.command("film"))["Starring"]
    assert "Olympia" not in red_shoes
    found = await harness.command("search", query="The Tales of Hoffmann")
    assert options(found)[0] == HOFFMANN
    opened = fields(within_limits(await harness.click(1)))["Starring"]
    assert "Moira Shearer and Dorothy Bond (singing voice) as Olympia" in opened.split("\n")
    assert "Robert Rounseville as Hoffmann" in opened.split("\n")


async def test_the_pack_is_searchable_and_named_with_its_work(harness: Harness) -> None:
    found = await harness.command("search", query="Dapertutto")
    assert options(found)[0] == "dapertutto"
    assert (
        "**Dapertutto** · Character · The Tales of Hoffmann"
        in (found.data["embeds"][0]["description"])
    )
    book = await harness.bot.library.book_for(MODERATOR.guild_id)
    giulietta = book.find("giulietta", ["character"])
    assert isinstance(giulietta, Character)
    assert [p.credit(p.person) for p in giulietta.played_by] == [
        "ludmilla-tcherina",
        "margherita-grandi (singing voice)",
    ]


async def test_every_entry_of_the_pack_renders_within_discords_limits(harness: Harness) -> None:
    book = await harness.bot.library.book_for(MODERATOR.guild_id)
    pack = [e for e in book.entries if e.id not in harness.bot.library.shipped]
    assert len(pack) == 23
    for entry in pack:
        for page in entry_screen(book, entry).pages:
            assert problems({"embeds": [page.embed.to_dict()]}) == [], entry.id


async def test_the_chat_names_every_performer_and_the_work(harness: Harness) -> None:
    book = await harness.bot.library.book_for(MODERATOR.guild_id)
    reply = answer(book, "who played Olympia?")
    assert "Moira Shearer and Dorothy Bond (singing voice) played Olympia in The Tales of" in (
        reply.answer
    )
    assert {"olympia", "moira-shearer", "dorothy-bond"} <= set(reply.sources)
    shearer = answer(book, "who did Moira Shearer play?").answer
    assert 'Moira Shearer played Victoria "Vicky" Page.' in shearer
    assert "Moira Shearer played Stella in The Tales of Hoffmann." in shearer
