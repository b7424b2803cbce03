"""Where the end-to-end tests find Discord's OpenAPI description, and what happens without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from standin import openapi
from standin.fake_discord import FakeDiscord


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone with nothing beside it, and no variable set."""
    monkeypatch.setattr(openapi, "SHARED", tmp_path / "shared")
    monkeypatch.delenv(openapi.SPEC_VARIABLE, raising=False)
    monkeypatch.delenv(openapi.REQUIRE_VARIABLE, raising=False)
    return tmp_path


def test_the_variable_names_the_file_or_its_folder(nowhere, monkeypatch):
    spec = nowhere / "elsewhere" / "openapi.json"
    spec.parent.mkdir()
    spec.write_text("{}", encoding="utf-8")
    for named in (spec, spec.parent):
        monkeypatch.setenv(openapi.SPEC_VARIABLE, str(named))
        assert openapi.spec_path() == spec
        assert openapi.spec_missing() is None


def test_then_the_shared_folder_beside_the_clone(nowhere, monkeypatch):
    beside = nowhere / "shared" / "discord-api-spec" / "openapi.json"
    beside.parent.mkdir(parents=True)
    beside.write_text("{}", encoding="utf-8")
    monkeypatch.setenv(openapi.SPEC_VARIABLE, str(nowhere / "not-here.json"))
    assert openapi.spec_path() == beside


async def test_without_it_the_stand_in_runs_unvalidated_and_says_where_it_looked(nowhere):
    reason = openapi.spec_missing()
    assert reason is not None
    assert str(nowhere / "shared" / "discord-api-spec") in reason
    assert openapi.SPEC_VARIABLE in reason and "not validated" in reason
    assert openapi.validating() is False
    assert FakeDiscord().validate is False
    assert FakeDiscord(validate=True).validate is True, "an explicit choice is kept"


def test_ci_makes_its_absence_a_failure(nowhere, monkeypatch):
    monkeypatch.setenv(openapi.REQUIRE_VARIABLE, "1")
    with pytest.raises(openapi.SpecMissing, match="REQUIRE_DISCORD_API_SPEC is set but"):
        openapi.validating()
    with pytest.raises(openapi.SpecMissing):
        FakeDiscord()
