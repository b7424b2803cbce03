"""Members' words repeated by the bot: no live masked link, invite or hidden reordering."""

from __future__ import annotations

from bot.render.member_text import member_text


def test_masked_links_and_invites_are_shown_but_not_live() -> None:
    said = member_text("Click [discord.com](https://evil.example/x) or discord.gg/abc *now*")
    assert said == ("Click \\[discord.com](`https://evil.example/x`) or `discord.gg/abc` \\*now\\*")


def test_invisible_controls_are_dropped() -> None:
    assert member_text("I \u202eecnad\u202c must\u200b.") == "I ecnad must."


def test_plain_words_are_unchanged() -> None:
    assert member_text("Why do you want to live?") == "Why do you want to live?"


def test_the_bots_own_words_keep_their_markdown_but_no_live_link() -> None:
    from bot.render.member_text import without_links

    echoed = "*Nonsense.* [here](https://elsewhere.example) and discord.gg/abc, **Vicky**"
    assert without_links(echoed) == (
        "*Nonsense.* [here](`https://elsewhere.example`) and `discord.gg/abc,` **Vicky**"
    )
