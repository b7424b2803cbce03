"""The audition script: steps from the lore's dialogue entry, and the film's reply to Vicky."""

from __future__ import annotations

from bot.lore.model import ENTRY_ADAPTER, Dialogue
from bot.persona.replay import films_reply, replay_steps, speaker_name
from tests.conftest import the_audition


def test_steps_follow_the_lore_line_by_line(lorebook):
    dialogue = the_audition(lorebook)
    steps = replay_steps(lorebook, dialogue)
    assert [(s.speaker_id, s.line, s.pause) for s in steps] == [
        (ln.speaker, ln.line, ln.pause) for ln in dialogue.lines
    ]
    assert steps[0].speaker == "Boris Lermontov"
    assert steps[0].line == "Why do you want to dance?"


def test_the_films_reply_is_lermontovs_line_after_vickys_answer(lorebook):
    assert films_reply(the_audition(lorebook)) == "Well, I don't know exactly why, but... I must."


def test_a_dialogue_without_a_reply_and_an_unknown_speaker(lorebook):
    dialogue = ENTRY_ADAPTER.validate_python(
        {
            "id": "two-lines",
            "kind": "dialogue",
            "name": "Two lines",
            "summary": "s",
            "context": "c",
            "sources": [{"title": "t"}],
            "lines": [
                {"speaker": "boris-lermontov", "line": "Why?"},
                {"speaker": "vicky-page", "line": "Why not?"},
            ],
        }
    )
    assert isinstance(dialogue, Dialogue)
    assert films_reply(dialogue) is None
    assert speaker_name(lorebook, "the-stage-door-man") == "The Stage Door Man"
