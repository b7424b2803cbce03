"""Discord's markup drawn as a person reads it in the client (the console's text mode)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.offline.markup import readable

NOW = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
AT = int(NOW.timestamp())


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("**r1** import by <@1001>", "r1 import by @you"),
        ("asked by <@!42> in <#7> for <@&9>", "asked by @user 42 in #channel 7 for @role 9"),
        ("**replaced: 1** — `vicky-page`", "replaced: 1 — vicky-page"),
        ("*Italic* and _also_, __under__, ~~gone~~", "Italic and also, under, gone"),
        ("a snake_case_id and 2 * 3 * 4 stay", "a snake_case_id and 2 * 3 * 4 stay"),
        ("`**not bold** in code`", "**not bold** in code"),
        ("see [the film](https://example.org/film)", "see the film (https://example.org/film)"),
        ("\\*not italic\\*", "*not italic*"),
        ("> quoted\n-# small print\n## Heading", "│ quoted\nsmall print\nHeading"),
        (f"<t:{AT - 180}:R>", "3 minutes ago"),
        (f"<t:{AT + 7200}:R>", "in 2 hours"),
        (f"<t:{AT}:R>", "just now"),
        (f"<t:{AT}:d> <t:{AT}:t> <t:{AT}:T>", "29/11/2026 23:30 23:30:00"),
        (f"<t:{AT}> · <t:{AT}:F>", "29 November 2026 23:30 · Sunday, 29 November 2026 23:30"),
    ],
)
def test_markup_reads_as_in_discord(written: str, read: str) -> None:
    assert readable(written, now=NOW, you=1001) == read
