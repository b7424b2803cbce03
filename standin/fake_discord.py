"""A local stand-in for Discord: just enough REST API and gateway for the unmodified discord.py.

Why it exists: unit tests drive our handlers directly; this serves the real client over real
sockets on 127.0.0.1, so login, command sync, the gateway's compression and heartbeats, resumes
and the HTTP answers to interactions all go through discord.py exactly as against Discord.

Every knob, in one place
------------------------
Pointing discord.py at the stand-in (two class attributes, restored on exit):
    ``with discord.pointed_at():`` sets ``discord.http.Route.BASE`` (every REST call, webhooks
    and interaction callbacks included, is built from it) and
    ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (a non-sharded client connects there
    without asking ``/gateway/bot``; an ``AutoShardedClient`` asks and gets the same URL).
    Resumes go to READY's ``resume_gateway_url`` (``/gateway-resume``), as Discord asks.
Client options the tests pass (plain discord.py keywords, nothing patched):
    ``guild_ready_timeout`` (seconds discord.py waits for more GUILD_CREATEs before
    ``on_ready``; 2 s by default, the tests use 0.05).
``FakeDiscord(...)`` keywords:
    ``token``                the bot token it accepts (``TOKEN`` by default; others get 401).
    ``heartbeat_interval``   seconds announced in HELLO (41.25 like Discord).
    ``validate``             check every request body against Discord's OpenAPI description
                             and answer 400 "Invalid Form Body" like Discord when it breaks it;
                             the breaches are kept in ``invalid`` (tests assert it is empty).
                             By default: when the description is found (see ``openapi.py``).
    ``record``               keep every request in ``requests`` (the benchmark turns it off so
                             memory stays flat over 10,000 interactions).
    ``lifetime``             seconds after which the server closes itself even if a test
                             hangs (60 by default).
    ``backlog``              how many dispatches a session keeps for RESUME replays.
    ``shard_count``          shards the bot is asked to run (``/gateway/bot``); each shard's
                             session gets READY and GUILD_CREATE for the guilds it owns, and
                             a guild's events go to that shard only: ``(guild_id >> 22) %
                             shard_count``, Discord's rule.
    ``guilds``               the guild ids served (``GUILD_ID`` alone by default); each has
                             the same text channel, members and roles.
The world it serves (module constants): one guild ``GUILD_ID`` with a text channel
``CHANNEL_ID``, the bot ``BOT_ID`` (also the application id), a member ``MEMBER`` and a
moderator ``MODERATOR`` (Manage Server).

Driving it from a test
----------------------
``async with running(bot):`` logs the bot in, waits for ``on_ready`` and always closes it.
``await discord.interact(discord.slash("character", name="vicky"))`` sends an
INTERACTION_CREATE (several payloads go out as one burst) and returns the ids;
``await discord.callback(id)`` waits for the bot's answer (a ``Request``);
``discord.callbacks[id]`` holds every accepted answer (a second one gets Discord's 40060
"already acknowledged"), ``discord.sent_at[id]`` when the frame left the stand-in.
Builders: ``slash`` (options as keywords, or ``option``/``subcommand`` dicts),
``autocomplete(command, option, typed, under="subcommand")``, ``modal_submit(modal, {label:
value})`` answering a modal the bot sent, ``attachment`` + ``with_attachments`` for uploads
(served back from ``/attachments/...`` like Discord's CDN). ``send_message`` sends a
MESSAGE_CREATE, blanking its text as Discord does for a bot without the Message Content intent
unless it mentions the bot. ``wait_for(predicate)`` waits for any request; ``drop_gateway()``
cuts the websocket so the client must RESUME (dispatches sent meanwhile are replayed);
``gateway_ops`` lists the opcodes the client sent, in order; ``forget(ids)`` drops what is kept
about answered interactions. Another process points itself here with
``pointing_discord_py_at(port)`` (the benchmark's bot processes).
Compression: ``zlib-stream`` (what discord.py asks for unless ``zstandard`` is installed) or
none; anything else is refused and reported in ``invalid``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import yarl
from aiohttp import WSMsgType, web

from standin.openapi import body_errors, validating

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

API = "/api/v10"
TOKEN = "MTI3NzAwMDAwMDAwMDAwMDAx.GfAkE0.stand-in-token-not-a-real-one"
DISCORD_EPOCH_MS = 1_420_070_400_000
BOT_ID = 1_277_000_000_000_000_001
GUILD_ID = 1_277_000_000_000_000_100
CHANNEL_ID = 1_277_000_000_000_000_200
MANAGE_GUILD = 1 << 5
EVERYDAY_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15
# Discord's gateway opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_RECONNECT, OP_REQUEST_MEMBERS, OP_INVALID_SESSION, OP_HELLO, OP_ACK = 7, 8, 9, 10, 11


def _user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = _user(BOT_ID, "lermontov", bot=True)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in the guild, with the permissions Discord computes for them."""

    user: dict[str, Any]
    permissions: int

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def member(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
            "premium_since": None,
            "permissions": str(self.permissions),
        }


