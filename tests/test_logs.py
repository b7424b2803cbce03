"""LOG_FORMAT, LOG_FILE and the one line per interaction: shape, rotation, levels."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.logs import JsonFormatter, configure_logging
from bot.offline.harness import Harness


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging sets up the root logger; give it back as it was after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers, root.level = handlers, level


def test_json_lines_go_to_the_file_one_object_each(tmp_path: Path, root_logging: None) -> None:
    path = tmp_path / "logs" / "bot.log"
    configure_logging(Settings(_env_file=None, log_format="json", log_file=path))
    logging.getLogger("bot.test").info("hello %s", "there")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("bot.test").exception("failed")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(x["level"], x["logger"], x["message"]) for x in lines] == [
        ("INFO", "bot.test", "hello there"),
        ("ERROR", "bot.test", "failed"),
    ]
    assert "ValueError: boom" in lines[1]["traceback"]


def test_the_file_is_rotated_by_size_and_a_few_kept(tmp_path: Path, root_logging: None) -> None:
    path = tmp_path / "bot.log"
    configure_logging(Settings(_env_file=None, log_file=path, log_file_mb=1, log_file_count=2))
    for n in range(3_000):
        logging.getLogger("bot.test").info("line %d %s", n, "x" * 1_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.log", "bot.log.1", "bot.log.2"]
    assert all(p.stat().st_size <= 1024 * 1024 for p in tmp_path.iterdir())
    assert "] [INFO    ] bot.test: line 2999" in path.read_text(encoding="utf-8")


def test_a_log_format_other_than_text_or_json_is_refused(monkeypatch) -> None:
    from bot.config import SettingsProblem

    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsProblem, match="LOG_FORMAT"):
        Settings.load()


async def test_one_info_line_per_interaction_and_the_options_only_at_debug(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.app")
    await harness.command("character", name="vicky")
    await harness.command("lore export")
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    lines = [m.rsplit(" ms=", 1)[0] for m in info if m.startswith("interaction ")]
    assert lines == [
        "interaction kind=application_command command=/character guild=2001 outcome=ok",
        "interaction kind=application_command command=/lore export guild=2001 outcome=refused",
    ]
    assert all("vicky" not in m for m in info)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("vicky" in m for m in debug)


def test_a_json_line_is_formatted_once_for_every_handler(
    tmp_path: Path, root_logging: None
) -> None:
    path = tmp_path / "bot.log"
    configure_logging(Settings(_env_file=None, log_format="json", log_file=path))
    record = logging.LogRecord("bot.app", logging.INFO, __file__, 1, "asked %s", ("once",), None)
    first = JsonFormatter().format(record)
    assert JsonFormatter().format(record) is first  # the stderr and file handlers share it
    logging.getLogger("bot.app").handle(record)
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[-1])["message"] == "asked once"
