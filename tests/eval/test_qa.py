"""The chat evaluation: every question in qa.yaml against the shipped lore, scored as a whole.

A single wrong answer does not fail the suite (language is fuzzy); the accuracy falling under
90% does. The failures are printed so a regression is easy to read. heldout.yaml is scored the
same way but separately: it was written before its author read the answerer, so it measures how
the answerer does on questions nobody tuned it to, which qa.yaml no longer can.
general.yaml holds questions written for the kinds of question a blind evaluation found weak
(crew verbs, facts in an entry's prose, scenes by a word of their own, quotes by subject,
absent facts that must be declined). relations.yaml holds people named by a relation to
someone ("Vicky's husband"), the audition exchange asked in other words, and a scene's objects.
round3.yaml holds near misses (an entry sharing words but not answering), false declines and
declines that must stay honest. persona.yaml puts questions to Lermontov himself (answered in the
first person from persona lore); declines.yaml holds false premises, other subjects, persona
changes and secrets, all of which must be declined in character. focus.yaml holds answers that
must match what is asked (not the nearest entry) and follow-ups that name nothing. whole.yaml
holds messages asking several things at once, comparisons and sequences: every part answered.
followups.yaml holds pronouns and "after that" leaning on the right part of the last answer.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.lore.lorebook import Lorebook
from bot.lore.text import fold
from bot.persona.chat import Answerer, Reply
from bot.persona.lines import FALLBACKS

QA = Path(__file__).with_name("qa.yaml")
HELD_OUT = Path(__file__).with_name("heldout.yaml")
GENERAL = Path(__file__).with_name("general.yaml")
RELATIONS = Path(__file__).with_name("relations.yaml")
ROUND3 = Path(__file__).with_name("round3.yaml")
PERSONA = Path(__file__).with_name("persona.yaml")
DECLINES = Path(__file__).with_name("declines.yaml")
FOCUS = Path(__file__).with_name("focus.yaml")
WHOLE = Path(__file__).with_name("whole.yaml")
FOLLOW_UPS = Path(__file__).with_name("followups.yaml")
THRESHOLD = 0.90


def _alternatives(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def check(book: Lorebook, turn: dict[str, Any], reply: Reply) -> list[str]:
    """What is wrong with `reply` for this turn (empty when it is right)."""
    text = fold(reply.answer)
    problems = []
    expect = _alternatives(turn.get("expect"))
    if expect and not any(fold(e) in text for e in expect):
        problems.append(f"contains none of {expect}")
    problems += [f"lacks {e!r}" for e in turn.get("expect_all", []) if fold(e) not in text]
    source = _alternatives(turn.get("source"))
    if source and not set(source) & set(reply.sources):
        problems.append(f"sources {reply.sources} lack {source}")
    kind = turn.get("source_kind")
    if kind and not any((e := book.get(s)) and e.kind == kind for s in reply.sources):
        problems.append(f"no {kind} among sources {reply.sources}")
    purpose = turn.get("persona")
    if purpose:
        lines = [*book.persona(purpose), FALLBACKS[purpose]]
        heads = [fold(line.split("{name}")[-1]) for line in lines]
        if not any(h and h in text for h in heads):
            problems.append(f"is not a {purpose} line")
    if turn.get("unknown") and (reply.sources or reply.confidence >= 0.5):
        problems.append("claims to know")
    if not turn.get("unknown") and not purpose and not reply.sources:
        problems.append("answered without a source")
    return problems


def conversations(path: Path = QA) -> list[list[dict[str, Any]]]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return [case.get("turns", [case]) for case in cases]


def run_eval(book: Lorebook, path: Path = QA) -> tuple[int, list[str]]:
    """(number of turns, one line per failed turn)."""
    total, failures = 0, []
    for n, turns in enumerate(conversations(path)):
        answerer = Answerer(rng=random.Random(n))
        for turn in turns:
            total += 1
            reply = answerer.answer(book, turn["ask"], channel=n)
            problems = check(book, turn, reply)
            if problems:
                answer = reply.answer.replace("\n", " ")[:160]
                failures.append(f"{turn['ask']!r}: {'; '.join(problems)} -> {answer!r}")
    return total, failures


def test_qa_has_enough_questions() -> None:
    assert sum(len(t) for t in conversations()) >= 80
    assert sum(len(t) for t in conversations(HELD_OUT)) >= 60


@pytest.mark.parametrize(
    "path",
    [QA, HELD_OUT, GENERAL, RELATIONS, ROUND3, PERSONA, DECLINES, FOCUS, WHOLE, FOLLOW_UPS],
    ids=lambda path: path.stem,
)
def test_qa_accuracy(lorebook: Lorebook, path: Path) -> None:
    assert_accurate(lorebook, path)


def assert_accurate(book: Lorebook, path: Path) -> None:
    """The set's accuracy printed with its failures, and at least `THRESHOLD`."""
    total, failures = run_eval(book, path)
    accuracy = 1 - len(failures) / total
    print(f"\nchat eval {path.name}: {total - len(failures)}/{total} = {accuracy:.1%}")
    for failure in failures:
        print("  FAIL", failure)
    assert accuracy >= THRESHOLD, f"{path.name}: accuracy {accuracy:.1%} < {THRESHOLD:.0%}"
