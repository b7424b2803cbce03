"""Our bot, end to end: the unmodified discord.py client against the local Discord stand-in.

The bot is built as `bot/app.py` builds it (its class, its settings, its setup_hook opening the
server store, loading the shipped lore and cogs and syncing the tree); the only difference from
production is where discord.py's two base URLs point (see standin/fake_discord.py) and a short
`guild_ready_timeout`, a plain discord.py option the app passes through.
Every request body the bot sends is checked against Discord's OpenAPI description by the
`fake_discord` fixture.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import RedShoesBot
from bot.config import Settings
from bot.lore.lorebook import Lorebook
from bot.lore.model import Character, Entry
from bot.persona.replay import audition, replay_steps
from standin.discord_process import DiscordProcess
from standin.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    MEMBER,
    MODERATOR,
    FakeDiscord,
    Person,
    Request,
    option,
    running,
    subcommand,
    with_attachments,
)

LORE_DIR = Path(__file__).resolve().parent.parent.parent / "lore"
DISCORD_WINDOW = 3.0  # seconds Discord gives a bot to answer an interaction
BURST = 500  # interactions sent in one instant by the load test
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
COMMANDS = "/applications/{application_id}/commands"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
MESSAGES = "/channels/{channel_id}/messages"
EPHEMERAL = 1 << 6
SPEED = 20  # the scripted pauses of /lermontov, played this many times faster


def settings_for(data_dir: Path, **extra: Any) -> Settings:
    """The bot's settings for a test: shipped lore, a fresh data folder, no `.env` read."""
    return Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=data_dir, **extra)


def build_bot(data_dir: Path, **extra: Any) -> RedShoesBot:
    return RedShoesBot(settings_for(data_dir, **extra), guild_ready_timeout=0.05)


@pytest.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[RedShoesBot]:
    async with running(build_bot(tmp_path / "data")) as client:
        assert isinstance(client, RedShoesBot)
        yield client


