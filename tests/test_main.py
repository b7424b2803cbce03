"""The command line, run as a real subprocess the way operators and CI run it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.lore.model import lore_json_schema
from bot.render.words import LOCALES, Dictionary, LocaleError
from tests.conftest import LORE_DIR, REPO, WriteLore


def run_cli(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), **(env or {})},
    )


def test_lore_check_passes_on_the_shipped_lore() -> None:
    result = run_cli("lore", "check")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert "lore is valid" in result.stderr


def test_lore_check_prints_one_line_per_problem_and_exits_1(write_lore: WriteLore) -> None:
    folder = write_lore("bad.yaml", "entries:\n  - id: x\n    kind: person\n  - id: [\n")
    before = (folder / "bad.yaml").read_bytes()
    result = run_cli("lore", "check", str(folder))
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{folder / 'bad.yaml'}:5:1: YAML syntax error: ")
    assert result.stderr.strip() == f"1 problem(s) in {folder}"
    assert (folder / "bad.yaml").read_bytes() == before


def test_lore_schema_prints_the_json_schema() -> None:
    result = run_cli("lore", "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == lore_json_schema()


def test_lore_export_prints_loadable_yaml(tmp_path: Path) -> None:
    result = run_cli("lore", "export")
    assert result.returncode == 0
    (tmp_path / "all.yaml").write_text(result.stdout, encoding="utf-8")
    assert run_cli("lore", "check", str(tmp_path)).returncode == 0


def test_lore_check_reports_recursion_as_a_line_not_a_traceback(write_lore: WriteLore) -> None:
    folder = write_lore("loop.yaml", "entries: &a [*a]\n")
    result = run_cli("lore", "check", str(folder))
    assert result.returncode == 1
    assert result.stdout == (
        f"{folder / 'loop.yaml'}:1:10: an alias here refers to a value that contains it\n"
    )
    assert "Traceback" not in result.stderr


def test_a_non_utf8_env_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"OWNER_IDS=1\nLORE_DIR=caf\xe9\n")
    result = run_cli("lore", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: .env: line 2 is not UTF-8 text; save the file as UTF-8\n"
    assert (tmp_path / ".env").read_bytes() == b"OWNER_IDS=1\nLORE_DIR=caf\xe9\n"


def test_a_damaged_database_stops_start_up_with_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"not a database, whatever it once was\n" * 200
    (data / "guilds.sqlite3").write_bytes(garbage)
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.shaped-like-a-token-but-not-one"
    (tmp_path / ".env").write_text(
        f"DATA_DIR={data}\nLORE_DIR={REPO / 'lore'}\nDISCORD_TOKEN={token}\n"
    )
    for command in (["console", "-c", "/film"], ["run"]):  # `run` stops before any login
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode == 2, command
        [line] = result.stderr.splitlines()
        assert line.startswith(f"error: {data / 'guilds.sqlite3'}: the database cannot be used (")
        assert line.endswith("move it aside to start empty, or put back a copy")
        assert token not in result.stderr
        assert (data / "guilds.sqlite3").read_bytes() == garbage


def test_lore_check_takes_one_file_its_references_read_against_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "lore"
    shutil.copytree(LORE_DIR, folder)
    valid = run_cli("lore", "check", str(folder / "characters.yaml"))
    assert valid.returncode == 0, valid.stdout
    assert valid.stdout == ""
    assert f"{folder / 'characters.yaml'}: lore is valid" in valid.stderr
    people = folder / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("kind: person", "kind: persn", 1))
    elsewhere = run_cli("lore", "check", str(folder / "characters.yaml"))
    assert elsewhere.returncode == 0, "the problem is in another file"
    broken = run_cli("lore", "check", str(people))
    assert broken.returncode == 1
    [line] = broken.stdout.splitlines()
    assert line.startswith(f"{people}:") and "'kind' must be one of" in line


def test_lore_check_says_when_a_path_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-lore"
    result = run_cli("lore", "check", str(missing))
    assert result.returncode == 1
    assert result.stdout == f"{missing}:1:1: no such file or folder\n"
    assert not missing.exists()


def test_an_invalid_lore_dir_at_start_up_is_the_list_of_problems_not_a_traceback(
    write_lore: WriteLore, tmp_path: Path
) -> None:
    folder = write_lore("bad.yaml", "entries:\n  - id: x\n    kind: person\n  - id: [\n")
    env = {"LORE_DIR": str(folder), "DATA_DIR": str(tmp_path / "data")}
    token = {
        "DISCORD_TOKEN": "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.not-a-real-token-but-shaped-like-one"
    }
    for args, extra in (
        (("console", "-c", "/film"), {}),
        (("ask", "who is Vicky?"), {}),
        (("run",), token),
    ):
        result = run_cli(*args, env=env | extra)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr, result.stderr
        lines = result.stderr.splitlines()
        assert lines[0].startswith(f"{folder / 'bad.yaml'}:5:1: YAML syntax error: ")
        assert lines[-1] == (
            f"error: the lore in {folder} has 1 problem(s); fix them "
            "(`.venv/bin/python -m bot lore check` lists them) and start again"
        )
    missing = run_cli("ask", "hello", env={"LORE_DIR": str(tmp_path / "nowhere")})
    assert missing.stderr.startswith(f"{tmp_path / 'nowhere'}:1:1: no such file or folder\n")


def test_every_command_a_reader_copies_runs_outside_the_virtual_environment() -> None:
    """A bare `python -m bot` fails unless .venv is activated: the README and the no-token
    message name the venv's interpreter (or a make target) instead."""
    from bot.__main__ import NO_TOKEN

    bare = re.compile(r"(?<!\.venv/bin/)\bpython3? -m (?:bot|bench)")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert bare.findall(readme) == []
    assert bare.findall(NO_TOKEN) == []
    assert ".venv/bin/python -m bot run" in NO_TOKEN


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"redshoes {version('redshoes-bot')}\n"


def test_a_broken_language_file_stops_start_up_with_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> Dictionary:
        raise LocaleError("fr.yaml: ui: missing ['help.title'], not in en.yaml []")

    monkeypatch.setattr("bot.app.load_words", broken)
    assert main(["console", "-c", "/film"]) == 2
    assert capsys.readouterr().err == (
        f"error: {LOCALES}/fr.yaml: ui: missing ['help.title'], not in en.yaml []; "
        "put back the released file\n"
    )
