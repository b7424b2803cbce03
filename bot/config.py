"""Settings from the environment and `.env`: one place, typed, with the token kept secret.

pydantic-settings reads `.env` for us and `SecretStr` keeps the token out of reprs and logs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from bot.persona.llm.options import LlmOptions

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Discord bot tokens are three base64url parts separated by dots.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    # Empty values (as in a fresh copy of .env.example) mean "not set", not "invalid".
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", env_file_encoding="utf-8", env_ignore_empty=True
    )

    discord_token: SecretStr | None = None
    dev_guild_id: int | None = None
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: tuple[int, ...] | None = None
    owner_ids: tuple[int, ...] = ()
    lore_dir: Path = Path("lore")
    data_dir: Path = Path("data")
    database_url: SecretStr | None = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    log_file: Path | None = None
    log_file_mb: int = Field(default=10, ge=1)
    log_file_count: int = Field(default=5, ge=1)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    log_channel_id: int | None = None
    max_server_entries: int = Field(default=10_000, ge=1)
    view_cache_size: int = Field(default=1000, ge=1)
    view_cache_mb: int = Field(default=256, ge=1)
    chat_backend: Literal["offline", "llm"] = "offline"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=2.5, gt=0, le=30)
    llm_max_concurrent: int = Field(default=4, ge=1)
    llm_daily_tokens: int = Field(default=200_000, ge=1)

    @field_validator("shard_ids", "owner_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept `1,2,3` in the environment as well as a JSON list."""
        if isinstance(value, str):
            parts = [part for part in value.replace(" ", "").split(",") if part]
            if not all(part.isdigit() for part in parts):
                # Never `int(part)`'s own message: it quotes the value, which may be a token.
                raise ValueError("expected a comma-separated list of numbers")
            return tuple(int(part) for part in parts)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_address(cls, value: SecretStr | None) -> SecretStr | None:
        """Only PostgreSQL is reached by address (SQLite is the file under DATA_DIR)."""
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError(
                "expected postgresql://USER:PASSWORD@HOST:5432/DATABASE (unset it to keep the "
                "SQLite file under DATA_DIR)"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> object:
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _shards_add_up(self) -> Settings:
        """Shard ids mean nothing without the total; discord.py would fail later, less clearly."""
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError(
                    "SHARD_IDS needs SHARD_COUNT (the total number of shards) to be set too"
                )
            if any(shard >= self.shard_count for shard in self.shard_ids):
                raise ValueError("SHARD_IDS must each be below SHARD_COUNT (they count from 0)")
        return self

    @model_validator(mode="after")
    def _llm_is_reachable(self) -> Settings:
        if self.chat_backend == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError(
                "CHAT_BACKEND=llm needs LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1) and "
                "LLM_MODEL to be set too"
            )
        return self

    def llm(self) -> LlmOptions | None:
        """The model chat is phrased by, or None for the offline answerer alone (the default)."""
        if self.chat_backend != "llm" or not self.llm_base_url or not self.llm_model:
            return None
        return LlmOptions(
            base_url=self.llm_base_url,
            model=self.llm_model,
            api_key=self.llm_api_key.get_secret_value() if self.llm_api_key else "",
            timeout=self.llm_timeout,
            max_concurrent=self.llm_max_concurrent,
            daily_tokens=self.llm_daily_tokens,
        )

    @classmethod
    def load(cls) -> Settings:
        """Settings from the environment and `.env`; `SettingsProblem` names what is wrong."""
        try:
            return cls()
        except (ValidationError, SettingsError) as error:
            raise SettingsProblem(_describe(error)) from None
        except UnicodeDecodeError:
            raise SettingsProblem(_not_utf8(Path(".env"))) from None

    def syncs_commands(self) -> bool:
        """Whether this process syncs the commands: the one serving shard 0 (any unsharded one)."""
        return self.shard_ids is None or 0 in self.shard_ids

    def database(self) -> str | None:
        """The PostgreSQL address, or None for the SQLite file under DATA_DIR."""
        return self.database_url.get_secret_value() if self.database_url else None

    def token_problem(self) -> str | None:
        """Why the token cannot be used, in words that never repeat the token itself."""
        if self.discord_token is None:
            return "DISCORD_TOKEN is not set"
        token = self.discord_token.get_secret_value().strip()
        if token.lower().startswith("bot "):
            return "DISCORD_TOKEN should be the bare token, without the 'Bot ' prefix"
        if not TOKEN_SHAPE.match(token):
            return (
                "DISCORD_TOKEN does not look like a bot token "
                "(expected three dot-separated parts; copy it again from the Developer Portal)"
            )
        return None


class SettingsProblem(Exception):
    """A setting that cannot be used; the message names it and never repeats its value."""


def _describe(error: ValidationError | SettingsError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(_one(e["loc"], e["msg"], e.get("input")) for e in error.errors())
    field = re.search(r'field "(\w+)"', str(error))
    name = field.group(1).upper() if field else "a setting"
    return f"{name}: cannot be read (expected {_EXPECTED.get(name, 'a valid value')})"


def _one(loc: tuple[int | str, ...], message: str, value: object) -> str:
    """`NAME: reason`, the reason scrubbed of the value in case a validator quoted it."""
    reason = message.removeprefix("Value error, ")
    if isinstance(value, str) and value.strip():
        reason = reason.replace(value, "…")
    return f"{str(loc[0]).upper()}: {reason}" if loc else reason


def _not_utf8(path: Path) -> str:
    """Where a `.env` stops being UTF-8 (a line number, never the bytes themselves)."""
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return f"{path}: line {line} is not UTF-8 text; save the file as UTF-8"
    except OSError:
        pass
    return f"{path} or the environment is not UTF-8 text; save it as UTF-8"


_EXPECTED = {
    "OWNER_IDS": "a comma-separated list of user ids",
    "SHARD_IDS": "a comma-separated list of shard numbers",
}
