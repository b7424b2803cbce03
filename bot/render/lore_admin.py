"""Moderator lore messages: problems, previews, history, as text within Discord's limits, in the
moderator's language (the problems themselves, from the lore checks, are in English)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.lore.errors import LoreProblem
from bot.lore.forms import describe
from bot.lore.store.base import Change, Version
from bot.lore.transfer import ImportPlan
from bot.render.limits import CONTENT, clip
from bot.render.words import Words

PROBLEMS_SHOWN = 15
IDS_SHOWN = 20


def problems_text(line: str, problems: Sequence[LoreProblem], words: Words) -> str:
    """A persona line, then each problem on its own line (the first few, when there are many)."""
    shown = [f"- `{clip(describe(p), 300)}`" for p in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        shown.append(words("lore.more", n=len(problems) - PROBLEMS_SHOWN))
    return clip("\n".join([line, *shown]), CONTENT)


def _listed(ids: Sequence[str], words: Words) -> str:
    listed = ", ".join(f"`{i}`" for i in ids[:IDS_SHOWN])
    more = len(ids) - IDS_SHOWN
    return listed + (f" {words('lore.more', n=more)}" if more > 0 else "")


def _ids(label: str, ids: Sequence[str], words: Words) -> str:
    return f"**{label}: {len(ids)}**" + (f" — {_listed(ids, words)}" if ids else "")


def plan_text(display: str, plan: ImportPlan, words: Words) -> str:
    lines = [
        words("lore.import.plan", file=clip(display, 100)),
        _ids(words("lore.import.added"), plan.added, words),
        _ids(words("lore.import.replaced"), plan.replaced, words),
        _ids(words("lore.import.unchanged"), plan.unchanged, words),
    ]
    if plan.empty:
        lines.append(words("lore.import.nothing"))
    return clip("\n".join(lines), CONTENT)


def _version(version: Version, shipped: bool, words: Words) -> str:
    """A version as a moderator reads it; no copy of the server's own means the shipped entry,
    or, for an entry the server added, nothing at all."""
    if version.hidden:
        return words("lore.version.hidden")
    if version.unreadable is not None:
        return words("lore.version.unreadable")
    if version.entry is None:
        return words("lore.version.shipped" if shipped else "lore.version.nothing")
    return f"“{clip(version.entry.name, 60)}”: {clip(version.entry.summary, 80)}"


def change_line(change: Change, shipped: bool, words: Words) -> str:
    return words(
        "lore.history.line",
        revision=change.revision,
        action=words(f"lore.action.{change.action}"),
        who=f"<@{change.user_id}>",
        when=f"<t:{int(change.at.timestamp())}:R>",
        before=_version(change.before, shipped, words),
        after=_version(change.after, shipped, words),
    )


def history_text(entry_id: str, changes: Sequence[Change], shipped: bool, words: Words) -> str:
    """`shipped`: whether the entry is in the shipped lore (else this server added it)."""
    if not changes:
        return words("lore.history.none", entry=entry_id)
    lines = [words("lore.history.title", entry=entry_id)]
    lines += [change_line(c, shipped, words) for c in changes]
    return clip("\n".join(lines), CONTENT)


def referrers_text(ids: Sequence[str], words: Words) -> str:
    """The warning before a removal that would leave other entries pointing at nothing."""
    return _about(ids, "lore.referrers", words)


def dangling_text(ids: Sequence[str], words: Words) -> str:
    """After a revert: the references it brought back that this server no longer has."""
    return _about(ids, "lore.dangling", words)


def _about(ids: Sequence[str], key: str, words: Words) -> str:
    """A line added to a reply about `ids`, or nothing when there are none."""
    return f"\n{words(key, n=len(ids), ids=_listed(ids, words))}" if ids else ""
