"""Answer templates: names filled in, sources shown small, Discord's size respected."""

from __future__ import annotations

from bot.lore.lorebook import Lorebook
from bot.lore.model import Work
from bot.persona import compose


def test_finish_adds_the_source_and_trims(lorebook: Lorebook) -> None:
    film = lorebook.get("the-red-shoes-film")
    assert film is not None
    text = compose.finish("Short. " * 400, [film])
    assert len(text) <= 2000
    assert text.endswith(f"-# from *{film.name}*")
    assert compose.finish("No source.", []) == "No source."


def test_credits_for_distinguishes_director_from_director_of_photography(
    lorebook: Lorebook,
) -> None:
    film = lorebook.get("the-red-shoes-film")
    assert isinstance(film, Work)
    directors = {c.person for c in compose.credits_for(film, "director")}
    assert directors == {"michael-powell", "emeric-pressburger"}
    assert {c.person for c in compose.credits_for(film, "cinematographer")} == {"jack-cardiff"}


def test_awards_count_and_singular(lorebook: Lorebook) -> None:
    film = lorebook.get("the-red-shoes-film")
    assert isinstance(film, Work)
    text = compose.awards(film)
    assert "two Academy Awards" in text and "one Golden Globe Award " in text
    assert "Nominated" in text
