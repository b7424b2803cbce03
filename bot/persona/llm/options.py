"""How to reach the model, and how much of it each server may use; built from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LlmOptions:
    """An OpenAI-compatible Chat Completions server and the limits put on its use.

    `api_key` is kept out of the repr (and so out of any log line or traceback that prints it).
    """

    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout: float = 2.5
    max_concurrent: int = 4
    daily_tokens: int = 200_000
    history: int = 3
    """How many of the channel's last exchanges go with the request."""
