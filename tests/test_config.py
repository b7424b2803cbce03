"""Settings: ids from the environment, and token problems told without the token."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import Settings

SHAPED = "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.shaped-like-a-token-but-not-one"


def test_id_lists_come_as_comma_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_IDS", "0, 1,2")
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
