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

from bot import __version__
from tests.conftest import LORE_DIR, REPO

DEPLOY = REPO / "deploy"


def _dockerfile() -> dict[str, str]:
    """Each instruction's (last) argument text, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return {ln.split(None, 1)[0]: ln.split(None, 1)[1] for ln in lines}


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
    unit = ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "redshoes.service", encoding="utf-8")
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] == "redshoes" and service["StateDirectory"] == "redshoes"
    assert "DATA_DIR=/var/lib/redshoes" in service["Environment"].split()
    assert service["ExecStart"].endswith("python -m bot run")
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert service[hardening] in ("yes", "strict")
