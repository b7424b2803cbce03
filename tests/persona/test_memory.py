"""Per-channel conversational memory: a short window, bounded size."""

from __future__ import annotations

from bot.persona.memory import ConversationMemory, Turn


def turn(at: float, focus: str = "vicky-page") -> Turn:
    return Turn((focus,), at)


def test_recall_within_the_window_only() -> None:
    memory = ConversationMemory(window=60.0)
    memory.remember("c1", turn(0.0))
    assert memory.recall("c1", 59.0) == turn(0.0)
    assert memory.recall("c1", 61.0) is None
    assert len(memory) == 0


def test_channels_do_not_share_memory() -> None:
    memory = ConversationMemory()
    memory.remember("c1", turn(0.0, "julian-craster"))
    assert memory.recall("c2", 1.0) is None
    assert memory.recall("c1", 1.0) == turn(0.0, "julian-craster")


def test_least_recently_used_channels_are_forgotten_first() -> None:
    memory = ConversationMemory(capacity=2)
    memory.remember("a", turn(0.0))
    memory.remember("b", turn(0.0))
    memory.recall("a", 1.0)
    memory.remember("a", turn(1.0))
    memory.remember("c", turn(2.0))
    assert memory.recall("b", 2.0) is None
    assert memory.recall("a", 2.0) is not None


def test_forget() -> None:
    memory = ConversationMemory()
    memory.remember("a", turn(0.0))
    memory.forget("a")
    memory.forget("never-seen")
    assert memory.recall("a", 0.0) is None
