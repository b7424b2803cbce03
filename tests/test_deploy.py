"""deploy/: the container's command run exactly as the image runs it (no container engine can
build here), and the settings the image and the systemd unit promise."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path
from typing import Any

import yaml

from bot import __version__
from bot.__main__ import build_parser
from bot.app import SHUTDOWN_GRACE
from bot.config import Settings
from tests.conftest import LORE_DIR, REPO

DEPLOY = REPO / "deploy"


def _dockerfile_all() -> list[tuple[str, str]]:
    """Every instruction with its arguments, in order, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [(ln.split(None, 1)[0], ln.split(None, 1)[1]) for ln in lines]


def _dockerfile() -> dict[str, str]:
    """Each instruction's (last) argument text."""
    return dict(_dockerfile_all())


def _image_env() -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in shlex.split(_dockerfile()["ENV"]))


def _as_the_image_runs(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """ENTRYPOINT + CMD (or `args`) with the image's environment; /data and /app/lore are
    folders here. `python` is this interpreter, with the package installed as in the image."""
    docker = _dockerfile()
    command = json.loads(docker["ENTRYPOINT"]) + (list(args) or json.loads(docker["CMD"]))
    assert command[0] == "python"
    image_env = _image_env() | {"DATA_DIR": str(tmp_path / "data"), "LORE_DIR": str(LORE_DIR)}
    return subprocess.run(
        [sys.executable, *command[1:]],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], **image_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_image_runs_the_bot_as_a_user_with_a_data_volume_and_a_healthcheck() -> None:
    docker = _dockerfile()
    assert docker["FROM"].endswith("-slim")
    assert docker["USER"] not in ("root", "0")
    assert docker["VOLUME"] == _image_env()["DATA_DIR"] == "/data"
    port = _image_env()["METRICS_PORT"]
    assert f"http://127.0.0.1:{port}/healthz" in docker["HEALTHCHECK"]
    assert docker["STOPSIGNAL"] == "SIGTERM"


def test_the_image_command_starts_the_bot_and_needs_only_a_token(tmp_path: Path) -> None:
    version = _as_the_image_runs(tmp_path, "--version")
    assert version.stdout == f"redshoes {__version__}\n"
    no_token = _as_the_image_runs(tmp_path)
    assert no_token.returncode == 1
    assert no_token.stderr == "error: DISCORD_TOKEN is not set\n"


def test_the_systemd_unit_restarts_on_failure_as_its_own_user_under_var_lib() -> None:
    service = _unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] == "redshoes" and service["StateDirectory"] == "redshoes"
    assert "DATA_DIR=/var/lib/redshoes" in service["Environment"].split()
    assert service["ExecStart"].endswith("python -m bot run")
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert service[hardening] in ("yes", "strict")


def _unit() -> ConfigParser:
    unit = ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "redshoes.service", encoding="utf-8")
    return unit


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def _env_example() -> dict[str, str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    pairs = [ln.split("=", 1) for ln in text.splitlines() if ln and not ln.startswith("#")]
    return dict(pairs)


SETTINGS = {name.upper() for name in Settings.model_fields}
"""Every variable the bot reads (pydantic-settings: a field's name, upper-cased)."""


def test_every_variable_deploy_sets_is_a_setting_the_bot_reads() -> None:
    """A renamed or removed setting must not linger in the files an operator copies."""
    image = {k for k in _image_env() if not k.startswith("PYTHON")}
    unit = {pair.split("=", 1)[0] for pair in _unit()["Service"]["Environment"].split()}
    compose = set(_compose()["services"]["bot"].get("environment", {}))
    for where, names in (("Dockerfile", image), ("unit", unit), ("compose", compose)):
        assert names and names <= SETTINGS, (where, names - SETTINGS)
    assert set(_env_example()) == SETTINGS  # .env.example documents each, and nothing else
    for name, value in _image_env().items():  # and each value is one the bot accepts
        if name in SETTINGS:
            Settings.model_validate({name.lower(): value})


def test_deploy_runs_real_commands_on_the_metrics_port_and_waits_out_the_grace() -> None:
    parser = build_parser()
    docker = _dockerfile()
    assert parser.parse_args(json.loads(docker["CMD"])).command == "run"
    exec_start = shlex.split(_unit()["Service"]["ExecStart"])
    assert (
        exec_start[-3:-1] == ["-m", "bot"] and parser.parse_args(exec_start[-1:]).command == "run"
    )
    for copied in shlex.split(" ".join(v for k, v in _dockerfile_all() if k == "COPY")):
        if not copied.startswith("./"):
            assert (REPO / copied).exists(), copied
    bot = _compose()["services"]["bot"]
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()
    assert bot["env_file"] == "../.env"
    [published] = bot["ports"]
    assert published == f"127.0.0.1:{_image_env()['METRICS_PORT']}:{_image_env()['METRICS_PORT']}"
    assert docker["EXPOSE"] == _image_env()["METRICS_PORT"]
    # SIGTERM's graceful stop takes up to SHUTDOWN_GRACE; neither kills the bot before that.
    assert int(bot["stop_grace_period"].rstrip("s")) > SHUTDOWN_GRACE
    assert int(_unit()["Service"]["TimeoutStopSec"]) > SHUTDOWN_GRACE
    assert _unit()["Service"]["KillSignal"] == docker["STOPSIGNAL"] == "SIGTERM"


def test_the_compose_file_offers_postgresql_as_an_option_without_a_password_in_it() -> None:
    db, bot = _compose()["services"]["db"], _compose()["services"]["bot"]
    assert db["profiles"] == ["postgres"]  # off unless asked for: SQLite stays the default
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    assert bot["depends_on"]["db"] == {"condition": "service_healthy", "required": False}
    assert "redshoes-db:/var/lib/postgresql/data" in db["volumes"]
