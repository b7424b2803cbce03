"""The discord.py bot: owns the server store, loads the lore and the cogs, syncs commands only
when they changed.

`RedShoesBot` is a `commands.Bot` used for its extension and cog machinery; every command is a
slash command, so no privileged intent is asked for (mentions, replies and DMs still arrive with
their text). The bot, not a cog, opens the guild store and closes it last, because several cogs
and the lore library share it. With `SHARD_COUNT`/`SHARD_IDS` set, the sharded variant lets
several processes share the servers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import random
import signal
import time
import traceback
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.config import Settings
from bot.definitions import definition
from bot.logs import configure_logging
from bot.lore.bulk import freeze_long_lived
from bot.lore.library import LoreLibrary
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.store.base import StorageError
from bot.lore.store.opening import open_guild_store, stores_exist
from bot.metrics import Metrics, MonitorServer
from bot.render.limits import CONTENT, clip
from bot.render.translator import LocaleTranslator
from bot.render.waits import wait_hint
from bot.render.words import Words, load_words

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.navigation",
    "bot.cogs.lookup",
    "bot.cogs.lermontov",
    "bot.cogs.help",
    "bot.cogs.lore_admin",
    "bot.cogs.trivia",
    "bot.cogs.chat",
    "bot.cogs.about",
)
"""Every cog the bot loads; a new capability adds one line here."""

SYNC_STATE = "command-sync.json"
SHUTDOWN_GRACE = 10.0
"""Seconds work in flight may take to finish after SIGTERM or SIGINT before the bot closes."""
STARTED = "started"
"""`Interaction.extras` key: when the tree first saw it (perf_counter), for the latency logged."""


def intents() -> discord.Intents:
    """Default intents without the privileged ones: slash commands need none of them."""
    chosen = discord.Intents.default()
    chosen.message_content = False
    chosen.members = False
    chosen.presences = False
    return chosen


async def reply(interaction: discord.Interaction[RedShoesBot], text: str, **extra: Any) -> None:
    """An ephemeral line to whoever acted, whether or not the interaction was answered yet."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, **extra)
    else:
        await interaction.response.send_message(text, ephemeral=True, **extra)


