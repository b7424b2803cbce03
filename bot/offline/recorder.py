"""The recording HTTP layer: every request the bot makes is kept, and answered as Discord would.

discord.py sends interaction responses and follow-ups through a webhook adapter (a context
variable) and everything else through `HTTPClient.request`. Both are replaced here, in one
place (`install`), by subclasses that hand the request to a `Recorder` instead of the network.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

APPLICATION_ID = 1948
BOT_USER: dict[str, Any] = {
    "id": str(APPLICATION_ID),
    "username": "Lermontov",
    "discriminator": "0",
    "global_name": "Boris Lermontov",
    "avatar": None,
    "bot": True,
}

KINDS: dict[tuple[str, str], str] = {
    ("POST", "/interactions/{webhook_id}/{webhook_token}/callback"): "callback",
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"): "followup",
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): "edit",
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): "edit",
    ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): "fetch",
    ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): "delete",
    ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): "delete",
    ("POST", "/channels/{channel_id}/typing"): "typing",
    ("POST", "/channels/{channel_id}/messages"): "message",
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): "edit",
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"): "delete",
}
MESSAGE_CALLBACKS = frozenset({4, 5, 7})
WAIT_TIMEOUT = 5.0


@dataclass(frozen=True)
class Upload:
    """A file the bot attached to a request, with its bytes, so a caller can save or check it."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Call:
    """One request the bot made: what it was (`kind`), where to, the JSON and files it carried."""

    kind: str
    method: str
    url: str
    payload: dict[str, Any] | None
    interaction_id: int | None = None
    files: tuple[Upload, ...] = ()


@dataclass
class Origin:
    """What the recorder must know about an interaction to answer like Discord."""

    interaction_id: int
    token: str
    channel_id: int
    message_id: int | None = None


Listener = Callable[[Call], None]