MEMBER = Person(_user(1_277_000_000_000_000_300, "vicky"), EVERYDAY_PERMISSIONS)
MODERATOR = Person(_user(1_277_000_000_000_000_301, "julian"), EVERYDAY_PERMISSIONS | MANAGE_GUILD)


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request the bot made, as the tests and the schema check need it."""

    method: str
    route: str  # the OpenAPI path template, e.g. /channels/{channel_id}/messages
    params: Mapping[str, str]
    query: Mapping[str, str]
    media_type: str
    body: Any
    at: float  # time.perf_counter() on arrival
    files: tuple[str, ...] = ()


@dataclass(eq=False)
class _Session:
    """A gateway session: survives a dropped socket so the client can RESUME it."""

    id: str
    intents: int
    backlog: deque[str]
    seq: int = 0
    socket: _Socket | None = None
    shard: int = 0


@dataclass(eq=False)
class _Socket:
    """One websocket connection; sends are serialised because zlib-stream is one stream."""

    ws: web.WebSocketResponse
    request: web.Request
    compressor: Any = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, frames: list[str]) -> list[float]:
        """Write `frames` in order; when each was handed to the network (perf_counter)."""
        written = []
        async with self.lock:
            for frame in frames:
                if self.ws.closed:
                    break
                if self.compressor is None:
                    await self.ws.send_str(frame)
                else:
                    data = self.compressor.compress(frame.encode())
                    await self.ws.send_bytes(data + self.compressor.flush(zlib.Z_SYNC_FLUSH))
                written.append(time.perf_counter())
        return written


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class FakeDiscord:
    """The stand-in server; use as ``async with FakeDiscord() as discord:``."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        heartbeat_interval: float = 41.25,
        validate: bool | None = None,
        record: bool = True,
        lifetime: float = 60.0,
        backlog: int = 2_000,
        shard_count: int = 1,
        guilds: tuple[int, ...] = (GUILD_ID,),
    ) -> None:
        self.token = token
        self.shard_count = shard_count
        self.guilds = guilds
        self.delivered: dict[int, int] = {}
        """The shard each interaction was dispatched to, by interaction id."""
        self.heartbeat_interval = heartbeat_interval
        self.validate = validating() if validate is None else validate
        self.record = record
        self.lifetime = lifetime
        self.backlog_size = backlog
        self.requests: list[Request] = []
        self.invalid: list[str] = []
        self.gateway_ops: list[int] = []
        self.commands: dict[str, dict[str, Any]] = {}  # name -> registered command
        self.callbacks: dict[int, list[Request]] = {}
        self.sent_at: dict[int, float] = {}
        self.port = 0
        self._sessions: dict[str, _Session] = {}
        self._session: _Session | None = None
        self._shards: dict[int, _Session] = {}
        self._waiting: dict[int, asyncio.Future[Request]] = {}
        self._originals: dict[str, dict[str, Any]] = {}
        self._token_owner: dict[str, int] = {}
        self._files: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._closing: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway-resume", self._gateway)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        for method, route, handler in self._routes():
            app.router.add_route(method, API + route, self._recorded(route, handler))
        app.router.add_route("*", API + "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(self.lifetime, self._expire)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def _expire(self) -> None:
        log.error("stand-in lifetime of %.0fs is over; closing it", self.lifetime)
        self._closing = asyncio.ensure_future(self.close())

    async def close(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        for session in self._sessions.values():
            if session.socket is not None:
                await session.socket.ws.close(code=1001)
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        for future in self._waiting.values():
            future.cancel()

    @property
    def gateway_url(self) -> str:
        return gateway_url(self.port)

    def pointed_at(self) -> contextlib.AbstractContextManager[None]:
        """Point discord.py at this server for the duration (see the module docstring)."""
        return pointing_discord_py_at(self.port)

    # ---------------------------------------------------------------- test API

    def snowflake(self) -> int:
        return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(self._ids) & 0x3FFFFF)

    def shard_of(self, guild_id: int) -> int:
        """The shard that owns a guild, by Discord's rule."""
        return (guild_id >> 22) % self.shard_count

    def slash(
        self,
        command: str,
        /,
        *options: dict[str, Any],
        person: Person = MEMBER,
        guild: int = GUILD_ID,
        **values: Any,
    ) -> dict[str, Any]:
        """An application-command interaction, options given as keywords (strings, ints...)."""
        listed = list(options) + [option(key, value) for key, value in values.items()]
        data = self._command_data(command, listed)
        return self.interaction(2, data, person=person, guild=guild)

    def member_message(self, content: str, *, person: Person = MEMBER) -> dict[str, Any]:
        """A message `person` posted in the channel (not dispatched): a message menu's target."""
        message = self._message(CHANNEL_ID, {"content": content}, author=person.user)
        return message | {"guild_id": str(GUILD_ID)}

    def message_menu(
        self, command: str, target: Mapping[str, Any], *, person: Person = MEMBER
    ) -> dict[str, Any]:
        """A message menu command used on `target`; Discord resolves the message with its text,
        Message Content intent or not."""
        known = self.commands.get(command, {})
        data = {
            "id": known.get("id", str(self.snowflake())),
            "name": command,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: dict(target)}},
        }
        return self.interaction(2, data, person=person)

    def autocomplete(
        self,
        command: str,
        focused: str,
        typed: str,
        /,
        *,
        under: str = "",
        person: Person = MEMBER,
        **values: Any,
    ) -> dict[str, Any]:
        """The interaction Discord sends while someone types into option `focused`;
        `under` names the subcommand ("edit", or "group sub") the option belongs to."""
        listed = [option(key, value) for key, value in values.items()]
        listed.append(option(focused, typed) | {"focused": True})
        names = under.split()
        for depth, name in reversed(list(enumerate(names))):
            kind = 1 if depth == len(names) - 1 else 2
            listed = [{"name": name, "type": kind, "options": listed}]
        return self.interaction(4, self._command_data(command, listed), person=person)

    def modal_submit(
        self, modal: Mapping[str, Any], changes: Mapping[str, str], *, person: Person = MODERATOR
    ) -> dict[str, Any]:
        """The submit of a modal the bot sent (its callback `data`): every text input keeps its
        pre-filled value unless `changes` gives a new one by the input's label. The layout the
        bot used (action rows, or labels) is mirrored, as Discord does."""

        def submitted(component: Mapping[str, Any], label: str) -> dict[str, Any]:
            if component["type"] == 4:
                value = changes.get(label or component.get("label", ""), component.get("value"))
                return {"type": 4, "custom_id": component["custom_id"], "value": value or ""}
            if component["type"] == 18:  # a label wrapping one input
                return {
                    "type": 18,
                    "component": submitted(component["component"], component["label"]),
                }
            children = [submitted(child, "") for child in component["components"]]
            return {"type": component["type"], "components": children}

        rows = [submitted(component, "") for component in modal["components"]]
        data = {"custom_id": modal["custom_id"], "components": rows}
        return self.interaction(5, data, person=person)

    def attachment(self, filename: str, content: bytes) -> dict[str, Any]:
        """An uploaded file, served from this stand-in (Discord's CDN) for the bot to read."""
        attachment_id = self.snowflake()
        self._files[f"{attachment_id}/{filename}"] = content
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"
        return {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(content),
            "url": url,
            "proxy_url": url,
            "content_type": "text/plain; charset=utf-8",
        }

    def _command_data(self, name: str, options: list[dict[str, Any]]) -> dict[str, Any]:
        """Command data naming a synced command by its id (an unknown name gets a fresh id)."""
        known = self.commands.get(name, {})
        data = {"id": known.get("id", str(self.snowflake())), "name": name, "type": 1}
        if "guild_id" in known:  # Discord names the guild only for guild-registered commands
            data["guild_id"] = known["guild_id"]
        return data | {"options": options}

    def interaction(
        self, kind: int, data: dict[str, Any], *, person: Person, guild: int = GUILD_ID
    ) -> dict[str, Any]:
        interaction_id = self.snowflake()
        return {
            "id": str(interaction_id),
            "application_id": str(BOT_ID),
            "type": kind,
            "data": data,
            "guild_id": str(guild),
            "channel_id": str(CHANNEL_ID),
            "channel": _channel(guild),
            "member": person.member(),
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": str(EVERYDAY_PERMISSIONS),
            "locale": "en-GB",
            "guild_locale": "en-GB",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    async def interact(self, *interactions: dict[str, Any]) -> list[int]:
        """Send INTERACTION_CREATEs (all in one burst) and return their ids."""
        ids = []
        loop = asyncio.get_running_loop()
        for payload in interactions:
            interaction_id = int(payload["id"])
            self._token_owner[payload["token"]] = interaction_id
            self._waiting[interaction_id] = loop.create_future()
            self.callbacks.setdefault(interaction_id, [])
            ids.append(interaction_id)
        for shard in dict.fromkeys(map(self._owner, interactions)):  # each to its guild's shard
            mine = [int(p["id"]) for p in interactions if self._owner(p) == shard]
            events = [("INTERACTION_CREATE", p) for p in interactions if self._owner(p) == shard]
            sent = await self.dispatch_many(events, shard)
            self.sent_at.update(zip(mine, sent, strict=True))
            self.delivered.update(dict.fromkeys(mine, shard))
        return ids

    def _owner(self, payload: Mapping[str, Any]) -> int:
        return self.shard_of(int(payload.get("guild_id", GUILD_ID)))

    async def callback(self, interaction_id: int, within: float = 3.0) -> Request:
        """The bot's first answer to an interaction, waiting at most `within` seconds."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._waiting[interaction_id]), within)
        except TimeoutError:
            raise AssertionError(
                f"no answer to interaction {interaction_id} within {within}s "
                f"(bodies Discord would refuse: {self.invalid[-3:]})"
            ) from None

    def forget(self, interaction_ids: list[int]) -> None:
        """Drop what is kept about answered interactions (the benchmark's flat memory)."""
        for interaction_id in interaction_ids:
            self._waiting.pop(interaction_id, None)
            self.callbacks.pop(interaction_id, None)
            self.sent_at.pop(interaction_id, None)
        self._token_owner = {t: i for t, i in self._token_owner.items() if i in self._waiting}
        self._originals.clear()

    async def send_message(self, content: str, *, person: Person = MEMBER) -> dict[str, Any]:
        """A MESSAGE_CREATE from `person`; the content is blanked as Discord does for a bot
        without the Message Content intent unless the message mentions it."""
        session = self._live_session()
        if not session.intents & INTENT_GUILD_MESSAGES:
            raise AssertionError("the bot did not ask for the GUILD_MESSAGES intent")
        mentions = [BOT_USER] if f"<@{BOT_ID}>" in content else []
        if not mentions and not session.intents & INTENT_MESSAGE_CONTENT:
            content = ""
        message = self._message(CHANNEL_ID, {"content": content}, author=person.user)
        message |= {"mentions": mentions, "guild_id": str(GUILD_ID), "member": person.member()}
        await self.dispatch_many([("MESSAGE_CREATE", message)])
        return message

    async def wait_for(self, predicate: Callable[[Request], bool], within: float = 3.0) -> Request:
        """The first recorded request matching `predicate`, waiting at most `within` seconds."""

        def found() -> Request | None:
            return next((request for request in self.requests if predicate(request)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        result = found()
        assert result is not None
        return result

    async def wait_gateway(self, op: int, count: int = 1, within: float = 3.0) -> None:
        """Wait until the client has sent opcode `op` at least `count` times."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self.gateway_ops.count(op) >= count), within
            )

    async def drop_gateway(self, *, abrupt: bool = True) -> None:
        """Cut the live websocket: `abrupt` kills the TCP connection without a close frame
        (a network failure); otherwise close with 4000, which Discord uses for "unknown error".
        Either way the session survives and dispatches sent meanwhile wait for the RESUME."""
        socket = self._live_session().socket
        assert socket is not None, "no websocket to drop"
        self._live_session().socket = None
        if abrupt:
            transport = socket.request.transport
            assert transport is not None
            transport.abort()
        else:
            await socket.ws.close(code=4000)

    def requests_to(self, route: str, method: str = "POST") -> list[Request]:
        return [r for r in self.requests if r.route == route and r.method == method]

    # ---------------------------------------------------------------- gateway

    def _live_session(self, shard: int | None = None) -> _Session:
        session = self._session if shard is None else self._shards.get(shard)
        assert session is not None, "the bot has not identified yet"
        return session

    async def dispatch_many(
        self, events: list[tuple[str, dict[str, Any]]], shard: int | None = None
    ) -> list[float]:
        """Send dispatches in order (kept for a RESUME) to `shard`'s session (by default the
        last one identified); when each left, or was queued while the client was away (it then
        arrives with the resume, as on Discord)."""
        session = self._live_session(shard)
        frames = []
        for event, data in events:
            session.seq += 1
            frame = json.dumps({"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data})
            session.backlog.append(frame)
            frames.append(frame)
        queued = time.perf_counter()
        written = [] if session.socket is None else await session.socket.send(frames)
        return written + [queued] * (len(frames) - len(written))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compression = request.query.get("compress")
        if compression not in (None, "zlib-stream"):
            self.invalid.append(f"the client asked for {compression}; the stand-in has zlib-stream")
            await ws.close(code=4000, message=b"the stand-in speaks zlib-stream only")
            return ws
        socket = _Socket(ws, request, zlib.compressobj() if compression else None)
        hello = {"op": OP_HELLO, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}}
        await socket.send([json.dumps(hello)])
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                break
            await self._on_gateway_message(socket, json.loads(message.data))
        return ws

    async def _on_gateway_message(self, socket: _Socket, message: dict[str, Any]) -> None:
        op: int = message["op"]
        data: Any = message.get("d")
        async with self._changed:
            self.gateway_ops.append(op)
            self._changed.notify_all()
        if op == OP_HEARTBEAT:
            await socket.send([json.dumps({"op": OP_ACK})])
        elif op == OP_IDENTIFY:
            await self._identify(socket, data)
        elif op == OP_RESUME:
            await self._resume(socket, data)
        elif op == OP_REQUEST_MEMBERS:
            session = self._live_session()
            session.socket = socket
            await self.dispatch_many([("GUILD_MEMBERS_CHUNK", _members_chunk(data))])

    async def _identify(self, socket: _Socket, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await socket.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = int(data.get("shard", [0, 1])[0])
        session = _Session(
            id=f"session-{next(self._ids)}",
            intents=int(data.get("intents", 0)),
            backlog=deque(maxlen=self.backlog_size),
            socket=socket,
            shard=shard,
        )
        self._sessions[session.id] = session
        self._session = self._shards[shard] = session
        owned = [guild for guild in self.guilds if self.shard_of(guild) == shard]
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(guild), "unavailable": True} for guild in owned],
            "session_id": session.id,
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway-resume",
            "application": {"id": str(BOT_ID), "flags": 0},
            "private_channels": [],
            "shard": data.get("shard", [0, 1]),
        }
        created = [("GUILD_CREATE", _guild(guild)) for guild in owned]
        await self.dispatch_many([("READY", ready), *created], shard)

    async def _resume(self, socket: _Socket, data: dict[str, Any]) -> None:
        session = self._sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await socket.send([json.dumps({"op": OP_INVALID_SESSION, "d": False})])
            return
        missed = [frame for frame in session.backlog if json.loads(frame)["s"] > data["seq"]]
        session.socket = socket
        self._session = self._shards[session.shard] = session
        await socket.send(missed)
        await self.dispatch_many([("RESUMED", {})])

    # ---------------------------------------------------------------- REST

    def _routes(self) -> list[tuple[str, str, Callable[[Request], Awaitable[web.Response]]]]:
        app = "/applications/{application_id}"
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        return [
            ("GET", "/users/@me", self._json(lambda _: BOT_USER)),
            ("GET", "/oauth2/applications/@me", self._json(lambda _: _application())),
            ("GET", "/applications/@me", self._json(lambda _: _application())),
            ("GET", "/gateway/bot", self._json(lambda _: self._gateway_bot())),
            ("PUT", app + "/commands", self._overwrite_commands),
            ("GET", app + "/commands", self._list_commands),
            ("PUT", app + "/guilds/{guild_id}/commands", self._overwrite_commands),
            ("GET", app + "/guilds/{guild_id}/commands", self._list_commands),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self._answer),
            ("POST", hook, self._followup),
            ("GET", hook + "/messages/@original", self._original),
            ("PATCH", hook + "/messages/@original", self._original),
            ("DELETE", hook + "/messages/@original", self._original),
            ("PATCH", hook + "/messages/{message_id}", self._edit_followup),
            ("DELETE", hook + "/messages/{message_id}", self._no_content),
            ("POST", "/channels/{channel_id}/messages", self._channel_message),
            ("POST", "/channels/{channel_id}/typing", self._no_content),
        ]

    def _recorded(
        self, route: str, handler: Callable[[Request], Awaitable[web.Response]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(http: web.Request) -> web.StreamResponse:
            arrived = time.perf_counter()
            media_type, body, files = await _read_body(http)
            request = Request(
                http.method,
                route,
                dict(http.match_info),
                dict(http.query),
                media_type,
                body,
                arrived,
                files,
            )
            if self.record:
                self.requests.append(request)
            needs_auth = not route.startswith(("/interactions", "/webhooks"))
            if needs_auth and http.headers.get("Authorization") != f"Bot {self.token}":
                return _error(401, 0, "401: Unauthorized")
            if self.validate and body is not None:
                errors = list(body_errors(route, http.method, media_type, body))
                if errors:
                    self.invalid.extend(errors)
                    return _error(400, 50035, "Invalid Form Body")
            response = await handler(request)
            async with self._changed:
                self._changed.notify_all()
            return response

        return handle

    async def _attachment(self, http: web.Request) -> web.Response:
        key = f"{http.match_info['attachment_id']}/{http.match_info['filename']}"
        if key not in self._files:
            return web.Response(status=404)
        return web.Response(body=self._files[key], content_type="text/plain", charset="utf-8")

    async def _not_found(self, http: web.Request) -> web.Response:
        self.invalid.append(f"{http.method} {http.path}: the stand-in does not serve this route")
        return _error(404, 0, "404: Not Found")

    @staticmethod
    def _json(
        build: Callable[[Request], Any],
    ) -> Callable[[Request], Awaitable[web.Response]]:
        async def respond(request: Request) -> web.Response:
            return _json_response(build(request))

        return respond

    def _gateway_bot(self) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit}

    async def _overwrite_commands(self, request: Request) -> web.Response:
        registered = []
        for command in request.body or []:
            known = self.commands.get(command["name"])
            command_id = known["id"] if known else str(self.snowflake())
            stored = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **command,
                "id": command_id,
                "application_id": str(BOT_ID),
                "version": command_id,
            }
            if "guild_id" in request.params:
                stored["guild_id"] = request.params["guild_id"]
            registered.append(stored)
        self.commands = {command["name"]: command for command in registered}
        return _json_response(registered)

    async def _list_commands(self, _: Request) -> web.Response:
        return _json_response(list(self.commands.values()))

    async def _answer(self, request: Request) -> web.Response:
        interaction_id = int(request.params["interaction_id"])
        answers = self.callbacks.setdefault(interaction_id, [])
        answers.append(request)
        waiting = self._waiting.get(interaction_id)
        if waiting is not None and not waiting.done():
            waiting.set_result(request)
        if len(answers) > 1:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        kind = (request.body or {}).get("type")
        data = (request.body or {}).get("data") or {}
        callback: dict[str, Any] = {
            "id": str(interaction_id),
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(int(data.get("flags", 0)) & 64),
        }
        result: dict[str, Any] = {"interaction": callback}
        if kind in (4, 5):
            message = self._message(CHANNEL_ID, data, interaction_id=interaction_id)
            self._originals[request.params["interaction_token"]] = message
            callback["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        return _json_response(result)

    async def _followup(self, request: Request) -> web.Response:
        interaction_id = self._token_owner.get(request.params["webhook_token"], 0)
        message = self._message(CHANNEL_ID, request.body or {}, interaction_id=interaction_id)
        return _json_response(message)

    async def _original(self, request: Request) -> web.Response:
        token = request.params["webhook_token"]
        original = self._originals.get(token)
        if original is None:
            return _error(404, 10008, "Unknown Message")
        if request.method == "DELETE":
            del self._originals[token]
            return web.Response(status=204)
        if request.method == "PATCH":
            original.update(request.body or {})
            original["edited_timestamp"] = _now_iso()
        return _json_response(original)

    async def _edit_followup(self, request: Request) -> web.Response:
        message = self._message(CHANNEL_ID, request.body or {}) | {
            "id": request.params["message_id"]
        }
        return _json_response(message)

    async def _channel_message(self, request: Request) -> web.Response:
        channel_id = int(request.params["channel_id"])
        return _json_response(self._message(channel_id, request.body or {}))

    @staticmethod
    async def _no_content(_: Request) -> web.Response:
        return web.Response(status=204)

    def _message(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        *,
        author: dict[str, Any] = BOT_USER,
        interaction_id: int | None = None,
    ) -> dict[str, Any]:
        message = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "type": 0 if interaction_id is None else 20,
            "content": body.get("content") or "",
            "author": author,
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": bool(body.get("tts", False)),
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "flags": int(body.get("flags") or 0),
        }
        if interaction_id is not None:
            message["interaction_metadata"] = {
                "id": str(interaction_id),
                "type": 2,
                "user": MEMBER.user,
                "authorizing_integration_owners": {"0": str(GUILD_ID)},
            }
        return message


def gateway_url(port: int) -> str:
    return f"ws://127.0.0.1:{port}/gateway"


@contextlib.contextmanager
def pointing_discord_py_at(port: int) -> Iterator[None]:
    """Point discord.py at a stand-in on `port`; the two class attributes are restored after.
    discord.py is imported here, by whoever points it, not by the stand-in itself: serving
    needs none of it, and a stand-in in a process of its own starts a second sooner."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = f"http://127.0.0.1:{port}{API}"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url(port))
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@contextlib.asynccontextmanager
async def running(
    client: discord.Client, start_within: float = 10.0
) -> AsyncIterator[discord.Client]:
    """Log `client` in, connect it, wait for on_ready; always close it on the way out."""
    task = asyncio.create_task(client.start(TOKEN))
    try:
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=start_within, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # the start-up failure, with its traceback
            raise AssertionError(f"the bot was not ready within {start_within}s")
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, timeout=5)


def option(name: str, value: Any, kind: int | None = None) -> dict[str, Any]:
    """One command option as Discord sends it; its type follows the Python value."""
    if kind is None:
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def with_attachments(interaction: dict[str, Any], *attachments: dict[str, Any]) -> dict[str, Any]:
    """`interaction` with uploaded files in its resolved data, where discord.py looks them up."""
    resolved = interaction["data"].setdefault("resolved", {}).setdefault("attachments", {})
    resolved.update({attachment["id"]: attachment for attachment in attachments})
    return interaction


def subcommand(name: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "type": 1, "options": [option(k, v) for k, v in values.items()]}


async def _read_body(http: web.Request) -> tuple[str, Any, tuple[str, ...]]:
    """The JSON body, or the `payload_json` part of a multipart upload with its file names."""
    media_type = http.content_type
    if not http.can_read_body:
        return media_type, None, ()
    if media_type == "multipart/form-data":
        form = await http.post()
        payload = form.get("payload_json")
        files = tuple(
            str(getattr(value, "filename", key))
            for key, value in form.items()
            if key != "payload_json"
        )
        return media_type, None if payload is None else json.loads(str(payload)), files
    return media_type, await http.json(), ()


def _json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with Discord's exact `Content-Type` (discord.py compares it without parameters)."""
    headers = {"Content-Type": "application/json"}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


def _error(status: int, code: int, message: str) -> web.Response:
    return _json_response({"code": code, "message": message}, status=status)


def _application() -> dict[str, Any]:
    return {
        "id": str(BOT_ID),
        "name": "Lermontov",
        "icon": None,
        "description": "The Red Shoes, in Lermontov's voice.",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": MODERATOR.user,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "interactions_endpoint_url": None,
        "bot": BOT_USER,
    }


def _channel(guild_id: int = GUILD_ID) -> dict[str, Any]:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "the-red-shoes",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def _guild(guild_id: int = GUILD_ID) -> dict[str, Any]:
    everyone = {
        "id": str(guild_id),
        "name": "@everyone",
        "permissions": str(EVERYDAY_PERMISSIONS),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    bot = Person(BOT_USER, EVERYDAY_PERMISSIONS)
    return {
        "id": str(guild_id),
        "name": "Ballet Lermontov",
        "icon": None,
        "owner_id": MODERATOR.user["id"],
        "roles": [everyone],
        "channels": [_channel(guild_id)],
        "members": [person.member() for person in (bot, MEMBER, MODERATOR)],
        "member_count": 3,
        "emojis": [],
        "stickers": [],
        "features": [],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "unavailable": False,
        "large": False,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-GB",
        "system_channel_flags": 0,
        "afk_timeout": 300,
        "description": None,
    }


def _members_chunk(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "guild_id": str(data.get("guild_id", GUILD_ID)),
        "members": [person.member() for person in (MEMBER, MODERATOR)],
        "chunk_index": 0,
        "chunk_count": 1,
        "nonce": data.get("nonce"),
    }
