"""The quiz's store contract: what a game leaves in the database, and the calls that keep it.

The engine depends only on this protocol; `bot.quiz.sql` implements it, on the project's SQLite
file or on PostgreSQL. Nothing here knows about Discord.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Ending(StrEnum):
    """Why a game ended; `RESTART` is set by the next process for a game the last one left,
    `SHUTDOWN` by a process that ended its games itself as it stopped."""

    FINISHED = "finished"
    STOPPED = "stopped"
    RESTART = "restart"
    ERROR = "error"
    SHUTDOWN = "shutdown"


@dataclass(frozen=True)
class GameRecord:
    """What the database keeps of a game, enough to end it cleanly after a restart."""

    game_id: str
    guild_id: int
    channel_id: int
    starter_id: int
    topic: str
    rounds: int
    started_at: float


@dataclass(frozen=True)
class Standing:
    user_id: int
    points: int


class ScoreStore(Protocol):
    """Where games and points are kept; a point is stored the moment it is scored."""

    async def begin_game(self, record: GameRecord) -> None: ...

    async def record_point(self, game_id: str, round_number: int, user_id: int) -> None: ...

    async def end_game(self, game_id: str, ending: Ending) -> None: ...

    async def unfinished_games(self, guild_id: int) -> list[GameRecord]:
        """The server's games that were started and never ended, oldest first."""

    async def game_standings(self, game_id: str) -> list[Standing]: ...

    async def leaderboard(self, guild_id: int, limit: int = 10) -> list[Standing]: ...

    async def close(self) -> None: ...
