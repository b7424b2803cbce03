"""What each channel was just talking about, so "and who played her?" has someone to mean.

A follow-up only leans on the previous answer for a short window: after that a pronoun means
nothing and the bot says so rather than guessing. Memory is bounded (least recently used channels
are forgotten first) so a bot in many servers cannot grow without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from bot.lore.factindex import Need

FOLLOW_UP_WINDOW = 180.0
CAPACITY = 10_000


@dataclass(frozen=True)
class Turn:
    """One answered question: the entries the answer was about (for "he", "it"), what was
    asked of them (for "and Julian?"), the people the question named and those named so far,
    latest first (for a "she" the last answer did not name), and the works the talk is about
    (so a follow-up about the ballet is answered from the ballet, not the film around it)."""

    focus: tuple[str, ...]
    at: float
    fields: tuple[Need, ...] = ()
    groups: tuple[Need, ...] = ()
    asked: tuple[Need, ...] = ()
    named: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    world: frozenset[str] = frozenset()


class ConversationMemory:
    """The last answered turn per conversation key (a channel id, say)."""

    def __init__(self, window: float = FOLLOW_UP_WINDOW, capacity: int = CAPACITY) -> None:
        self._window = window
        self._capacity = capacity
        self._turns: OrderedDict[Hashable, Turn] = OrderedDict()

    def recall(self, key: Hashable, now: float) -> Turn | None:
        """The last turn in this conversation, if it is recent enough to lean on."""
        turn = self._turns.get(key)
        if turn is None:
            return None
        if now - turn.at > self._window:
            del self._turns[key]
            return None
        return turn

    def remember(self, key: Hashable, turn: Turn) -> None:
        self._turns[key] = turn
        self._turns.move_to_end(key)
        while len(self._turns) > self._capacity:
            self._turns.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        self._turns.pop(key, None)

    def __len__(self) -> int:
        return len(self._turns)
