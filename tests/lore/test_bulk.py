"""The collector pause restores the collector exactly as it found it."""

from __future__ import annotations

import gc

import pytest

from bot.lore.bulk import Freezer, collector_paused


def test_the_collector_is_paused_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_restores_the_collector() -> None:
    with pytest.raises(ValueError, match="boom"), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_freezer_freezes_once_enough_was_built(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[None] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(None))
    freezer = Freezer(after=100)
    freezer.built(60)
    assert not frozen
    freezer.built(40)
    assert len(frozen) == 1
    freezer.built(99)
    assert len(frozen) == 1, "the count starts again after each freeze"