class Refusal(app_commands.CheckFailure):
    """A check that failed for a reason the user should read (shown after a refusing line):
    `key` names the reason's words in `bot/locales/`, so it is said in the member's language."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def words_for(interaction: discord.Interaction[RedShoesBot]) -> Words:
    """The fixed words of a reply in the language of whoever acted (their Discord's locale)."""
    return interaction.client.words[interaction.locale]


def lore_server(interaction: discord.Interaction[RedShoesBot]) -> int | None:
    """The server whose lore answers this interaction: the one it came from, if that server
    installed the bot. A member who installed the bot for themselves and uses it in a server the
    bot is not in (or in a DM) is answered from the shipped lore, and nothing is stored for it."""
    return interaction.guild_id if interaction.is_guild_integration() else None


class Closing(app_commands.CheckFailure):
    """An interaction that arrived after shutdown began: answered, not handled."""


@runtime_checkable
class WindsDown(Protocol):
    """A cog with long-lived work of its own (the quiz's games) to end cleanly on a graceful
    stop, within the shutdown's grace, while the connection is still open."""

    async def wind_down(self) -> None: ...


class RedShoesTree(app_commands.CommandTree["RedShoesBot"]):
    """The command tree, with one error handler for every slash command."""

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:
        """Every command and autocomplete passes here first: note when, for its log line, and
        keep its task, so a shutdown lets it finish; once shutting down, refuse it (answered)."""
        interaction.extras[STARTED] = time.perf_counter()
        bot = interaction.client
        if interaction.type is discord.InteractionType.autocomplete:
            bot.observe("autocomplete", _name_of(interaction))
        else:
            bot.track(asyncio.current_task())
        if bot.stopping:
            raise Closing()
        return True

    async def on_error(
        self, interaction: discord.Interaction[RedShoesBot], error: app_commands.AppCommandError
    ) -> None:
        await interaction.client.apologise(interaction, error)


class RedShoesBot(commands.Bot):
    """The bot: lore at `bot.library`, the server store at `bot.guild_store` (opened by
    `prepare()`, closed by `close()`), cogs from `EXTENSIONS`, one error handler."""

    tree: RedShoesTree
    library: LoreLibrary
    version = __version__
    """The installed package's version, for /about (cogs do not import the CLI's package)."""

    def __init__(self, settings: Settings, shipped: Lorebook | None = None, **extra: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            tree_cls=RedShoesTree,
            help_command=None,
            # The one place that keeps every message from pinging anyone: discord.py applies it to
            # each send, reply, follow-up and edit that does not pass its own (none of ours do).
            allowed_mentions=discord.AllowedMentions.none(),
            # Nothing reads the message cache: replies carry the message they answer, and every
            # button and form arrives as an interaction. Not keeping 1,000 messages saves memory.
            max_messages=None,
            **extra,
        )
        self.settings = settings
        self.rng = random.Random()
        self.words = load_words()
        """Every language's fixed words (`words_for(interaction)` picks the member's)."""
        self.started = discord.utils.utcnow()
        self.metrics = Metrics(lambda: self.library.reloads if hasattr(self, "library") else {})
        self.monitor: MonitorServer | None = None
        self.stopping = False
        """Set as shutdown begins: new work is refused and /healthz says 503 from then on."""
        self.in_flight: set[asyncio.Task[Any]] = set()
        """When this process started serving (/about shows the uptime)."""
        self._preloaded = shipped

    async def setup_hook(self) -> None:
        await self.serve_metrics()
        await self.prepare()
        await self.sync_commands()

    async def prepare(self) -> None:
        """Open the server store, load the lore (unless it was given) and every extension;
        nothing here talks to Discord."""
        self.guild_store = await open_guild_store(self.settings.database(), self.settings.data_dir)
        shipped = self._preloaded or load_lore(self.settings.lore_dir)
        self.library = LoreLibrary(
            shipped,
            self.guild_store,
            max_views=self.settings.view_cache_size,
            max_view_bytes=self.settings.view_cache_mb * 1024 * 1024,
        )
        await self.guild_store.subscribe(self.library)
        log.info("lore loaded: %d entries from %s", len(shipped), self.settings.lore_dir)
        await self.tree.set_translator(LocaleTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        freeze_long_lived()

    async def serve_metrics(self) -> None:
        """Start `/metrics` and `/healthz` on METRICS_HOST:METRICS_PORT, when a port is set."""
        if self.settings.metrics_port is None:
            return
        self.monitor = MonitorServer(self.metrics, self.healthy, self.refresh_gauges)
        await self.monitor.start(self.settings.metrics_host, self.settings.metrics_port)
        log.info("metrics on http://%s:%d/metrics", self.settings.metrics_host, self.monitor.port)

    def track(self, task: asyncio.Task[Any] | None) -> None:
        """Work a shutdown waits for (a command, a chat reply) until its task is done."""
        if task is not None:
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    def observe(self, kind: str, name: str) -> None:
        """Time the current task (an autocomplete, or a button, select or form's handler, each
        run in a task of its own) to its end, and count it: discord.py has no completion event
        for these as it has for commands. A component is work a shutdown waits for."""
        task = asyncio.current_task()
        if task is None:
            return
        started = time.perf_counter()
        if kind == "component":
            self.track(task)

        def done(_: asyncio.Task[Any]) -> None:
            self.metrics.latency.labels(kind).observe(time.perf_counter() - started)
            self.metrics.handled.labels(kind, name).inc()

        task.add_done_callback(done)

    async def shutdown(self, grace: float = SHUTDOWN_GRACE) -> None:
        """SIGTERM or SIGINT: refuse new work, let the work in flight finish (for at most
        `grace` seconds, including work that arrives meanwhile and is refused), then close."""
        if self.stopping:
            return
        self.stopping = True
        log.info("shutting down: %d in flight", len(self.in_flight))
        for cog in self.cogs.values():  # long-lived work (quiz games) ends cleanly, announced
            if isinstance(cog, WindsDown):
                self.track(asyncio.create_task(cog.wind_down()))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while (pending := self.in_flight - {asyncio.current_task()}) and loop.time() < deadline:
            await asyncio.wait(pending, timeout=deadline - loop.time())
        if pending:
            log.warning("closing with %d unfinished after %.0f s", len(pending), grace)
        await self.close()

    def healthy(self) -> bool:
        """Logged in and ready, lore loaded, store open, and not shutting down."""
        prepared = hasattr(self, "library") and hasattr(self, "guild_store")
        return prepared and self.is_ready() and not self.stopping

    def shard_latencies(self) -> list[tuple[int, float]]:
        """Heartbeat latency per shard (one shard here; the sharded bot reports each)."""
        return [(self.shard_id or 0, self.latency)]

    def refresh_gauges(self) -> None:
        """Set what is read rather than counted, just before a scrape."""
        self.metrics.servers.set(len(self.guilds))
        if hasattr(self, "library"):
            self.metrics.entries.set(len(self.library.shipped))
        for shard, seconds in self.shard_latencies():
            if math.isfinite(seconds):  # no heartbeat answered yet
                self.metrics.gateway.labels(str(shard)).set(seconds)

    async def command_hash(self, guild: discord.abc.Snowflake | None = None) -> str:
        """A digest of the command set as Discord would receive it (globals plus `guild`'s),
        translations included, so a changed translation is synced too."""
        scopes = [None] if guild is None else [None, guild]
        merged: dict[tuple[str, int], dict[str, Any]] = {}
        for scope in scopes:  # a server's copy of a global command replaces it, as in Discord
            for command in self.tree.get_commands(guild=scope):
                data = await definition(command, self.tree)
                merged[(str(data["name"]), int(data.get("type", 1)))] = data
        payload = [merged[key] for key in sorted(merged)]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def _sync_file(self) -> Path:
        return self.settings.data_dir / SYNC_STATE

    async def sync_commands(self) -> bool:
        """Sync to the dev server (instant) or globally, only if the commands changed, and only
        from one process: several processes sharing the shards would spend Discord's sync rate
        limit several times over for one change, so the process serving shard 0 syncs."""
        if not self.settings.syncs_commands():
            log.info("commands are synced by the process serving shard 0; not syncing")
            return False
        guild_id = self.settings.dev_guild_id
        scope = f"guild:{guild_id}" if guild_id else "global"
        guild = discord.Object(id=guild_id) if guild_id else None
        digest = await self.command_hash(guild)
        path = self._sync_file()
        try:
            state: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        if state.get(scope) == digest:
            log.info("commands unchanged since the last sync (%s); not syncing", scope)
            return False
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        state[scope] = digest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(state, indent=2), encoding="utf-8")
        log.info("synced %d commands (%s)", len(synced), scope)
        return True

    async def apologise(
        self, interaction: discord.Interaction[RedShoesBot], error: Exception
    ) -> None:
        """Log what went wrong with its traceback; tell the user, briefly and in character.
        A storage fault is the operator's to fix: one log line naming the file and the remedy."""
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        try:
            book = await self.library.book_for(lore_server(interaction))
        except StorageError:
            book = self.library.shipped
        words = words_for(interaction)
        if isinstance(error, app_commands.CommandOnCooldown):
            outcome = "cooldown"
            line = words.line(book, "cooldown", self.rng)
            text = f"{line}\n{wait_hint(error.retry_after, words)}"
        elif isinstance(error, Closing):
            outcome = "closing"
            text = f"{words.line(book, 'apology', self.rng)} {words('error.closing')}"
        elif isinstance(error, app_commands.CheckFailure):
            outcome = "refused"
            log.info("check failed for %s: %s", _name_of(interaction), error)
            text = words.line(book, "forbidden", self.rng)
            if isinstance(error, Refusal):
                text = clip(f"{text} {words(error.key)}", CONTENT)
        elif isinstance(cause, StorageError):
            outcome = "store_error"
            log.error("%s failed, storage fault: %s", _name_of(interaction), cause)
            line = words.line(book, "apology", self.rng)
            text = f"{line} {words('error.nothing_changed')}"
        else:
            outcome = "error"
            log.error(
                "interaction %s failed:\n%s",
                _name_of(interaction),
                "".join(traceback.format_exception(error.__cause__ or error)),
            )
            text = words.line(book, "apology", self.rng)
        try:
            await reply(interaction, text)
        except discord.HTTPException:
            log.exception("could not send the apology for %s", _name_of(interaction))
        self.record(interaction, outcome)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[RedShoesBot],
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        """discord.py's event after a command's handler returned without error."""
        self.record(interaction, "ok")

    def record(self, interaction: discord.Interaction[RedShoesBot], outcome: str) -> None:
        """Count a handled command and log its one line."""
        seconds = log_interaction(interaction, outcome)
        self.metrics.interactions.labels(_name_of(interaction), outcome).inc()
        if seconds is not None:
            self.metrics.latency.labels("command").observe(seconds)
        if outcome == "store_error":
            self.metrics.store_errors.inc()

    async def close(self) -> None:
        """Stop the client, then close the store (after the cogs that use it have unloaded);
        /healthz answers 503 from the start of this until its server stops, last."""
        self.stopping = True
        await super().close()
        if hasattr(self, "guild_store"):
            await self.guild_store.close()
        if self.monitor is not None:
            await self.monitor.stop()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions and DMs belong to the chat cog's listener."""

    async def on_guild_remove(self, guild: discord.Guild, /) -> None:
        """The bot left (or was removed from) a server: its cached view is never read again."""
        self.library.forget(guild.id)


def log_interaction(interaction: discord.Interaction[RedShoesBot], outcome: str) -> float | None:
    """The one INFO line per handled command: what, where, how it ended, how long it took
    (returned, in seconds, when known). What the person typed (the options) is content, so it is
    logged at DEBUG only."""
    started = interaction.extras.get(STARTED)
    seconds = time.perf_counter() - started if started is not None else None
    took = seconds * 1000 if seconds is not None else -1.0
    log.info(
        "interaction kind=%s command=%s guild=%s outcome=%s ms=%.1f",
        interaction.type.name,
        _name_of(interaction),
        interaction.guild_id or "-",
        outcome,
        took,
    )
    log.debug("interaction %s options=%s", interaction.id, interaction.data)
    return seconds


def _name_of(interaction: discord.Interaction[RedShoesBot]) -> str:
    command = interaction.command
    return f"/{command.qualified_name}" if command else f"interaction {interaction.id}"


class ShardedRedShoesBot(RedShoesBot, commands.AutoShardedBot):
    """The same bot over several shards, when one process is not enough."""

    def __init__(self, settings: Settings, shipped: Lorebook | None = None) -> None:
        super().__init__(
            settings,
            shipped,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
        )

    def shard_latencies(self) -> list[tuple[int, float]]:
        return list(self.latencies)


def create_bot(settings: Settings, shipped: Lorebook | None = None) -> RedShoesBot:
    """The bot for these settings: sharded when a shard count or ids are configured.
    `shipped` skips reading LORE_DIR (tests and benchmarks load the lore once)."""
    if settings.shard_count or settings.shard_ids:
        return ShardedRedShoesBot(settings, shipped)
    return RedShoesBot(settings, shipped)


async def check_storage(settings: Settings) -> None:
    """Open the database once and close it: a damaged or newer one stops the start with
    `StorageError` (one line, exit 2) before Discord is contacted."""
    await (await open_guild_store(settings.database(), settings.data_dir)).close()


async def serve(bot: RedShoesBot, token: str) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully (`RedShoesBot.shutdown`)."""
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []  # held, so the task is not collected mid-way
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(
            signal_number, lambda: stopping.append(loop.create_task(bot.shutdown()))
        )
    async with bot:
        await bot.start(token)
    await asyncio.gather(*stopping)


def run_bot(settings: Settings) -> int:
    """Serve Discord until stopped; 1, with a one-line reason, when the token is unusable."""
    problem = settings.token_problem()
    if problem:
        log.error("cannot start: %s", problem)
        return 1
    assert settings.discord_token is not None
    if stores_exist(settings.database(), settings.data_dir):  # a new file is made after login
        asyncio.run(check_storage(settings))  # a damaged or newer one: StorageError, no login
    configure_logging(settings)
    # The bot never joins voice: discord.py's warnings about missing voice libraries are noise.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    bot = create_bot(settings, load_lore(settings.lore_dir))  # bad lore: refused before login
    try:
        asyncio.run(serve(bot, settings.discord_token.get_secret_value().strip()))
    except discord.LoginFailure:
        log.error("cannot start: Discord refused the token (reset it in the Developer Portal)")
        return 1
    except (aiohttp.ClientConnectionError, OSError) as error:
        log.error("cannot start: Discord cannot be reached (%s); check the network", error)
        return 1
    return 0
