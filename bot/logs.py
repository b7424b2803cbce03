"""Where the bot's log lines go and how they look: `LOG_FORMAT` (text or json), `LOG_FILE`.

Everything goes through the standard `logging` module, set up with discord.py's own
`setup_logging` so the library's lines and ours share one format and one level. A file is rotated
by size (`LOG_FILE_MB` each, `LOG_FILE_COUNT` kept) so a bot left running never fills the disk.
"""

from __future__ import annotations

import json
import logging
import sys
from logging.handlers import RotatingFileHandler

import discord

from bot.config import Settings

_JSON_LINE = "redshoes_json_line"
"""Where a record keeps its JSON line (a name no `extra=` of ours or discord.py's uses)."""
TEXT = logging.Formatter("[{asctime}] [{levelname:<8}] {name}: {message}", style="{")
"""The plain text line (discord.py's own shape, without colour), for files and pipes."""


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors: time, level, logger, message, traceback.

    A record is formatted once and the line kept on it: with `LOG_FILE` the same record reaches
    stderr and the rotating file, which formats it twice more (once to decide whether to roll
    over, once to write), and every line of an interaction costs CPU on the bot's event loop."""

    def format(self, record: logging.LogRecord) -> str:
        done: str | None = record.__dict__.get(_JSON_LINE)
        if done is None:
            done = record.__dict__[_JSON_LINE] = self._line(record)
        return done

    def _line(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Send every log line to stderr, and to `LOG_FILE` too when it is set."""
    level = logging.getLevelNamesMapping()[settings.log_level]
    json_lines = settings.log_format == "json"
    # Text on a terminal keeps discord.py's colour formatter (MISSING picks it when it can).
    stream_format: logging.Formatter = JsonFormatter() if json_lines else discord.utils.MISSING
    discord.utils.setup_logging(
        handler=logging.StreamHandler(sys.stderr), formatter=stream_format, level=level
    )
    if settings.log_file is not None:
        settings.log_file.parent.mkdir(parents=True, exist_ok=True)
        rotating = RotatingFileHandler(
            settings.log_file,
            maxBytes=settings.log_file_mb * 1024 * 1024,
            backupCount=settings.log_file_count,
            encoding="utf-8",
        )
        discord.utils.setup_logging(
            handler=rotating, formatter=JsonFormatter() if json_lines else TEXT, level=level
        )
