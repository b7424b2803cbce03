"""Moderator lore messages: problems, previews, history, as text within Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence

from bot.lore.errors import LoreProblem
from bot.lore.forms import describe
from bot.lore.store.base import Change, Version
from bot.lore.transfer import ImportPlan
from bot.render.limits import CONTENT, clip

PROBLEMS_SHOWN = 15
IDS_SHOWN = 20


def problems_text(line: str, problems: Sequence[LoreProblem]) -> str:
    """A persona line, then each problem on its own line (the first few, when there are many)."""
    shown = [f"- `{clip(describe(p), 300)}`" for p in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        shown.append(f"…and {len(problems) - PROBLEMS_SHOWN} more")
    return clip("\n".join([line, *shown]), CONTENT)


def _listed(ids: Sequence[str]) -> str:
    listed = ", ".join(f"`{i}`" for i in ids[:IDS_SHOWN])
    return listed + (f" …and {len(ids) - IDS_SHOWN} more" if len(ids) > IDS_SHOWN else "")


def _ids(label: str, ids: Sequence[str]) -> str:
    return f"**{label}: {len(ids)}**" + (f" — {_listed(ids)}" if ids else "")


def plan_text(display: str, plan: ImportPlan) -> str:
    lines = [
        f"Import of `{clip(display, 100)}` would change this server's lore:",
        _ids("added", plan.added),
        _ids("replaced", plan.replaced),
        _ids("unchanged", plan.unchanged),
    ]
    if plan.empty:
        lines.append("Nothing to apply.")
    return clip("\n".join(lines), CONTENT)


def _version(version: Version, shipped: bool) -> str:
    """A version as a moderator reads it; no copy of the server's own means the shipped entry,
    or, for an entry the server added, nothing at all."""
    if version.hidden:
        return "hidden"
    if version.unreadable is not None:
        return "a copy that no longer validates"
    if version.entry is None:
        return "as shipped" if shipped else "nothing"
    return f"“{clip(version.entry.name, 60)}”: {clip(version.entry.summary, 80)}"


def change_line(change: Change, shipped: bool) -> str:
    when = int(change.at.timestamp())
    return (
        f"**r{change.revision}** {change.action} by <@{change.user_id}> <t:{when}:R> — "
        f"{_version(change.before, shipped)} → {_version(change.after, shipped)}"
    )


def history_text(entry_id: str, changes: Sequence[Change], shipped: bool) -> str:
    """`shipped`: whether the entry is in the shipped lore (else this server added it)."""
    if not changes:
        return f"`{entry_id}` is as shipped; nobody in this server has changed it."
    lines = [f"History of `{entry_id}` in this server (newest first):"]
    lines += [change_line(c, shipped) for c in changes]
    return clip("\n".join(lines), CONTENT)


def referrers_text(ids: Sequence[str]) -> str:
    """The warning before a removal that would leave other entries pointing at nothing."""
    return _about(
        ids, "{n} entries refer to it ({ids}); they will name it as plain text, without a link."
    )


def dangling_text(ids: Sequence[str]) -> str:
    """After a revert: the references it brought back that this server no longer has."""
    return _about(
        ids,
        "It refers to entries this server no longer has ({ids}); they are shown as plain text "
        "until you edit it.",
    )


def _about(ids: Sequence[str], sentence: str) -> str:
    """A line added to a reply about `ids`, or nothing when there are none."""
    return f"\n{sentence.format(n=len(ids), ids=_listed(ids))}" if ids else ""
