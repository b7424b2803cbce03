"""The look-up commands through the real CommandTree, asserting the exact payloads sent back."""

from __future__ import annotations

import logging
import sys

import discord
import pytest
from discord import app_commands

from bot.lore.model import Character, Person, Work
from bot.offline.harness import Exchange, Harness, controls
from bot.offline.payloads import Actor
from bot.render.limits import problems
from bot.render.plain import plain_line
from bot.render.screens import entry_screen, sequence_screen

NONE: dict[str, list[str]] = {"parse": []}
OWNER = 1001
OTHER = 4242


def _select(data):
    return next(c for row in data["components"] for c in row["components"] if c["type"] == 3)


def _assert_within_limits(exchange: Exchange) -> None:
    for call in exchange.calls:
        payload = call.payload or {}
        assert problems(payload) == [], (call.kind, problems(payload))


async def test_character_answers_with_its_embed_and_links(harness: Harness, lorebook):
    exchange = await harness.command("character", name="vicky-page")
    screen = entry_screen(lorebook, lorebook.get("vicky-page"))
    assert exchange.response == {
        "type": 4,
        "data": {
            "tts": False,
            "content": plain_line(screen.pages[0].embed),
            "embeds": [screen.pages[0].embed.to_dict()],
            "components": exchange.data["components"],
            "allowed_mentions": NONE,
        },
    }
    select = _select(exchange.data)
    assert select["custom_id"] == f"rs:open:{OWNER}"
    assert [o["value"] for o in select["options"]][:2] == ["moira-shearer", "boris-lermontov"]


async def test_typed_names_resolve_with_accents_and_typos(harness: Harness):
    exchange = await harness.command("person", name="Leonide Masine")
    assert exchange.data["embeds"][0]["title"] == "Léonide Massine"
    exchange = await harness.command("character", name="lermontof")
    assert exchange.data["embeds"][0]["title"] == "Boris Lermontov"


async def test_person_links_back_to_the_characters_played(harness: Harness):
    exchange = await harness.command("person", name="moira-shearer")
    fields = {f["name"]: f["value"] for f in exchange.data["embeds"][0]["fields"]}
    assert 'Victoria "Vicky" Page' in fields["Played"]
    assert _select(exchange.data)["options"][0]["value"] == "vicky-page"


async def test_autocomplete_offers_ids_under_names(harness: Harness):
    choices = await harness.autocomplete("character", "name", name="lerm")
    assert choices[0] == {"name": "Boris Lermontov", "value": "boris-lermontov"}
    assert len(choices) <= 25
    people = await harness.autocomplete("person", "name", name="shear")
    assert {"name": "Moira Shearer", "value": "moira-shearer"} in people
    empty = await harness.autocomplete("ballet", "scene", scene="")
    assert 1 <= len(empty) <= 25
    assert problems({"type": 8, "data": {"choices": empty}}) == []


async def test_unknown_name_answers_privately_with_suggestions(harness: Harness, lorebook):
    exchange = await harness.command("character", name="ballerina dog")
    data = exchange.data
    assert exchange.response["type"] == 4
    assert data["flags"] == 64
    assert data["allowed_mentions"] == NONE
    line, suggestion = data["content"].split("\n")
    assert line in lorebook.persona("unknown")
    assert suggestion.startswith("Did you mean ")
    assert 1 <= len(_select(data)["options"]) <= 3
    nothing = await harness.command("person", name="qqqqqq zzzzzz")
    assert nothing.data["content"] in lorebook.persona("unknown")
    assert "components" not in nothing.data


