"""How long a member must wait before asking again, said plainly after the persona's line.

Why: "Patience." alone leaves a member guessing and trying again at once; the cooldown knows
exactly when it ends, so the reply says it, rounded up so that asking then always works.
"""

from __future__ import annotations

import math


def wait_hint(seconds: float) -> str:
    """`seconds` as "(You may ask again in 30 seconds.)"; beyond a minute, in whole minutes."""
    whole = max(1, math.ceil(seconds))
    amount, unit = (whole, "second") if whole <= 60 else (math.ceil(whole / 60), "minute")
    return f"(You may ask again in {amount} {unit}{'s' if amount != 1 else ''}.)"
