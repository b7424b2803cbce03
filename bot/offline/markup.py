"""Discord's markup as a person reads it in the client, for the console's text mode.

Why: a moderator reading `**r1** import by <@1001> <t:1795998640:R>` in a terminal has to
decode it; in Discord they read "r1 import by @you 3 minutes ago". The console draws the
same: emphasis markers dropped, code shown as written, mentions named, timestamps formatted
(in UTC) and relative ones counted from now, masked links as "text (url)".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_CODE = re.compile(r"```(?:[a-z0-9_+-]*\n)?([\s\S]*?)```|`([^`\n]+)`")
_ESCAPED = re.compile(r"\\([\\*_~`|>#\[\]()<:-])")
_PRIVATE = 0xE000  # escaped characters hide here (Unicode's private use area) until the end
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_LINK = re.compile(r"\[([^\]\n]+)\]\(<?(https?://[^)\s>]+)>?\)")
_EMPHASIS = [
    re.compile(r"\*\*(.+?)\*\*"),
    re.compile(r"__(.+?)__"),
    re.compile(r"~~(.+?)~~"),
    re.compile(r"\*(?!\s)(.+?)(?<!\s)\*"),
    re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"),
]
_LINE_MARKS = [(re.compile(r"^>>?>? ", re.M), "│ "), (re.compile(r"^(?:-#|#{1,3}) ", re.M), "")]
_UNITS = [("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600)]
_UNITS += [("minute", 60), ("second", 1)]


def _relative(seconds: float) -> str:
    """Like Discord's `:R`: "3 minutes ago", "in 2 hours"."""
    if abs(seconds) < 10:
        return "just now"
    name, size = next((n, s) for n, s in _UNITS if abs(seconds) >= s)
    count = int(abs(seconds) // size)
    amount = f"{count} {name}{'s' if count != 1 else ''}"
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


def _timestamp(match: re.Match[str], now: datetime) -> str:
    at = datetime.fromtimestamp(int(match[1]), UTC)
    style = match[2] or "f"
    day = f"{at.day} {at:%B %Y}"
    formats = {
        "t": f"{at:%H:%M}",
        "T": f"{at:%H:%M:%S}",
        "d": f"{at:%d/%m/%Y}",
        "D": day,
        "f": f"{day} {at:%H:%M}",
        "F": f"{at:%A}, {day} {at:%H:%M}",
    }
    return formats.get(style) or _relative((at - now).total_seconds())


def _prose(text: str, now: datetime, you: int | None) -> str:
    text = _ESCAPED.sub(lambda m: chr(_PRIVATE + ord(m[1])), text)
    text = _TIMESTAMP.sub(lambda m: _timestamp(m, now), text)
    text = _USER.sub(lambda m: "@you" if int(m[1]) == you else f"@user {m[1]}", text)
    text = _ROLE.sub(r"@role \1", text)
    text = _CHANNEL.sub(r"#channel \1", text)
    text = _LINK.sub(r"\1 (\2)", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    for pattern, replacement in _LINE_MARKS:
        text = pattern.sub(replacement, text)
    return re.sub("[\ue000-\ue0ff]", lambda m: chr(ord(m[0]) - _PRIVATE), text)


def readable(text: str, *, now: datetime | None = None, you: int | None = None) -> str:
    """`text` as Discord shows it; `you` is the reader's user id (their mentions read "@you")."""
    now = now or datetime.now(UTC)
    out, start = [], 0
    for code in _CODE.finditer(text):
        out.append(_prose(text[start : code.start()], now, you))
        out.append(code[1] if code[1] is not None else code[2])
        start = code.end()
    out.append(_prose(text[start:], now, you))
    return "".join(out)