async def test_the_asker_turns_pages_and_no_one_else(harness: Harness, lorebook):
    first = await harness.command("story")
    screen = sequence_screen(lorebook, "seq.story")
    assert len(screen.pages) > 1
    assert first.data["embeds"] == [screen.pages[0].embed.to_dict()]
    message = harness.message()
    before = dict(message)

    refused = await harness.click("Next ▶", message, harness.actor.as_user(OTHER))
    assert refused.response["data"]["flags"] == 64
    assert refused.response["data"]["content"] in lorebook.persona("not_yours")
    assert harness.message(message["id"]) == before

    turned = await harness.click("Next ▶", message)
    assert turned.response["type"] == 7
    assert turned.data["embeds"] == [screen.pages[1].embed.to_dict()]
    back = await harness.click("◀ Previous", harness.message(message["id"]))
    assert back.data["embeds"] == [screen.pages[0].embed.to_dict()]


async def test_a_link_opens_in_place_for_the_asker_and_privately_for_others(
    harness: Harness, lorebook
):
    await harness.command("character", name="vicky-page")
    message = harness.message()
    other = await harness.click("Moira Shearer", message, harness.actor.as_user(OTHER))
    assert other.response["type"] == 4
    assert other.data["flags"] == 64
    assert other.data["embeds"][0]["title"] == "Moira Shearer"
    assert _select(other.data)["custom_id"] == f"rs:open:{OTHER}"
    mine = await harness.click("Moira Shearer", message)
    assert mine.response["type"] == 7
    assert mine.data["embeds"] == [
        entry_screen(lorebook, lorebook.get("moira-shearer")).pages[0].embed.to_dict()
    ]


@pytest.mark.parametrize(
    ("command", "options", "title"),
    [
        ("film", {}, "The Red Shoes"),
        ("andersen", {}, None),
        ("ballet", {}, "The Ballet of the Red Shoes"),
        ("story", {}, "The Red Shoes: the story"),
        ("help", {}, "What I can do"),
    ],
)
async def test_commands_without_names(harness: Harness, command, options, title):
    exchange = await harness.command(command, **options)
    assert exchange.response["type"] == 4
    assert exchange.data["allowed_mentions"] == NONE
    if title:
        assert exchange.data["embeds"][0]["title"] == title
    _assert_within_limits(exchange)


async def test_andersen_shows_the_fairy_tale(harness: Harness, lorebook):
    tale = next(w for w in lorebook.of_type(Work) if w.form == "fairy tale")
    exchange = await harness.command("andersen")
    assert exchange.data["embeds"][0]["title"] == tale.name


async def test_help_lists_every_command_to_a_moderator(harness: Harness):
    exchange = await harness.command("help", actor=Actor(moderator=True))
    text = exchange.data["embeds"][0]["description"]
    listed = 0
    for kind in discord.AppCommandType:
        for command in harness.bot.tree.walk_commands(type=kind):
            if isinstance(command, app_commands.Command):
                assert f"`/{command.qualified_name}` — {command.description}" in text
                listed += 1
            elif isinstance(command, app_commands.ContextMenu):
                assert f"**{command.name}** — on any message: Apps → {command.name};" in text
                listed += 1
    assert "**Ask Lermontov** — " in text
    assert listed == len(text.splitlines())
    assert exchange.data["flags"] == 64


async def test_help_leaves_out_what_discord_hides_from_the_asker(harness: Harness):
    member = (await harness.command("help")).data["embeds"][0]["description"]
    in_dm = (await harness.command("help", actor=Actor(guild_id=None))).data["embeds"][0]
    assert "`/character`" in member
    assert "`/lore" not in member
    assert "`/quiz stop`" in member
    assert "`/lore" not in in_dm["description"]
    assert "`/quiz" not in in_dm["description"]


async def test_quote_by_character_and_search(harness: Harness, lorebook):
    quotes = [q for q in lorebook.of_kind("quote")]
    assert quotes
    sample = quotes[0]
    exchange = await harness.command("quote", character=sample.speaker)
    shown = exchange.data["embeds"][0]
    speaker = lorebook.get(sample.speaker)
    assert {"inline": True, "name": "Spoken by", "value": speaker.name} in shown["fields"]
    searched = await harness.command("quote", search=sample.line)
    assert searched.data["embeds"][0]["description"].startswith(f"> {sample.line}")
    unknown = await harness.command("quote", character="Nobody At All Here")
    assert unknown.data["flags"] == 64


