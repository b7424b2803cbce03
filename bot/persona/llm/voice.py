"""The model's turn: ask it, check what it said, and fall back to the offline answer otherwise.

Any OpenAI-compatible Chat Completions server (OpenAI, Ollama, llama.cpp's server, vLLM) through
the maintained `openai` async client, with no retries: a reply that is not here within the timeout
is of no use to a member who is waiting. A 429 pauses the model for as long as it asks; at most
`max_concurrent` requests are out at once (others get the offline answer at once); each server
has a daily token budget. Every fallback is one DEBUG line with its reason, never the key.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import openai
from openai import AsyncOpenAI

from bot.lore.lorebook import Lorebook
from bot.persona.chat import Reply
from bot.persona.llm.check import Grounds, Refused, check
from bot.persona.llm.options import LlmOptions
from bot.persona.llm.prompt import (
    Passage,
    briefing,
    messages,
    passages,
    persona_lines,
    system_prompt,
)
from bot.persona.llm.reply import VoicedReply, Waiting, fell_back
from bot.persona.voice import MAX_ANSWER, compose

CHANNELS = 10_000
"""Channels whose last exchanges are remembered (least recently used forgotten first)."""
MAX_TOKENS = 400
PERSONA = ""
"""The key of his persona lines' grounds beside the passages' (no entry id is empty)."""


@dataclass
class Known:
    """What every request about one lorebook shares, worked out on its first request and kept
    with the book: the system prompt's briefing (his persona lines, read from the lore) and what
    the checker reads in his lines and in each passage given so far."""

    briefing: str
    grounds: dict[str, Grounds] = field(default_factory=dict)


class LlmVoice:
    """One per bot: the client, the caps, the budgets and each channel's recent exchanges."""

    def __init__(
        self,
        options: LlmOptions,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], datetime.date] = lambda: datetime.datetime.now(datetime.UTC).date(),
    ) -> None:
        self.options = options
        self.client = AsyncOpenAI(
            base_url=options.base_url,
            api_key=options.api_key or "unused",
            timeout=options.timeout,
            max_retries=0,
            # aiohttp (already the bot's, through discord.py) as the transport: less work per
            # request than the default one, and every request is on the member's clock.
            http_client=openai.DefaultAioHttpClient(),
        )
        # Absolute: the client then parses no path to join to its base URL on every request.
        self.url = f"{self.client.base_url}chat/completions"
        self.clock = clock
        self.today = today
        self.in_flight = 0
        self.resume_at = 0.0
        self.spent: dict[Hashable, int] = {}
        self.spent_on = today()
        self.history: OrderedDict[Hashable, deque[tuple[str, str]]] = OrderedDict()
        self.known: WeakKeyDictionary[Lorebook, Known] = WeakKeyDictionary()

    async def close(self) -> None:
        """Close the client's connections (the chat cog does it when it unloads)."""
        await self.client.close()

    async def phrase(
        self,
        book: Lorebook,
        text: str,
        offline: Reply,
        channel: Hashable,
        guild: Hashable,
        waiting: Waiting = nullcontext,
    ) -> VoicedReply:
        """The model's checked reply to `text`, or `offline` with why it was used instead;
        `waiting` is shown only while the model is asked, never for an answer given at once."""
        given = passages(book, offline.sources)
        if not given:
            return fell_back(offline, "no lore to give")
        if self.today() != self.spent_on:
            self.spent, self.spent_on = {}, self.today()
        refused = self._refused(guild)
        if refused:
            return fell_back(offline, refused)
        known = self._known(book)
        system = system_prompt(known.briefing, given)
        sent = messages(system, self.history.get(channel, ()), text)
        self.in_flight += 1
        try:
            # The timeout covers showing `waiting` too: the member never waits longer than it.
            async with asyncio.timeout(self.options.timeout), waiting():
                said, tokens = await self._ask(sent)
            self.spent[guild] = self.spent.get(guild, 0) + tokens
            checked = check(said, [p.id for p in given], _grounds(known, given), MAX_ANSWER)
        except Refused as reason:
            return fell_back(offline, str(reason))
        except TimeoutError:
            return fell_back(offline, "timeout")
        except openai.APIConnectionError as error:
            return fell_back(offline, _unreached(error))
        except openai.RateLimitError as error:
            self.resume_at = self.clock() + _retry_after(error.response.headers.get("retry-after"))
            return fell_back(offline, "rate limited (429)")
        except openai.APIStatusError as error:
            return fell_back(offline, f"server error ({error.status_code})")
        except (openai.APIError, ValueError, LookupError, AttributeError, TypeError) as error:
            return fell_back(offline, f"malformed reply ({type(error).__name__})")
        finally:
            self.in_flight -= 1
        self._remember(channel, text, checked.text)
        cited = [e for i in checked.cited if (e := book.get(i)) is not None]
        return VoicedReply(
            compose([checked.text], cited), list(checked.cited), offline.confidence, "llm"
        )

    def _known(self, book: Lorebook) -> Known:
        """This book's briefing and grounds, read on its first request and kept with it (a
        reload or a server's own view is a new book; a book no longer used is forgotten with
        them)."""
        known = self.known.get(book)
        if known is None:
            known = self.known[book] = Known(briefing(book))
            known.grounds[PERSONA] = Grounds.of(persona_lines(book))
        return known

    def _refused(self, guild: Hashable) -> str | None:
        """Why the model is not asked at all this time, if it is not."""
        if self.clock() < self.resume_at:
            return "rate limited (waiting out retry-after)"
        if self.in_flight >= self.options.max_concurrent:
            return "busy (concurrency cap)"
        if self.spent.get(guild, 0) >= self.options.daily_tokens:
            return "daily token budget spent"
        return None

    async def _ask(self, sent: list[dict[str, str]]) -> tuple[str, int]:
        """The model's text and the tokens it cost; `Refused` for a refusal or nothing said.

        Posted through the client's own `post` (same errors, same connection pool, same
        headers) rather than `chat.completions.create`, which walks every message against its
        typed parameters on each call (about 40 % of the client's CPU per request, measured);
        the body as the JSON we encode (the client's own encoding of a dict costs more), to the
        absolute URL; read back as the plain JSON the client decoded (`cast_to=object`) rather
        than built into its typed `ChatCompletion`: we read four fields of it."""
        body = {"model": self.options.model, "messages": sent, "max_tokens": MAX_TOKENS}
        content = json.dumps(body | {"temperature": 0.3}, ensure_ascii=False).encode()
        completion = await self.client.post(self.url, content=content, cast_to=object)
        said, tokens = _read(completion)
        if tokens is not None:
            return said, tokens
        # A server that reports no usage: about four characters a token.
        return said, (sum(len(m["content"]) for m in sent) + len(said)) // 4

    def _remember(self, channel: Hashable, asked: str, answered: str) -> None:
        kept = self.history.get(channel) or deque(maxlen=self.options.history)
        kept.append((asked, answered))
        self.history[channel] = kept
        self.history.move_to_end(channel)
        while len(self.history) > CHANNELS:
            self.history.popitem(last=False)