@dataclass
class Recorder:
    """Keeps every call, the messages they created, and lets a caller wait for the next one."""

    calls: list[Call] = field(default_factory=list)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    listeners: list[Listener] = field(default_factory=list)
    _origins: dict[str, Origin] = field(default_factory=dict)
    _originals: dict[str, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None

    def snowflake(self) -> int:
        """A fresh id that sorts after everything so far, as Discord's do."""
        return discord.utils.time_snowflake(datetime.now(UTC)) + next(self._ids)

    def expect(self, origin: Origin) -> None:
        self._origins[origin.token] = origin

    def since(self, start: int) -> list[Call]:
        return self.calls[start:]

    async def wait_for(self, predicate: Callable[[Call], bool], start: int = 0) -> Call:
        """The first call from index `start` on that satisfies `predicate`, waiting if need be."""
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with asyncio.timeout(WAIT_TIMEOUT), self._changed:
            while True:
                for call in self.calls[start:]:
                    if predicate(call):
                        return call
                await self._changed.wait()

    async def handle(
        self,
        route: Route,
        payload: dict[str, Any] | None,
        token: str | None,
        files: tuple[Upload, ...] = (),
    ) -> Any:
        kind = KINDS.get((route.method, route.path), f"{route.method} {route.path}")
        origin = self._origins.get(token or "")
        call = Call(
            kind,
            route.method,
            route.url.removeprefix(Route.BASE),
            payload,
            origin.interaction_id if origin else None,
            files,
        )
        self.calls.append(call)
        for listener in self.listeners:
            listener(call)
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with self._changed:
            self._changed.notify_all()
        return self._answer(call, route, origin)

    def _answer(self, call: Call, route: Route, origin: Origin | None) -> Any:
        payload = call.payload or {}
        if call.kind == "callback" and origin is not None:
            return self._callback(payload, origin)
        if call.kind == "followup":
            return self._message(payload.get("data", payload), route_channel(origin, route))
        if call.kind == "message":
            return self._message(payload, int(route.channel_id or 0))
        message_id = self._message_id(call.url, origin)
        if message_id is None:
            return None
        if call.kind == "delete":
            self.messages.pop(message_id, None)
            return None
        if call.kind in {"edit", "fetch"}:
            message = self.messages.setdefault(
                message_id, message_payload({}, route_channel(origin, route), message_id)
            )
            if call.kind == "edit":
                message.update({k: v for k, v in payload.items() if k != "allowed_mentions"})
                message["edited_timestamp"] = datetime.now(UTC).isoformat()
            return message
        return None

    def _message_id(self, url: str, origin: Origin | None) -> int | None:
        """The message a webhook or channel URL names; None for an unknown interaction's."""
        tail = url.rsplit("/", 1)[-1]
        if tail != "@original":
            return int(tail) if tail.isdigit() else None
        if origin is None:
            return None
        return self._originals.setdefault(origin.token, self.snowflake())

    def _callback(self, payload: Mapping[str, Any], origin: Origin) -> dict[str, Any]:
        kind = payload["type"]
        data = payload.get("data") or {}
        answer: dict[str, Any] = {"interaction": {"id": str(origin.interaction_id), "type": 2}}
        if kind not in MESSAGE_CALLBACKS:
            answer["resource"] = {"type": kind}
            return answer
        if kind == 7 and origin.message_id is not None:
            message = self.messages.setdefault(
                origin.message_id, message_payload({}, origin.channel_id, origin.message_id)
            )
            message.update({k: v for k, v in data.items() if k != "allowed_mentions"})
        else:
            message_id = self._originals.setdefault(origin.token, self.snowflake())
            message = message_payload(data, origin.channel_id, message_id)
            self.messages[message_id] = message
        answer["interaction"]["response_message_id"] = message["id"]
        answer["interaction"]["response_message_loading"] = kind == 5
        answer["interaction"]["response_message_ephemeral"] = bool(data.get("flags", 0) & 64)
        answer["resource"] = {"type": kind, "message": message}
        return answer

    def _message(self, data: Mapping[str, Any], channel_id: int) -> dict[str, Any]:
        message = message_payload(data, channel_id, self.snowflake())
        self.messages[int(message["id"])] = message
        return message


def message_payload(
    data: Mapping[str, Any],
    channel_id: int,
    message_id: int,
    author: Mapping[str, Any] = BOT_USER,
) -> dict[str, Any]:
    """A message as Discord describes it: the bot's own (by default) or a member's."""
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": data.get("content") or "",
        "embeds": list(data.get("embeds") or []),
        "components": list(data.get("components") or []),
        "flags": data.get("flags", 0),
        "author": dict(author),
        "timestamp": datetime.now(UTC).isoformat(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "pinned": False,
    }
    if author is BOT_USER:
        message["application_id"] = str(APPLICATION_ID)
    return message


def route_channel(origin: Origin | None, route: Route) -> int:
    return origin.channel_id if origin else int(route.channel_id or 0)


def _json_of(payload: Any, multipart: Sequence[Mapping[str, Any]] | None) -> Any:
    """The JSON body of a request, whether sent plain or as `payload_json` in a multipart form."""
    if payload is not None or not multipart:
        return payload
    for part in multipart:
        if part.get("name") == "payload_json":
            return json.loads(part["value"])
    return None


def _files_of(multipart: Sequence[Mapping[str, Any]] | None) -> tuple[Upload, ...]:
    """The files of a multipart form, read without moving the sender's file position."""
    uploads = []
    for part in multipart or ():
        if "filename" not in part:
            continue
        value = part["value"]
        if isinstance(value, bytes):
            uploads.append(Upload(part["filename"], value))
            continue
        position = value.tell()
        uploads.append(Upload(part["filename"], value.read()))
        value.seek(position)
    return tuple(uploads)


class RecordingAdapter(AsyncWebhookAdapter):
    """Interaction responses, follow-ups and their edits go to the recorder, not to Discord."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.recorder = recorder

    async def request(
        self,
        route: Route,
        session: aiohttp.ClientSession,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        **_: Any,
    ) -> Any:
        token = route.webhook_token
        return await self.recorder.handle(
            route, _json_of(payload, multipart), token, _files_of(multipart)
        )


class RecordingHTTP(HTTPClient):
    """Every other REST call (typing, channel messages, ...) goes to the recorder."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(asyncio.get_running_loop())
        self.recorder = recorder

    async def request(self, route: Route, **kwargs: Any) -> Any:
        form = kwargs.get("form")
        return await self.recorder.handle(
            route, _json_of(kwargs.get("json"), form), None, _files_of(form)
        )


def install(client: discord.Client, recorder: Recorder) -> contextvars.Token[AsyncWebhookAdapter]:
    """Point `client` at the recorder: the one place where discord.py is rewired.

    Returns the context-variable token so the caller can restore the real adapter.
    """
    http = RecordingHTTP(recorder)
    client.http = http
    client._connection.http = http
    client._connection.user = discord.ClientUser(state=client._connection, data=BOT_USER)  # type: ignore[arg-type]
    client._connection.application_id = APPLICATION_ID
    return async_context.set(RecordingAdapter(recorder))
