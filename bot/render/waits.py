"""How long a member must wait before asking again, said plainly after the persona's line.

Why: "Patience." alone leaves a member guessing and trying again at once; the cooldown knows
exactly when it ends, so the reply says it, rounded up so that asking then always works.
"""

from __future__ import annotations

import math

from bot.render.words import Words


def wait_hint(seconds: float, words: Words) -> str:
    """`seconds` as "(You may ask again in 30 seconds.)"; beyond a minute, in whole minutes."""
    whole = max(1, math.ceil(seconds))
    if whole <= 60:
        return words.count("wait.seconds", whole)
    return words.count("wait.minutes", math.ceil(whole / 60))