@pytest.fixture
def bot_errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """The handler failures the bot has logged so far (it logs them at ERROR, with tracebacks)."""
    caplog.set_level(logging.INFO)
    return lambda: [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def ask(fake_discord: FakeDiscord, interaction: dict[str, Any]) -> Request:
    """Send one interaction and return its answer, which must come within Discord's window."""
    [interaction_id] = await fake_discord.interact(interaction)
    return await fake_discord.callback(interaction_id, within=DISCORD_WINDOW)


def text_of(answer: Request) -> str:
    """Everything a person would read in an answer: content, embed titles, text and fields."""
    data = answer.body.get("data") or {}
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def named(book: Lorebook, name: str) -> str:
    """The display name the shipped lore gives the character called `name` (lore grows; ask it)."""
    entry = book.find(name, ["character"])
    assert entry is not None, name
    return entry.name


# ------------------------------------------------------------------ start, login, sync


async def test_start_logs_in_and_syncs_every_command(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    async with running(build_bot(data_dir)) as client:
        assert isinstance(client, RedShoesBot)
        expected = {command.name for command in client.tree.get_commands()}
    routes = [(r.method, r.route) for r in fake_discord.requests]
    assert routes[:3] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", COMMANDS),
    ]
    assert set(fake_discord.commands) == expected
    assert {"character", "film", "help"} <= expected

    # A restart with the same commands does not sync again (Discord rate-limits syncs).
    async with running(build_bot(data_dir)):
        pass
    assert len(fake_discord.requests_to(COMMANDS, "PUT")) == 1


async def test_synced_definitions_say_where_each_command_works(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """What Discord stores (the stand-in validated the sync's body against the published spec)."""
    async with running(build_bot(tmp_path / "data")):
        synced = fake_discord.commands
    for name in ("character", "search", "quote", "lermontov", "help", "Ask Lermontov"):
        assert synced[name]["integration_types"] == [0, 1], name  # a server or a member
        assert synced[name]["contexts"] == [0, 1, 2], name  # servers, the bot's DM, private
        assert set(synced[name]["name_localizations"]) >= {"fr", "de", "es-ES", "ja"}, name
        if synced[name]["type"] == 1:  # a message menu has no description
            assert "ja" in synced[name]["description_localizations"], name
    for name in ("lore", "quiz"):
        assert synced[name]["integration_types"] == [0], name
        assert synced[name]["contexts"] == [0], name


async def test_a_dev_guild_gets_its_commands_at_once(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with running(build_bot(tmp_path / "data", dev_guild_id=GUILD_ID)):
        [sync] = fake_discord.requests_to(
            COMMANDS.replace("/commands", "/guilds/{guild_id}/commands"), "PUT"
        )
        assert sync.params["guild_id"] == str(GUILD_ID)
        answer = await ask(fake_discord, fake_discord.slash("character", name="vicky"))
    assert answer.body["type"] == 4


# ------------------------------------------------------------------ every slash command


UPLOAD = b"entries: []\n"  # what a moderator might upload where a file is asked for


async def _value_for(
    fake_discord: FakeDiscord, command: dict[str, Any], under: str, spec: dict[str, Any]
) -> tuple[Any, list[dict[str, Any]]]:
    """A value a person could give (a listed choice, the first autocomplete hit, a name, a
    file), and the files to resolve with it."""
    if spec.get("choices"):
        return spec["choices"][0]["value"], []
    kind = spec["type"]
    if kind in (4, 10):
        return spec.get("min_value", 1), []
    if kind == 5:
        return True, []
    if kind == 11:
        upload = fake_discord.attachment("lore.yaml", UPLOAD)
        return upload["id"], [upload]
    if kind == 3 and spec.get("autocomplete"):
        typing = fake_discord.autocomplete(
            command["name"], spec["name"], "", under=under, person=person_for(command)
        )
        choices = (await ask(fake_discord, typing)).body["data"]["choices"]
        assert choices, f"/{command['name']} {under} {spec['name']}: autocomplete offered nothing"
        return choices[0]["value"], []
    if kind == 3:
        return "Lermontov", []
    raise AssertionError(f"/{command['name']} {spec['name']}: no e2e value for option type {kind}")


def person_for(command: dict[str, Any]) -> Person:
    """Moderator commands (hidden by default permissions) are tried by a moderator."""
    return MODERATOR if command.get("default_member_permissions") else MEMBER


async def _invocations(
    fake_discord: FakeDiscord, command: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """One interaction per leaf of `command` (each subcommand), with its required options;
    a message menu command is used on a member's question."""
    if command.get("type") == 3:
        target = fake_discord.member_message("who played Lermontov?")
        return [(command["name"], fake_discord.message_menu(command["name"], target))]
    leaves: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []
    for spec in command.get("options") or []:
        if spec["type"] == 1:
            leaves.append(([spec], spec.get("options") or []))
        elif spec["type"] == 2:
            leaves += [([spec, sub], sub.get("options") or []) for sub in spec.get("options") or []]
    if not leaves:
        leaves.append(([], command.get("options") or []))
    invocations = []
    for path, specs in leaves:
        under = " ".join(parent["name"] for parent in path)
        given, files = [], []
        for spec in specs:
            if spec.get("required"):
                value, uploads = await _value_for(fake_discord, command, under, spec)
                given.append(option(spec["name"], value, spec["type"]))
                files += uploads
        for parent in reversed(path):
            given = [{"name": parent["name"], "type": parent["type"], "options": given}]
        interaction = fake_discord.slash(command["name"], *given, person=person_for(command))
        invocations.append((f"{command['name']} {under}", with_attachments(interaction, *files)))
    return invocations


async def test_every_slash_command_answers_once_in_time(
    fake_discord: FakeDiscord, bot: RedShoesBot, bot_errors: Callable[[], list[str]]
) -> None:
    answered = []
    for command in fake_discord.commands.values():
        for label, interaction in await _invocations(fake_discord, command):
            answer = await ask(fake_discord, interaction)
            assert answer.body["type"] in (4, 5, 9), f"/{label}: {answer.body}"
            answered.append(label)
    await asyncio.sleep(0.2)  # anything sent after the answer (follow-ups) is checked too
    assert all(len(answers) == 1 for answers in fake_discord.callbacks.values())
    assert len(answered) >= len(fake_discord.commands)
    assert bot_errors() == []


async def test_character_shows_the_character(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    answer = await ask(fake_discord, fake_discord.slash("character", name="vicky"))
    assert answer.body["type"] == 4
    assert named(lorebook, "vicky") in text_of(answer)
    assert answer.body["data"]["allowed_mentions"] == {"parse": []}


# ------------------------------------------------------------------ autocomplete


async def test_autocomplete_suggests_while_typing_even_with_a_typo(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    for typed in ("vic", "lermontof"):
        answer = await ask(fake_discord, fake_discord.autocomplete("character", "name", typed))
        assert answer.body["type"] == 8
        choices = answer.body["data"]["choices"]
        assert 1 <= len(choices) <= 25, typed
    assert choices[0]["value"] == lorebook.find("lermontov", ["character"]).id  # type: ignore[union-attr]
    # The chosen value opens the entry.
    opened = await ask(fake_discord, fake_discord.slash("character", name=choices[0]["value"]))
    assert named(lorebook, "lermontov") in text_of(opened)


# ------------------------------------------------------------------ faults and load


async def test_gateway_dropped_mid_session_resumes_and_answers(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    await ask(fake_discord, fake_discord.slash("film"))
    await fake_discord.drop_gateway()
    answer = await ask(fake_discord, fake_discord.slash("character", name="lermontov"))
    assert named(lorebook, "lermontov") in text_of(answer)
    assert fake_discord.gateway_ops.count(6) == 1  # RESUME, not a new IDENTIFY
    assert fake_discord.gateway_ops.count(2) == 1
    assert bot.is_ready() and not bot.is_closed()


async def test_a_burst_of_interactions_at_once_each_answered_once_in_time(
    discord_apart: DiscordProcess, tmp_path: Path, bot_errors: Callable[[], list[str]]
) -> None:
    names = ["vicky", "lermontov", "julian", "boris", "grischa"]
    # The last answer of a burst waits for the whole burst. The stand-in runs in a process of
    # its own (as Discord is elsewhere), so what is timed is the bot's work, not the stand-in's
    # dispatching and checking of 500 answers on the same event loop.
    async with running(build_bot(tmp_path / "data")):
        burst = await discord_apart.slashes(
            "character", [{"name": names[i % len(names)]} for i in range(BURST)]
        )
        ids = await discord_apart.interact(*burst)
        answered = await discord_apart.answered(ids, within=10.0)
        callbacks = await discord_apart.requests_to(CALLBACK)
    slowest = max(a.took for a in answered)
    assert slowest < DISCORD_WINDOW, f"slowest answer took {slowest:.2f}s"
    assert all(a.answers == 1 for a in answered)
    assert len(callbacks) == BURST
    assert bot_errors() == []


async def test_bad_events_are_handled_and_the_bot_stays_up(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    unknown = await ask(fake_discord, fake_discord.slash("pirouette"))
    assert unknown.body["data"]["flags"] & EPHEMERAL
    # A number where a name belongs, and an option the command does not have.
    wrong_type = await ask(fake_discord, fake_discord.slash("character", option("name", 7, 4)))
    assert wrong_type.body["data"]["flags"] & EPHEMERAL
    extra = await ask(fake_discord, fake_discord.slash("film", option("colour", "red")))
    assert extra.body["type"] in (4, 5)
    # An event discord.py has never heard of, and an interaction type from the future.
    await fake_discord.dispatch_many([("ENTRANCE_OF_THE_CORPS_DE_BALLET", {"x": 1})])
    await fake_discord.interact(fake_discord.interaction(99, {}, person=MEMBER))
    alive = await ask(fake_discord, fake_discord.slash("character", name="vicky"))
    assert named(lorebook, "vicky") in text_of(alive)
    assert not bot.is_closed()


# ------------------------------------------------------------------ /lermontov, timed


async def test_lermontov_replays_the_audition_line_by_line_with_its_pauses(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    steps = replay_steps(lorebook, audition(lorebook))  # type: ignore[arg-type]
    cog = bot.get_cog("Lermontov")
    asked: list[float] = []

    async def quicker(pause: float) -> None:
        """The cog's own sleep hook, at 1/SPEED of the scripted pauses."""
        asked.append(pause)
        await asyncio.sleep(pause / SPEED)

    cog.sleep = quicker  # type: ignore[union-attr]
    opening = await ask(fake_discord, fake_discord.slash("lermontov"))
    assert opening.body["type"] == 4
    last = len(steps)  # the follow-ups, one per scripted line, after the opening
    within = DISCORD_WINDOW + sum(step.pause for step in steps) / SPEED
    await fake_discord.wait_for(lambda _: len(fake_discord.requests_to(FOLLOWUP)) >= last, within)
    followups = fake_discord.requests_to(FOLLOWUP)
    assert all(step.line in r.body["content"] for step, r in zip(steps, followups, strict=True))
    assert asked == [step.pause for step in steps]
    times = [opening.at] + [r.at for r in followups]
    for step, before, after in zip(steps, times, times[1:], strict=False):
        assert after - before >= step.pause / SPEED, step.line
    typing = fake_discord.requests_to("/channels/{channel_id}/typing")
    assert len(typing) == len(steps)
    assert all(r.body["allowed_mentions"] == {"parse": []} for r in followups)


# ------------------------------------------------------------------ moderators


async def test_a_moderators_modal_submit_changes_the_next_lookup(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    vicky = lorebook.find("vicky", ["character"])
    assert vicky is not None
    before = text_of(await ask(fake_discord, fake_discord.slash("character", name="vicky")))

    # A member without Manage Server (say the server unhid the command): refused, unchanged.
    refused = await ask(
        fake_discord, fake_discord.slash("lore", subcommand("edit", entry=vicky.id), person=MEMBER)
    )
    assert refused.body["type"] == 4 and refused.body["data"]["flags"] & EPHEMERAL
    unchanged = text_of(await ask(fake_discord, fake_discord.slash("character", name="vicky")))
    assert unchanged == before

    edit = fake_discord.slash("lore", subcommand("edit", entry=vicky.id), person=MODERATOR)
    form = await ask(fake_discord, edit)
    assert form.body["type"] == 9  # a modal, pre-filled with the entry
    summary = "A dancer who asks, and is asked, why she wants to dance."
    saved = await ask(
        fake_discord, fake_discord.modal_submit(form.body["data"], {"Summary": summary})
    )
    assert saved.body["data"]["flags"] & EPHEMERAL
    assert vicky.id in saved.body["data"]["content"]
    after = text_of(await ask(fake_discord, fake_discord.slash("character", name="vicky")))
    assert summary in after and after != before


# ------------------------------------------------------------------ chat


def lermontovs_actor(book: Lorebook) -> Entry:
    """Who played Lermontov, as the shipped lore says: what a chat answer must name."""
    lermontov = book.find("lermontov", ["character"])
    assert isinstance(lermontov, Character) and lermontov.played_by
    actor = book.get(lermontov.people[0])
    assert actor is not None
    return actor


async def test_a_mention_is_answered_by_the_persona_and_plain_chatter_is_not(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    actor = lermontovs_actor(lorebook)
    # Without the Message Content intent the bot sees this one's text blanked, and stays quiet.
    await fake_discord.send_message("who played Lermontov?")
    asked = await fake_discord.send_message(f"<@{BOT_ID}> who played Lermontov?")
    reply = await fake_discord.wait_for(lambda r: r.route == MESSAGES, within=DISCORD_WINDOW)
    assert actor.name in reply.body["content"]
    assert str(reply.body["message_reference"]["message_id"]) == asked["id"]
    assert reply.body["allowed_mentions"]["parse"] == []
    assert not reply.body["allowed_mentions"].get("replied_user")
    assert reply.params["channel_id"] == str(CHANNEL_ID)
    assert len(fake_discord.requests_to(MESSAGES)) == 1


async def test_ask_lermontov_on_a_message_answers_it_and_repeats_none_of_it(
    fake_discord: FakeDiscord, bot: RedShoesBot, lorebook: Lorebook
) -> None:
    actor = lermontovs_actor(lorebook)
    asked = "who played Lermontov? @everyone [discord.com](https://elsewhere.example) discord.gg/x"
    target = fake_discord.member_message(asked, person=MODERATOR)
    answer = await ask(fake_discord, fake_discord.message_menu("Ask Lermontov", target))
    assert answer.body["type"] == 5  # "thinking…", then the answer as a follow-up
    said = await fake_discord.wait_for(lambda r: r.route == FOLLOWUP, within=DISCORD_WINDOW)
    content = said.body["content"]
    assert actor.name in content
    assert target["id"] in content  # the question is pointed at by its link
    assert content.count("://") == 1  # the link to the message, and nothing of the member's
    assert "](" not in content and "discord.gg/" not in content and "@everyone" not in content
    assert said.body["allowed_mentions"]["parse"] == []
    assert not said.body.get("flags", 0) & EPHEMERAL


async def test_leaving_a_server_drops_its_cached_view(
    fake_discord: FakeDiscord, bot: RedShoesBot
) -> None:
    await ask(fake_discord, fake_discord.slash("character", name="vicky"))
    assert GUILD_ID in bot.library.views
    await fake_discord.dispatch_many([("GUILD_DELETE", {"id": str(GUILD_ID)})])
    for _ in range(100):
        if GUILD_ID not in bot.library.views:
            break
        await asyncio.sleep(0.01)
    assert GUILD_ID not in bot.library.views
    assert bot.get_guild(GUILD_ID) is None
