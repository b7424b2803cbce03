"""The recording HTTP layer: channel message edits and deletes, and the bytes of uploads."""

from __future__ import annotations

import io

import discord

from bot.offline.harness import Harness
from bot.offline.recorder import Upload

NONE = discord.AllowedMentions.none()


async def test_a_channel_message_is_edited_and_deleted_like_discord(harness: Harness):
    channel = harness.bot.get_partial_messageable(3001)
    sent = await channel.send("First position.", allowed_mentions=NONE)
    edited = await sent.edit(content="Second position.", allowed_mentions=NONE)
    assert edited.id == sent.id and edited.content == "Second position."
    assert edited.edited_at is not None
    assert harness.recorder.messages[sent.id]["content"] == "Second position."
    await edited.delete()
    calls = harness.recorder.calls
    assert [(c.kind, c.method) for c in calls] == [
        ("message", "POST"),
        ("edit", "PATCH"),
        ("delete", "DELETE"),
    ]
    assert calls[1].url == calls[2].url == f"/channels/3001/messages/{sent.id}"
    assert sent.id not in harness.recorder.messages


async def test_an_uploaded_file_keeps_its_bytes_and_the_sender_its_position(harness: Harness):
    content = b"entries: []\n"
    fp = io.BytesIO(content)
    channel = harness.bot.get_partial_messageable(3001)
    await channel.send(file=discord.File(fp, filename="lore.yaml"), allowed_mentions=NONE)
    call = harness.recorder.calls[-1]
    assert call.files == (Upload("lore.yaml", content),)
    assert (call.payload or {})["attachments"][0]["filename"] == "lore.yaml"