def _grounds(known: Known, given: list[Passage]) -> list[Grounds]:
    """What the reply may name: his persona lines and the passages it was given, each passage
    read the first time it is given and kept with the book's other grounds."""
    for passage in given:
        if passage.id not in known.grounds:
            known.grounds[passage.id] = Grounds.of([passage.text])
    return [known.grounds[PERSONA], *(known.grounds[p.id] for p in given)]


def _read(completion: Any) -> tuple[str, int | None]:
    """The first choice's text and the tokens reported (None when the server reports none)
    of a Chat Completions body; `Refused` for no choice or a refusal. A body of another shape
    raises TypeError, KeyError or IndexError (a malformed reply)."""
    if not isinstance(completion, dict):
        raise TypeError(type(completion).__name__)
    if not completion["choices"]:
        raise Refused("empty reply (no choices)")
    choice = completion["choices"][0]
    message = choice["message"]
    if message.get("refusal") or choice.get("finish_reason") == "content_filter":
        raise Refused("refusal")
    said = message.get("content") or ""
    if not isinstance(said, str):
        raise TypeError(type(said).__name__)
    usage = completion.get("usage")
    return said, int(usage["total_tokens"]) if usage else None


def _unreached(error: openai.APIConnectionError) -> str:
    """Why the model could not be reached, from the first cause (the transport's own mapping
    calls a refused connection a connect timeout): a timeout, or e.g. a refused connection."""
    root: BaseException = error
    while root.__cause__ is not None:
        root = root.__cause__
    if isinstance(root, TimeoutError) or root is error:
        return "timeout" if isinstance(error, openai.APITimeoutError) else "unreachable"
    return f"unreachable ({type(root).__name__})"


def _retry_after(header: str | None) -> float:
    try:
        return max(0.0, float(header)) if header else 1.0
    except ValueError:
        return 1.0
