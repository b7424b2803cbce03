"""Text normalisation: what the seed's debris looks like, and what comes out."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from bot.lore.text import (
    MISLEADING,
    WIKI_DEBRIS,
    MisleadingTextError,
    WikiDebrisError,
    clean_text,
    fold,
)
from tests.conftest import SHARED


def test_mojibake_is_repaired() -> None:
    assert clean_text("LÃ©onide Massine") == "Léonide Massine"


def test_html_entities_are_decoded() -> None:
    assert clean_text("the company&#39;s chief &amp; choreographer") == (
        "the company's chief & choreographer"
    )


def test_text_is_nfc() -> None:
    decomposed = "Tche\u0301rina"
    assert clean_text(decomposed) == unicodedata.normalize("NFC", decomposed)
    assert len(clean_text(decomposed)) == len("Tchérina")


def test_curly_quotes_and_dashes_survive() -> None:
    assert clean_text("“Why do you want to live?” — Vicky’s reply") == (
        "“Why do you want to live?” — Vicky’s reply"
    )


@pytest.mark.parametrize(
    "debris",
    ["{{Cite book}}", "{{cite web}}", "&#60;ref name&#34;x&#34;", "<ref>", "</ref>", "[[Link]]"],
)
def test_wiki_debris_is_refused(debris: str) -> None:
    with pytest.raises(WikiDebrisError):
        clean_text(f"Some text {debris} more")


def test_the_seed_text_is_refused_as_it_stands() -> None:
    seed = next((SHARED / "seed").glob("*.txt"), None)
    if seed is None:
        pytest.skip(f"the seed text is not beside this clone ({SHARED / 'seed'})")
    with pytest.raises(WikiDebrisError):
        clean_text(Path(seed).read_text(encoding="utf-8"))


def test_fold_removes_case_accents_and_punctuation() -> None:
    assert fold("Léonide  MASSINE") == "leonide massine"
    assert fold("Victoria 'Vicky' Page") == "victoria vicky page"
    assert fold("Ludmilla Tchérina") == "ludmilla tcherina"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "See [discord.com](https://evil.example/login) now",
            "masked link '[discord.com](https://evil.example/login' is not allowed in lore text; "
            "write the address out in full",
        ),
        ("Join discord.gg/abc123 today", "Discord invite 'discord.gg/abc123' is not allowed"),
        ("Join https://discord.com/invite/abc", "Discord invite 'discord.com/invite/abc' is not"),
        ("Vicky\u202egnicnad", "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is not"),
        ("Vic\u200bky", "invisible character U+200B (ZERO WIDTH SPACE) is not allowed"),
        ("Vicky&#8238;gnicnad", "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is not"),
    ],
)
def test_misleading_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(MisleadingTextError) as caught:
        clean_text(text)
    assert str(caught.value).startswith(message)


def test_an_address_written_out_is_fine() -> None:
    text = "The restoration is described at https://www.filmfoundation.org (see [1])."
    assert clean_text(text) == text


def test_text_searched_only_where_a_match_can_be_finds_what_a_full_search_finds() -> None:
    """`clean_text` skips its two searches for text without a character every match needs:
    on text made of the patterns' own pieces, in any case, it refuses exactly what a search
    of the whole text would."""
    rng = random.Random(18)
    pieces = [
        *"{}[]()<>|/_!-. \n",
        "ref",
        "REF",
        "notoc",
        "NoToC",
        "discord",
        "DISCORD",
        "app",
        ".com",
        ".gg",
        "invite",
        "https://",
        "x",
    ]
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 12)))
        expected = bool(WIKI_DEBRIS.search(text) or MISLEADING.search(text))
        try:
            cleaned = clean_text(text)
        except ValueError:
            refused = True
        else:
            refused = False
            assert cleaned == text
        assert refused == expected, text
