"""/about: version, uptime, servers, lore entries and when loaded, this server's changes."""

from __future__ import annotations

from bot import __version__
from bot.offline.harness import Harness
from bot.offline.payloads import Actor


def _fields(exchange) -> dict[str, str]:
    return {f["name"]: f["value"] for f in exchange.data["embeds"][0]["fields"]}


async def test_about_shows_version_uptime_servers_lore_and_the_servers_changes(harness: Harness):
    bot = harness.bot
    exchange = await harness.command("about")
    fields = _fields(exchange)
    assert exchange.data["flags"] == 64
    assert fields["Version"] == __version__
    assert fields["Running since"].startswith(f"<t:{int(bot.started.timestamp())}:f>")
    assert fields["Servers"] == str(len(bot.guilds))
    loaded = int(bot.library.loaded.timestamp())
    assert fields["Lore entries"] == (
        f"{len(bot.library.shipped)}, loaded <t:{loaded}:f> (<t:{loaded}:R>)"
    )
    assert fields["This server's changes"] == "0 entries"
    assert exchange.data["content"].startswith("**About this bot**")


async def test_about_counts_what_the_server_changed_and_in_a_dm_leaves_it_out(harness: Harness):
    store = harness.bot.guild_store
    hidden = harness.bot.library.shipped.entries[0].id
    await store.hide(2001, hidden, base_revision=0, by=1)
    assert _fields(await harness.command("about"))["This server's changes"] == "1 entries"
    in_dm = _fields(await harness.command("about", actor=Actor(guild_id=None)))
    assert "This server's changes" not in in_dm
    assert in_dm["Version"] == __version__
