"""The model is configured from the environment; with nothing set, chat stays offline."""

from __future__ import annotations

import pytest

from bot.config import Settings, SettingsProblem

KEY = "sk-test-settings-key-never-shown"


def test_nothing_configured_means_the_offline_answerer():
    settings = Settings(_env_file=None)
    assert settings.chat_backend == "offline"
    assert settings.llm() is None
    assert settings.llm_timeout == 2.5


def test_an_llm_backend_carries_its_options_and_hides_the_key(monkeypatch):
    monkeypatch.setenv("CHAT_BACKEND", "llm")
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("LLM_MODEL", "llama3.2")
    monkeypatch.setenv("LLM_API_KEY", KEY)
    monkeypatch.setenv("LLM_DAILY_TOKENS", "5000")
    settings = Settings.load()
    options = settings.llm()
    assert options is not None
    assert (options.base_url, options.model, options.api_key) == (
        "http://127.0.0.1:11434/v1",
        "llama3.2",
        KEY,
    )
    assert options.daily_tokens == 5000
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert KEY not in repr(options)


@pytest.mark.parametrize("missing", ["LLM_BASE_URL", "LLM_MODEL"])
def test_an_llm_backend_without_a_server_or_model_is_refused_clearly(monkeypatch, missing):
    monkeypatch.setenv("CHAT_BACKEND", "llm")
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("LLM_MODEL", "llama3.2")
    monkeypatch.setenv("LLM_API_KEY", KEY)
    monkeypatch.delenv(missing)
    with pytest.raises(SettingsProblem, match="CHAT_BACKEND=llm needs LLM_BASE_URL") as problem:
        Settings.load()
    assert KEY not in str(problem.value)


def test_an_unknown_backend_is_refused(monkeypatch):
    monkeypatch.setenv("CHAT_BACKEND", "gpt")
    with pytest.raises(SettingsProblem, match="CHAT_BACKEND"):
        Settings.load()
