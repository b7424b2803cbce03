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

ANSWER_ID = r"quiz:(?P<game>[0-9a-f]{1,20}):(?P<round>[0-9]{1,3}):(?P<choice>[0-9])"
"""The custom id of an answer button, as the dynamic item's template."""
LEADERBOARD_SIZE = 10
EVERYONE = "ladies and gentlemen"
"""Who a line's `{name}` addresses when no one player is meant."""

VERDICTS: dict[Verdict, str] = {
    Verdict.CORRECT: "Correct. The point is yours.",
    Verdict.WRONG: "No. That was your one answer for this question.",
    Verdict.TWICE: "You have already answered this question. Once is enough.",
    Verdict.CLOSED: "Too late: this question is closed. Wait for the next one.",
    Verdict.NO_GAME: "That game is over. Start a new one with /quiz start.",
}
"""The ephemeral reply to each kind of click."""

TITLES: dict[Ending, str] = {
    Ending.FINISHED: "The quiz is over",
    Ending.STOPPED: "The quiz was stopped",
    Ending.ERROR: "The quiz had to stop",
    Ending.RESTART: "The quiz was interrupted",
}


def answer_id(game_id: str, round_number: int, choice: int) -> str:
    return f"quiz:{game_id}:{round_number}:{choice}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def standings_text(standings: Sequence[Standing], limit: int = LEADERBOARD_SIZE) -> str:
    """Ranked players as mentions (rendered as names, never pinging: mentions are disabled)."""
    lines = [
        f"**{rank}.** {mention(s.user_id)} — {plural(s.points, 'point')}"
        for rank, s in enumerate(standings[:limit], start=1)
    ]
    return "\n".join(lines) or "Nobody scored."


def mention(user_id: int) -> str:
    """Shown as the member's name; never a ping, since every message disables mentions."""
    return f"<@{user_id}>"


def start_embed(game: Game) -> discord.Embed:
    record = game.record
    line = game.quizmaster.line("greeting", mention(record.starter_id))
    embed = discord.Embed(
        title=f"Quiz: {plural(record.rounds, 'question')}",
        description=clip(line, limits.EMBED_DESCRIPTION),
        colour=ACCENT,
    )
    embed.add_field(name="Topic", value=record.topic, inline=True)
    embed.add_field(name="Started by", value=mention(record.starter_id), inline=True)
    embed.set_footer(text="One answer each per question; the first right answer scores.")
    return embed


def question_embed(game: Game, rnd: Round) -> discord.Embed:
    """The question; while open, a live countdown (Discord renders `<t:…:R>` as "in 12 seconds")."""
    embed = discord.Embed(
        title=f"Question {rnd.number} of {len(game.questions)}",
        description=f"**{clip(rnd.question.text, limits.EMBED_DESCRIPTION - 4)}**",
        colour=ACCENT,
    )
    closes = "Closed." if rnd.closed else f"Closes <t:{int(rnd.deadline)}:R>"
    embed.add_field(name="Time", value=closes, inline=True)
    embed.add_field(name="Topic", value=rnd.question.topic, inline=True)
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


def reveal_embed(game: Game, rnd: Round) -> discord.Embed:
    """The right answer, the fact behind it, and who scored (or the quizmaster's sigh)."""
    question = rnd.question
    embed = discord.Embed(
        title=clip(f"The answer: {question.answer}", limits.EMBED_TITLE),
        description=clip(question.fact, limits.EMBED_DESCRIPTION),
        colour=ACCENT,
    )
    if rnd.winner is None:
        point = game.quizmaster.line("timeout", EVERYONE)
    else:
        winner = mention(rnd.winner)
        praise = game.quizmaster.line("approval", winner)
        point = praise if winner in praise else f"{winner} — {praise}"
    embed.add_field(name="Point", value=clip(point, limits.FIELD_VALUE), inline=False)
    if game.scores:
        embed.add_field(name="Score", value=standings_text(game.standings(), 5), inline=False)
    return embed


def final_embed(game: Game, ending: Ending) -> discord.Embed:
    embed = discord.Embed(
        title=TITLES[ending],
        description=standings_text(game.standings()),
        colour=ACCENT,
    )
    if game.stopped_by is not None:
        embed.add_field(name="Stopped by", value=mention(game.stopped_by), inline=True)
    standings = game.standings()
    best = mention(standings[0].user_id) if standings else EVERYONE
    verdict = game.quizmaster.line("verdict", best)
    embed.add_field(name="Lermontov", value=clip(verdict, limits.FIELD_VALUE))
    embed.set_footer(text="Points are kept: /quiz leaderboard")
    return embed


def interrupted_embed(record: GameRecord, standings: Sequence[Standing]) -> discord.Embed:
    """A game the last process left running: it is over, and what it scored still counts."""
    embed = discord.Embed(
        title=TITLES[Ending.RESTART],
        description=(
            "I was restarted during this game, so it is over.\n\n" + standings_text(standings)
        ),
        colour=ACCENT,
    )
    embed.set_footer(text="Points are kept: /quiz leaderboard")
    return embed


def leaderboard_embed(standings: Sequence[Standing]) -> discord.Embed:
    text = standings_text(standings) if standings else "No points yet. Begin with /quiz start."
    return discord.Embed(title="Quiz leaderboard", description=text, colour=ACCENT)
