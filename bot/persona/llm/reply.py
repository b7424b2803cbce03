"""A chat reply and who phrased it, and the one path every caller takes to get one.

Kept apart from the model's client (`bot.persona.llm.voice`), whose library takes seconds to
import: with no model configured, nothing of it is loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.lore.lorebook import Lorebook
from bot.persona.chat import Answerer, Reply
from bot.persona.llm.options import LlmOptions

if TYPE_CHECKING:
    from bot.persona.llm.voice import LlmVoice

log = logging.getLogger(__name__)

Waiting = Callable[[], AbstractAsyncContextManager[object]]
"""What to show while the model is asked (the chat cog's typing indicator); only then."""


@dataclass(frozen=True)
class VoicedReply(Reply):
    """A reply, and who phrased it: `llm`, or `offline` with the reason it fell back (if any)."""

    backend: str = "offline"
    fallback: str | None = None

    def labels(self) -> dict[str, str]:
        """What `--json` adds to a reply: the backend, and why it fell back if it did."""
        return {"backend": self.backend} | ({"fallback": self.fallback} if self.fallback else {})


def fell_back(offline: Reply, reason: str) -> VoicedReply:
    log.debug("llm fallback reason=%s", reason)
    return VoicedReply(offline.answer, offline.sources, offline.confidence, "offline", reason)


async def respond(
    voice: LlmVoice | None,
    answerer: Answerer,
    book: Lorebook,
    text: str,
    channel: Hashable,
    guild: Hashable,
    name: str | None = None,
    waiting: Waiting = nullcontext,
) -> VoicedReply:
    """The one path for the chat cog, the console and `ask`: the offline answer, then the
    model's phrasing of it when a model is configured (`waiting` shown while it is asked)."""
    offline = answerer.answer(book, text, channel=channel, name=name)
    if voice is None:
        return VoicedReply(offline.answer, offline.sources, offline.confidence)
    return await voice.phrase(book, text, offline, channel, guild, waiting)


def voice_for(options: LlmOptions | None) -> LlmVoice | None:
    """The model's voice for these options, or None; the client library is imported only here,
    when a model is configured."""
    if options is None:
        return None
    from bot.persona.llm.voice import LlmVoice

    return LlmVoice(options)
