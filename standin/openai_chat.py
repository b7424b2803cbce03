"""A local OpenAI-compatible Chat Completions server, scripted per test or bench (no model
downloads here).

Each request is recorded; each answer is the next scripted `Step` (a body, a status, headers, a
delay), the last step repeating. `peak` is the most requests it held at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Step:
    body: Any
    """The JSON body (or raw text) to answer with, or a function of the request's JSON that
    returns it (a reply built from what was asked)."""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def completion(
    content: str | None, refusal: str | None = None, finish: str = "stop", tokens: int = 50
) -> dict[str, Any]:
    """A Chat Completions body with one choice, as OpenAI, Ollama and llama.cpp send it."""
    message = {"role": "assistant", "content": content, "refusal": refusal}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "standin",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": tokens - 10, "completion_tokens": 10, "total_tokens": tokens},
    }


class StandIn:
    def __init__(self) -> None:
        self.script: list[Step] = [Step(completion(""))]
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.busy = 0
        self.peak = 0
        self.base_url = ""

    def answer(self, *steps: Step) -> None:
        self.script = list(steps)

    async def handle(self, request: web.Request) -> web.Response:
        asked = await request.json()
        self.requests.append(asked)
        self.headers.append(dict(request.headers))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        self.busy += 1
        self.peak = max(self.peak, self.busy)
        try:
            await asyncio.sleep(step.delay)
        finally:
            self.busy -= 1
        body = step.body(asked) if callable(step.body) else step.body
        text = body if isinstance(body, str) else json.dumps(body)
        return web.Response(
            text=text, status=step.status, headers=step.headers, content_type="application/json"
        )

    @property
    def system_prompts(self) -> list[str]:
        return [r["messages"][0]["content"] for r in self.requests]


@asynccontextmanager
async def running() -> AsyncIterator[StandIn]:
    standin = StandIn()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", standin.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)  # a late reply still held is dropped
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    standin.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield standin
    finally:
        await runner.cleanup()
