"""Judging a user's answer to "Why do you want to dance?" the way Lermontov judged Vicky's.

Vicky passes by turning the question back ("Why do you want to live?"): dancing is not a choice
but a necessity. An answer in that spirit earns the film's reply; anything else a verdict of
Lermontov's own, from the lore's persona lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.lore.text import fold

SPIRIT = re.compile(
    r"\bwhy do (?:you|we|people|i) (?:want to |need to )?(?:live|breathe|exist)\b"
    r"|\bwhy does (?:anyone|anybody|one) (?:want to )?(?:live|breathe)\b"
    r"|\bwhy (?:live|breathe)\b"
    r"|\bi (?:simply |just )?(?:must|have to|need to|ve got to|have got to)\b"
    r"|\bi (?:can t|cannot|can not) (?:not|help it|live without|stop)\b"
    r"|\b(?:it s|it is|dancing is|dance is|ballet is) (?:my (?:whole )?life|my life)\b"
    r"|\bwithout (?:it|dancing|dance) i (?:would|d) die\b"
    r"|\bi was born to\b|\bit s who i am\b|\bit is who i am\b"
)


@dataclass(frozen=True)
class Verdict:
    in_spirit: bool
    reply: str


def in_spirit(answer: str) -> bool:
    """True when the answer treats dancing as a necessity, or turns the question back."""
    return bool(SPIRIT.search(fold(answer)))


def judge(answer: str, films_reply: str | None, verdict: str, approval: str) -> Verdict:
    """Lermontov's response: the film's reply (and approval) in Vicky's spirit, else `verdict`.

    The persona lines are chosen by the caller, so this stays a pure, repeatable function.
    """
    if in_spirit(answer):
        return Verdict(True, "\n".join(p for p in (films_reply, approval) if p))
    return Verdict(False, verdict)
