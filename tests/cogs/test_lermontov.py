"""/lermontov: the replay (typing, pauses), one scene per channel, cooldown, the audition."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cogs.lermontov import COOLDOWN
from bot.offline.harness import Harness
from bot.offline.payloads import Actor
from tests.conftest import the_audition

NONE: dict[str, list[str]] = {"parse": []}


class Clock:
    """Unix time that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cog(harness: Harness) -> Any:
    """The cog with pauses recorded instead of slept, and a clock the test moves."""
    lermontov = harness.bot.get_cog("Lermontov")
    lermontov.pauses = []  # type: ignore[union-attr]

    async def sleep(seconds: float) -> None:
        lermontov.pauses.append(seconds)  # type: ignore[union-attr]

    lermontov.sleep = sleep  # type: ignore[union-attr]
    lermontov.clock = Clock()  # type: ignore[union-attr]
    return lermontov


async def test_replay_sends_each_line_with_typing_and_the_lore_pauses(harness, cog, lorebook):
    dialogue = the_audition(lorebook)
    exchange = await harness.command("lermontov")
    assert exchange.response == {
        "type": 4,
        "data": {"tts": False, "content": f"*{dialogue.context}*", "allowed_mentions": NONE},
    }
    kinds = [c.kind for c in exchange.calls]
    assert kinds == ["callback"] + ["typing", "followup"] * len(dialogue.lines)
    sent = [p["content"] for p in exchange.of("followup")]
    names = {e.id: e.name for e in lorebook.entries}
    assert sent == [f"**{names[ln.speaker]}:** {ln.line}" for ln in dialogue.lines]
    assert all(p["allowed_mentions"] == NONE for p in exchange.of("followup"))
    assert cog.pauses == [ln.pause for ln in dialogue.lines]
    assert sent[0].endswith("Why do you want to dance?")


async def test_a_user_waits_out_the_cooldown(harness, cog, lorebook):
    await harness.command("lermontov")
    again = await harness.command("lermontov")
    line, wait = again.response["data"]["content"].split("\n")
    assert line in lorebook.persona("cooldown")
    assert wait == "(You may ask again in 30 seconds.)"
    cog.clock.now += COOLDOWN - 1
    assert "again in 1 second." in (await harness.command("lermontov")).data["content"]
    cog.clock.now -= COOLDOWN - 1
    assert again.response["data"]["flags"] == 64
    assert [c.kind for c in again.calls] == ["callback"]
    other = await harness.command("lermontov", actor=Actor(user_id=4242))
    assert len(other.of("followup")) == len(the_audition(lorebook).lines)
    cog.clock.now += COOLDOWN + 0.1
    later = await harness.command("lermontov")
    assert len(later.of("followup")) == len(the_audition(lorebook).lines)


def voiced(book, purpose, name="Vicky"):
    return [line.replace("{name}", name) for line in book.persona(purpose)]


async def _answer(harness: Harness, text: str):
    form = await harness.click("Answer as Vicky")
    modal = form.response["data"]
    field = modal["components"][0]["components"][0]["custom_id"]
    return await harness.run(harness.submit_payload(modal["custom_id"], {field: text}))


async def _start_audition(harness: Harness):
    pending = harness.dispatch(harness.command_payload("lermontov", {"play": True}))
    await harness.recorder.wait_for(lambda c: c.kind == "callback", pending.start)
    return pending


async def test_one_scene_per_channel_at_a_time(harness, cog, lorebook):
    pending = await _start_audition(harness)
    busy = await harness.command("lermontov", actor=harness.actor.as_user(77))
    assert busy.response["data"]["content"] in lorebook.persona("busy")
    assert busy.response["data"]["flags"] == 64
    elsewhere = harness.actor.as_user(78)
    elsewhere = type(elsewhere)(**{**elsewhere.__dict__, "channel_id": 9999})
    other_channel = await harness.command("lermontov", actor=elsewhere)
    assert other_channel.response["type"] == 4
    assert "flags" not in other_channel.response["data"]
    await _answer(harness, "I must.")
    await pending.done()


async def test_playing_vicky_in_her_spirit_earns_the_films_reply(harness, cog, lorebook):
    pending = await _start_audition(harness)
    question = pending.so_far().response["data"]
    assert question["content"].startswith("**Boris Lermontov:** Why do you want to dance?")
    assert question["components"][0]["components"][0]["label"] == "Answer as Vicky"

    refused = await harness.click("Answer as Vicky", actor=harness.actor.as_user(55))
    assert refused.response["data"]["content"] in lorebook.persona("not_yours")

    form = await harness.click("Answer as Vicky")
    assert form.response["type"] == 9
    modal = form.response["data"]
    assert modal["title"] == "The audition"
    field = modal["components"][0]["components"][0]
    answered = await harness.run(
        harness.submit_payload(modal["custom_id"], {field["custom_id"]: "Why do you want to live?"})
    )
    reply = answered.response["data"]
    assert answered.response["type"] == 4
    assert reply["allowed_mentions"] == NONE
    lines = reply["content"].split("\n")
    assert lines[0] == "**Vicky:** Why do you want to live?"
    assert lines[1] == "**Boris Lermontov:** Well, I don't know exactly why, but... I must."
    assert lines[2] in voiced(lorebook, "approval")
    done = await pending.done()
    assert done.of("edit")[-1]["components"] == []


async def test_an_answer_in_another_spirit_gets_a_verdict(harness, cog, lorebook):
    pending = await _start_audition(harness)
    answered = await _answer(harness, "For the applause.")
    verdict = answered.response["data"]["content"].split("\n", 1)[1]
    assert verdict.removeprefix("**Boris Lermontov:** ") in voiced(lorebook, "verdict")
    await pending.done()


async def test_silence_ends_the_audition_politely(harness, cog, lorebook):
    cog.answer_timeout = 0.01
    exchange = await harness.command("lermontov", play=True)
    assert [c.kind for c in exchange.calls] == ["callback", "followup", "edit"]
    timeout = exchange.of("followup")[0]["content"].removeprefix("**Boris Lermontov:** ")
    assert timeout in voiced(lorebook, "timeout")
    assert exchange.of("edit")[0]["components"] == []
    late = await harness.run(harness.submit_payload("nothing-open", {"answer": "too late"}))
    assert late.calls == ()
    again = await harness.command("lermontov", actor=harness.actor.as_user(66))
    assert again.response["type"] == 4


async def test_a_members_answer_is_posted_without_live_links_or_invites(harness, cog, lorebook):
    pending = await _start_audition(harness)
    hostile = "[discord.com](https://evil.example/login) join discord.gg/abc \u202eecnad"
    answered = await _answer(harness, hostile)
    echoed = answered.response["data"]["content"].split("\n", 1)[0]
    assert echoed == (
        "**Vicky:** \\[discord.com](`https://evil.example/login`) join `discord.gg/abc` ecnad"
    )
    assert answered.response["data"]["allowed_mentions"] == {"parse": []}
    await pending.done()
