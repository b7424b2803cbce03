"""How long a member must wait, said the way a person would say it."""

from __future__ import annotations

import pytest

from bot.render.waits import wait_hint
from bot.render.words import load_words


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.2, "(You may ask again in 1 second.)"),
        (29.01, "(You may ask again in 30 seconds.)"),
        (60, "(You may ask again in 60 seconds.)"),
        (61, "(You may ask again in 2 minutes.)"),
        (3600, "(You may ask again in 60 minutes.)"),
    ],
)
def test_a_wait_is_rounded_up_to_whole_seconds_or_minutes(seconds: float, said: str) -> None:
    assert wait_hint(seconds, load_words().english) == said


@pytest.mark.parametrize(
    ("locale", "seconds", "said"),
    [
        ("fr", 1, "(Vous pourrez redemander dans 1 seconde.)"),
        ("de", 61, "(Sie können in 2 Minuten wieder fragen.)"),
        ("es-419", 30, "(Podrá volver a preguntar en 30 segundos.)"),
        ("ja", 30, "（あと30秒でまた質問できます。）"),
    ],
)
def test_a_wait_is_said_in_the_members_language(locale: str, seconds: float, said: str) -> None:
    assert wait_hint(seconds, load_words()[locale]) == said
