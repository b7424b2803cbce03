"""The offline layer: payload shapes, control numbering, and what the recorder answers."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.offline.harness import Harness, HarnessError, controls
from bot.offline.payloads import Actor


def test_a_dm_actor_sends_a_user_and_a_server_actor_a_member_with_permissions():
    dm = Actor(guild_id=None).envelope(2, {"name": "film"})
    assert "member" not in dm and dm["user"]["id"] == "1001" and dm["channel"]["type"] == 1
    mod = Actor(moderator=True).envelope(2, {"name": "film"})
    perms = discord.Permissions(int(mod["member"]["permissions"]))
    assert perms.manage_guild and mod["guild_id"] == "2001"
    assert not discord.Permissions(
        int(Actor().envelope(2, {})["member"]["permissions"])
    ).manage_guild


def test_controls_number_buttons_then_select_options():
    message = {
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "custom_id": "a", "label": "A"},
                    {"type": 2, "url": "https://x", "label": "link"},
                ],
            },
            {
                "type": 1,
                "components": [
                    {
                        "type": 3,
                        "custom_id": "s",
                        "options": [{"label": "One", "value": "1"}, {"label": "Two", "value": "2"}],
                    }
                ],
            },
        ]
    }
    assert [(c.custom_id, c.label, c.value) for c in controls(message)] == [
        ("a", "A", None),
        ("s", "One", "1"),
        ("s", "Two", "2"),
    ]


async def test_subcommands_nest_their_options_and_reach_the_handler(harness: Harness):
    group = app_commands.Group(name="stage", description="Stage things.")
    seen: list[str] = []

    @group.command(description="Set a light.")
    async def light(interaction: discord.Interaction, colour: str, level: int) -> None:
        seen.append(f"{colour}:{level}")
        await interaction.response.send_message(
            "ok", allowed_mentions=discord.AllowedMentions.none()
        )

    harness.bot.tree.add_command(group)
    payload = harness.command_payload("stage light", {"colour": "red", "level": 3})
    assert payload["data"]["options"] == [
        {
            "name": "light",
            "type": 1,
            "options": [
                {"name": "colour", "type": 3, "value": "red"},
                {"name": "level", "type": 4, "value": 3},
            ],
        }
    ]
    exchange = await harness.run(payload)
    assert seen == ["red:3"]
    assert exchange.data["content"] == "ok"


async def test_unknown_commands_options_and_controls_are_clear_errors(harness: Harness):
    with pytest.raises(HarnessError, match="no command /encore"):
        harness.command_payload("encore", {})
    with pytest.raises(HarnessError, match="has no option colour"):
        harness.command_payload("film", {"colour": "red"})
    with pytest.raises(HarnessError, match="not sent anything"):
        harness.message()
    await harness.command("character", name="vicky-page")
    with pytest.raises(HarnessError, match="nothing to press"):
        harness.click_payload("99")


async def test_the_recorder_answers_followups_and_edits_like_discord(harness: Harness):
    async def no_wait(_seconds: float) -> None:
        return None

    harness.bot.get_cog("Lermontov").sleep = no_wait  # type: ignore[union-attr]
    exchange = await harness.command("lermontov", play=False)
    assert exchange.calls[0].url.startswith("/interactions/")
    followups = [c for c in exchange.calls if c.kind == "followup"]
    assert followups and all(c.url.startswith("/webhooks/1948/") for c in followups)
    assert all(int(m["id"]) > 0 for m in harness.recorder.messages.values())
