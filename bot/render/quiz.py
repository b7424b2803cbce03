"""The quiz on screen: question embeds with answer buttons, reveals, results and the leaderboard.

Answer buttons carry `quiz:<game>:<round>:<choice>` as their custom id. The views built here are
never dispatched themselves (they are stopped before sending, so discord.py does not keep one per
message in memory): clicks reach the cog's dynamic item by that custom id, which is also how a
click on a finished game's buttons is recognised and answered after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.quiz.engine import Game, Round, Verdict
from bot.quiz.store import Ending, GameRecord, Standing
from bot.render import limits
from bot.render.limits import clip
from bot.render.screens import ACCENT
from bot.render.words import Words

ANSWER_ID = r"quiz:(?P<game>[0-9a-f]{1,20}):(?P<round>[0-9]{1,3}):(?P<choice>[0-9])"
"""The custom id of an answer button, as the dynamic item's template."""
LEADERBOARD_SIZE = 10
EVERYONE = "ladies and gentlemen"
"""Who a line's `{name}` addresses when no one player is meant."""

VERDICTS: dict[Verdict, str] = {
    Verdict.CORRECT: "quiz.verdict.correct",
    Verdict.WRONG: "quiz.verdict.wrong",
    Verdict.TWICE: "quiz.verdict.twice",
    Verdict.CLOSED: "quiz.verdict.closed",
    Verdict.NO_GAME: "quiz.verdict.no_game",
}
"""The words of the ephemeral reply to each kind of click."""

TITLES: dict[Ending, str] = {
    Ending.FINISHED: "quiz.title.finished",
    Ending.STOPPED: "quiz.title.stopped",
    Ending.ERROR: "quiz.title.error",
    Ending.RESTART: "quiz.title.restart",
    Ending.SHUTDOWN: "quiz.title.shutdown",
}


def answer_id(game_id: str, round_number: int, choice: int) -> str:
    return f"quiz:{game_id}:{round_number}:{choice}"


def standings_text(
    standings: Sequence[Standing], words: Words, limit: int = LEADERBOARD_SIZE
) -> str:
    """Ranked players as mentions (rendered as names, never pinging: mentions are disabled)."""
    lines = [
        f"**{rank}.** {mention(s.user_id)} — {words.count('quiz.points', s.points)}"
        for rank, s in enumerate(standings[:limit], start=1)
    ]
    return "\n".join(lines) or words("quiz.nobody")


def mention(user_id: int) -> str:
    """Shown as the member's name; never a ping, since every message disables mentions."""
    return f"<@{user_id}>"


def start_embed(game: Game, words: Words) -> discord.Embed:
    record = game.record
    line = game.quizmaster.line("greeting", mention(record.starter_id))
    embed = discord.Embed(
        title=words.count("quiz.start.title", record.rounds),
        description=clip(line, limits.EMBED_DESCRIPTION),
        colour=ACCENT,
    )
    embed.add_field(name=words("quiz.topic"), value=words.choice(record.topic), inline=True)
    embed.add_field(name=words("quiz.started_by"), value=mention(record.starter_id), inline=True)
    embed.set_footer(text=words("quiz.start.footer"))
    return embed


def question_embed(game: Game, rnd: Round, words: Words) -> discord.Embed:
    """The question; while open, a live countdown (Discord renders `<t:…:R>` as "in 12 seconds")."""
    embed = discord.Embed(
        title=words("quiz.question.title", number=rnd.number, total=len(game.questions)),
        description=f"**{clip(rnd.question.text, limits.EMBED_DESCRIPTION - 4)}**",
        colour=ACCENT,
    )
    closes = (
        words("quiz.closed")
        if rnd.closed
        else words("quiz.closes", when=f"<t:{int(rnd.deadline)}:R>")
    )
    embed.add_field(name=words("quiz.time"), value=closes, inline=True)
    embed.add_field(name=words("quiz.topic"), value=words.choice(rnd.question.topic), inline=True)
    return embed


def answer_view(game: Game, rnd: Round) -> discord.ui.View:
    """One button per choice; once the round is closed, disabled with the right one in green."""
    view = discord.ui.View(timeout=None)
    for choice, label in enumerate(rnd.question.choices):
        style = discord.ButtonStyle.secondary
        if rnd.closed and choice == rnd.question.correct:
            style = discord.ButtonStyle.success
        view.add_item(
            discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL),
                custom_id=answer_id(game.id, rnd.number, choice),
                style=style,
                disabled=rnd.closed,
            )
        )
    view.stop()
    return view


def reveal_embed(game: Game, rnd: Round, words: Words) -> discord.Embed:
    """The right answer, the fact behind it, and who scored (or the quizmaster's sigh)."""
    question = rnd.question
    embed = discord.Embed(
        title=clip(words("quiz.answer.title", answer=question.answer), limits.EMBED_TITLE),
        description=clip(question.fact, limits.EMBED_DESCRIPTION),
        colour=ACCENT,
    )
    if rnd.winner is None:
        point = game.quizmaster.line("timeout", EVERYONE)
    else:
        winner = mention(rnd.winner)
        praise = game.quizmaster.line("approval", winner)
        point = praise if winner in praise else f"{winner} — {praise}"
    embed.add_field(name=words("quiz.point"), value=clip(point, limits.FIELD_VALUE), inline=False)
    if game.scores:
        score = standings_text(game.standings(), words, 5)
        embed.add_field(name=words("quiz.score"), value=score, inline=False)
    return embed


def final_embed(game: Game, ending: Ending, words: Words) -> discord.Embed:
    """The last word on a game; a shutdown says so in character before the standings."""
    standings = standings_text(game.standings(), words)
    if ending is Ending.SHUTDOWN:
        standings = f"{words('quiz.shutdown')}\n\n{standings}"
    embed = discord.Embed(title=words(TITLES[ending]), description=standings, colour=ACCENT)
    if game.stopped_by is not None:
        embed.add_field(name=words("quiz.stopped_by"), value=mention(game.stopped_by), inline=True)
    ranked = game.standings()
    best = mention(ranked[0].user_id) if ranked else EVERYONE
    verdict = game.quizmaster.line("verdict", best)
    embed.add_field(name="Lermontov", value=clip(verdict, limits.FIELD_VALUE))
    embed.set_footer(text=words("quiz.kept"))
    return embed


def interrupted_embed(
    record: GameRecord, standings: Sequence[Standing], words: Words
) -> discord.Embed:
    """A game the last process left running: it is over, and what it scored still counts."""
    embed = discord.Embed(
        title=words(TITLES[Ending.RESTART]),
        description=f"{words('quiz.interrupted')}\n\n{standings_text(standings, words)}",
        colour=ACCENT,
    )
    embed.set_footer(text=words("quiz.kept"))
    return embed


def leaderboard_embed(standings: Sequence[Standing], words: Words) -> discord.Embed:
    text = standings_text(standings, words) if standings else words("quiz.leaderboard.empty")
    return discord.Embed(title=words("quiz.leaderboard.title"), description=text, colour=ACCENT)
