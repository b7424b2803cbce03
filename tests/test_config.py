"""Settings: ids from the environment, and token problems told without the token."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings, SettingsProblem
from tests.conftest import REPO

SHAPED = "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.shaped-like-a-token-but-not-one"


def test_id_lists_come_as_comma_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_IDS", "0, 1,2")
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("OWNER_IDS", "42")
    settings = Settings(_env_file=None)
    assert settings.shard_ids == (0, 1, 2)
    assert settings.owner_ids == (42,)


def test_a_blank_token_is_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    settings = Settings(_env_file=None)
    assert settings.discord_token is None
    assert settings.token_problem() == "DISCORD_TOKEN is not set"


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (SHAPED, None),
        (f"Bot {SHAPED}", "without the 'Bot ' prefix"),
        ("hunter2", "does not look like a bot token"),
    ],
)
def test_token_problems_never_repeat_the_token(token: str, problem: str | None) -> None:
    found = Settings(_env_file=None, discord_token=SecretStr(token)).token_problem()
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
        assert token not in found


def test_the_token_stays_out_of_reprs() -> None:
    settings = Settings(_env_file=None, discord_token=SecretStr(SHAPED))
    assert SHAPED not in repr(settings)
    assert SHAPED not in str(settings.model_dump())


def test_a_fresh_copy_of_env_example_loads_as_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    settings = Settings.load()
    assert settings.discord_token is None
    assert settings.dev_guild_id is None
    assert settings.owner_ids == ()


@pytest.mark.parametrize(
    ("line", "named"),
    [("DEV_GUILD_ID=notanumber", "DEV_GUILD_ID"), ("OWNER_IDS=abc", "OWNER_IDS")],
)
def test_an_unusable_setting_is_named_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, named: str
) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={SHAPED}\n{line}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsProblem) as caught:
        Settings.load()
    assert str(caught.value).startswith(f"{named}: ")
    assert SHAPED not in str(caught.value)
    assert (tmp_path / ".env").read_text() == f"DISCORD_TOKEN={SHAPED}\n{line}\n"


def test_log_level_is_checked_and_normalised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert Settings.load().log_level == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "VERBOSE")
    with pytest.raises(SettingsProblem, match="LOG_LEVEL: must be one of DEBUG, INFO"):
        Settings.load()


@pytest.mark.parametrize(
    "line", [f"SHARD_IDS={SHAPED}", f"OWNER_IDS=1,{SHAPED}", f"SHARD_IDS=[{SHAPED!r}]"]
)
def test_a_value_in_the_wrong_place_is_never_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    (tmp_path / ".env").write_text(f"SHARD_COUNT=2\n{line}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsProblem) as caught:
        Settings.load()
    message = str(caught.value)
    assert message.split(":")[0] == line.split("=")[0]
    assert "expected a comma-separated list" in message or "integer" in message
    assert SHAPED not in message
    assert "MTIz" not in message
    assert (tmp_path / ".env").read_text() == f"SHARD_COUNT=2\n{line}\n"


def test_a_non_utf8_env_file_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = f"DISCORD_TOKEN={SHAPED}\nLORE_DIR=caf\xe9\n".encode("latin-1")
    (tmp_path / ".env").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsProblem) as caught:
        Settings.load()
    assert str(caught.value) == ".env: line 2 is not UTF-8 text; save the file as UTF-8"
    assert (tmp_path / ".env").read_bytes() == data


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"SHARD_IDS": "0,1"}, "SHARD_IDS needs SHARD_COUNT (the total number of shards)"),
        ({"SHARD_IDS": "0,4", "SHARD_COUNT": "4"}, "SHARD_IDS must each be below SHARD_COUNT"),
    ],
)
def test_shard_ids_need_a_shard_count_that_holds_them(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], reason: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsProblem) as caught:
        Settings.load()
    assert reason in str(caught.value)


def test_a_view_cache_bound_below_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIEW_CACHE_SIZE", "0")
    with pytest.raises(SettingsProblem, match="VIEW_CACHE_SIZE"):
        Settings.load()
