"""The Discord stand-in in a process of its own, driven from the test's process over a pipe.

Why: in the test's own process the stand-in takes turns with the bot on one event loop (and,
on a busy machine, one core's share): dispatching a burst, compressing its frames, reading and
checking every answer against Discord's OpenAPI description all delay the bot's answers, so a
deadline test measured the two together. Here the stand-in has its own process, as Discord is
another machine; the bot (in the test's process) talks to it over 127.0.0.1 as before, and the
test asks the stand-in through this module what it saw. Times (`sent_at`, `Request.at`) are
the stand-in's own clock, both ends of a wait read by it.

The child is `python -m standin.discord_process`: it prints its port, then answers one JSON
line per JSON line on its stdin, a call of one of `CALLS` (a closed list: the test's side names
what it needs, nothing else of the stand-in is reachable).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

from standin.fake_discord import FakeDiscord, Request, option, pointing_discord_py_at

START_WITHIN = 30.0
"""Seconds the child may take to import discord.py and the OpenAPI description and listen."""
LINE_LIMIT = 64 * 1024 * 1024
"""Bytes one call or answer may take: a burst's payloads are one line."""


@dataclasses.dataclass(frozen=True)
class Answered:
    """How one interaction was answered: seconds from its dispatch leaving the stand-in to the
    first answer arriving, and how many answers it got (Discord accepts one)."""

    took: float
    answers: int


class DiscordProcess:
    """The test's side: the child's port (to point discord.py at) and what to ask it."""

    def __init__(self, child: asyncio.subprocess.Process, port: int) -> None:
        self.child = child
        self.port = port
        self._lock = asyncio.Lock()

    def pointed_at(self) -> AbstractContextManager[None]:
        """Point discord.py (in this process) at the child for the duration."""
        return pointing_discord_py_at(self.port)

    async def slashes(self, command: str, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One application-command interaction per set of option values, each naming the
        synced command (not yet sent)."""
        payloads: list[dict[str, Any]] = await self._call("slashes", command, values)
        return payloads

    async def interact(self, *interactions: dict[str, Any]) -> list[int]:
        """Send the interactions as one burst; their ids."""
        return [int(i) for i in await self._call("interact", list(interactions))]

    async def answered(self, ids: list[int], within: float) -> list[Answered]:
        """Each interaction's first answer (waited for, at most `within` seconds each)."""
        return [Answered(**a) for a in await self._call("answered", ids, within)]

    async def send_message(self, content: str) -> tuple[dict[str, Any], float]:
        """A member's MESSAGE_CREATE, and when the stand-in sent it (its clock)."""
        message, sent = await self._call("send_message", content)
        return message, float(sent)

    async def wait_for(self, route: str, within: float) -> Request:
        """The first request to `route`, waiting at most `within` seconds."""
        return _request(await self._call("wait_for", route, within))

    async def requests_to(self, route: str, method: str = "POST") -> list[Request]:
        return [_request(r) for r in await self._call("requests_to", route, method)]

    async def invalid(self) -> list[str]:
        """What the bot sent that Discord would have refused."""
        refused: list[str] = await self._call("invalid")
        return refused

    async def _call(self, name: str, *args: Any) -> Any:
        assert self.child.stdin is not None and self.child.stdout is not None
        async with self._lock:
            self.child.stdin.write(json.dumps({"call": name, "args": args}).encode() + b"\n")
            await self.child.stdin.drain()
            line = await self.child.stdout.readline()
        if not line:
            ended = self.child.returncode
            raise AssertionError(f"the Discord stand-in's process ended (exit {ended})")
        said = json.loads(line)
        if "error" in said:
            raise AssertionError(f"the Discord stand-in: {said['error']}")
        return said["result"]


@asynccontextmanager
async def discord_process() -> AsyncIterator[DiscordProcess]:
    """Start the child, wait for its port; always end it (and wait for it) on the way out."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "standin.discord_process",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=LINE_LIMIT,
    )
    try:
        assert child.stdout is not None
        port = await asyncio.wait_for(child.stdout.readline(), START_WITHIN)
        if not port:
            raise AssertionError(f"the Discord stand-in did not start (exit {await child.wait()})")
        yield DiscordProcess(child, int(port))
    finally:
        if child.returncode is None:
            child.terminate()
        await child.wait()


def _request(fields: dict[str, Any]) -> Request:
    return Request(**fields | {"files": tuple(fields["files"])})


# ---------------------------------------------------------------- the child's side


def _calls(server: FakeDiscord) -> dict[str, Callable[..., Awaitable[Any]]]:
    """What the test's side may ask, by name; every result is plain JSON."""

    async def slashes(command: str, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [server.slash(command, *(option(k, v) for k, v in o.items())) for o in values]

    async def interact(interactions: list[dict[str, Any]]) -> list[int]:
        return await server.interact(*interactions)

    async def answered(ids: list[int], within: float) -> list[dict[str, Any]]:
        firsts = await asyncio.gather(*(server.callback(i, within) for i in ids))
        return [
            {"took": first.at - server.sent_at[i], "answers": len(server.callbacks[i])}
            for i, first in zip(ids, firsts, strict=True)
        ]

    async def send_message(content: str) -> tuple[dict[str, Any], float]:
        sent = time.perf_counter()
        return await server.send_message(content), sent

    async def wait_for(route: str, within: float) -> dict[str, Any]:
        return dataclasses.asdict(await server.wait_for(lambda r: r.route == route, within))

    async def requests_to(route: str, method: str) -> list[dict[str, Any]]:
        return [dataclasses.asdict(r) for r in server.requests_to(route, method)]

    async def invalid() -> list[str]:
        return server.invalid

    return {
        "slashes": slashes,
        "interact": interact,
        "answered": answered,
        "send_message": send_message,
        "wait_for": wait_for,
        "requests_to": requests_to,
        "invalid": invalid,
    }


async def serve() -> None:
    """Serve the stand-in, print its port, answer calls until stdin closes (or it is ended)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with FakeDiscord() as server:
        calls = _calls(server)
        print(server.port, flush=True)
        while line := await reader.readline():
            asked = json.loads(line)
            try:
                said = {"result": await calls[asked["call"]](*asked["args"])}
            except (AssertionError, KeyError, TimeoutError) as error:
                said = {"error": f"{type(error).__name__}: {error}"}
            print(json.dumps(said), flush=True)


if __name__ == "__main__":
    asyncio.run(serve())