async def test_ballet_and_story_scenes_by_name(harness: Harness, lorebook):
    scene = lorebook.of_kind("ballet_scene")[0]
    exchange = await harness.command("ballet", scene=scene.id)
    assert exchange.data["embeds"][0]["title"] == scene.name
    story = lorebook.of_kind("scene")[-1]
    exchange = await harness.command("story", scene=story.name)
    assert exchange.data["embeds"][0]["title"] == story.name


async def test_search_offers_each_hit_to_open(harness: Harness, lorebook):
    exchange = await harness.command("search", query="Moira Shearer")
    options = _select(exchange.data)["options"]
    assert options[0]["value"] == "moira-shearer"
    opened = await harness.click(1)
    assert opened.data["embeds"][0]["title"] == "Moira Shearer"
    nothing = await harness.command("search", query="zzzqqq")
    assert nothing.data["content"] in lorebook.persona("unknown")


async def test_a_failing_handler_apologises_logs_and_the_bot_carries_on(
    harness: Harness, lorebook, monkeypatch, caplog
):
    def explode(*_args):
        raise RuntimeError("the curtain fell on the conductor")

    # the extension is the module discord.py loaded, which is the one in sys.modules
    monkeypatch.setattr(sys.modules["bot.cogs.lookup"], "entry_screen", explode)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        failed = await harness.command("character", name="vicky-page")
    assert failed.response["data"]["flags"] == 64
    assert failed.response["data"]["content"] in lorebook.persona("apology")
    assert "RuntimeError: the curtain fell on the conductor" in caplog.text
    assert "Traceback" in caplog.text
    monkeypatch.undo()
    again = await harness.command("character", name="vicky-page")
    assert again.data["embeds"][0]["title"] == 'Victoria "Vicky" Page'


async def test_every_entry_renders_within_discords_limits_through_every_command(
    harness: Harness, lorebook
):
    """Every entry, through its own command and through the link that opens it, every page."""
    commands = {
        "character": ("character", "name"),
        "person": ("person", "name"),
        "scene": ("story", "scene"),
        "ballet_scene": ("ballet", "scene"),
    }
    checked = 0
    for entry in lorebook.entries:
        if entry.kind in commands:
            command, option = commands[entry.kind]
            exchange = await harness.command(command, **{option: entry.id})
            assert exchange.data["embeds"][0]["title"] == entry.name[:256]
            _assert_within_limits(exchange)
        screen = entry_screen(lorebook, entry)
        for page in screen.pages:
            assert problems({"embeds": [page.embed.to_dict()]}) == [], entry.id
            checked += 1
    for command in ("film", "andersen", "ballet", "story", "help", "quote"):
        exchange = await harness.command(command)
        _assert_within_limits(exchange)
        while any(c.label == "Next ▶" for c in controls(harness.message())):
            _assert_within_limits(await harness.click("Next ▶"))
    assert checked >= len(lorebook.entries)
    assert any(isinstance(e, Character) for e in lorebook.entries)
    assert any(isinstance(e, Person) for e in lorebook.entries)


async def test_a_person_asked_for_as_a_character_is_pointed_to_person(harness: Harness) -> None:
    exchange = await harness.command("character", name="moira shearer")
    content = exchange.data["content"]
    assert "Moira Shearer is a person: `/person name:Moira Shearer`" in content
    assert "Did you mean" not in content
    [select] = exchange.data["components"][0]["components"]
    assert [o["value"] for o in select["options"]] == ["moira-shearer"]
    opened = await harness.click("1")
    assert opened.of("callback")[0]["data"]["embeds"][0]["title"] == "Moira Shearer"
    back = await harness.command("person", name="vicky page")
    assert "is a character: `/character name:Victoria" in back.data["content"]
