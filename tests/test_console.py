"""The offline console and the command line around it: text, JSON, clicks, forms, no token."""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.__main__ import build_parser
from bot.config import Settings
from bot.console import PROMPT, Console, draw_message, run_console
from bot.offline.payloads import Actor
from tests.conftest import LORE_DIR, REPO

MODERATOR = Actor(moderator=True)

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.not-a-real-token-but-shaped-like-one"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=tmp_path / "data")


async def test_one_command_prints_readable_text(settings):
    out = io.StringIO()
    code = await run_console(settings, Actor(), "/character name:vicky", out=out)
    text = out.getvalue()
    assert code == 0
    assert '┌─ Victoria "Vicky" Page' in text
    assert "│ ▸ Played by" in text
    assert "[1] Moira Shearer · option" in text
    assert "└─ Source: " in text


async def test_json_prints_the_exact_payloads(settings):
    out = io.StringIO()
    await run_console(settings, Actor(), "/person name:Moira Shearer", as_json=True, out=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["kind"] for r in records] == ["callback"]
    assert records[0]["payload"]["type"] == 4
    assert records[0]["payload"]["data"]["embeds"][0]["title"] == "Moira Shearer"
    assert records[0]["payload"]["data"]["allowed_mentions"] == {"parse": []}


async def test_a_wrong_command_is_a_clear_error(settings):
    out = io.StringIO()
    assert await run_console(settings, Actor(), "/nonesuch", out=out) == 2
    assert "error: no command /nonesuch" in out.getvalue()
    out = io.StringIO()
    assert await run_console(settings, Actor(), "/character nickname:x", out=out) == 2
    assert "has no option nickname" in out.getvalue()


async def test_a_session_clicks_completes_and_answers_forms(settings):
    lines = iter(
        [
            "/story",
            "click Next ▶",
            "complete /character name:lermon",
            "/lermontov play:true",
            "click 1",
            "Why do you want to live?",
            "help",
            "quit",
        ]
    )
    out = io.StringIO()
    code = await run_console(settings, Actor(), out=out, read=lambda _prompt: next(lines))
    text = out.getvalue()
    assert code == 0
    assert "page 2/2" in text
    assert "· Boris Lermontov  (boris-lermontov)" in text
    assert "[form: The audition]" in text
    assert "Boris Lermontov: Well, I don't know exactly why, but... I must." in text
    assert "**" not in text, "markup is drawn as Discord shows it"
    assert "click N | click LABEL" in text


async def test_the_moderator_workflow_runs_offline_from_export_to_revert(settings, tmp_path):
    """Export, edit the file, import it, confirm, see it, read its history, revert it."""
    edited: dict[str, str] = {}

    def session() -> Iterator[str]:
        yield "/lore export all:True"
        exported = yaml.safe_load((tmp_path / "lore-2001-all.yaml").read_text(encoding="utf-8"))
        entry = next(e for e in exported["entries"] if e["kind"] == "character")
        edited.update(id=entry["id"], summary=entry["summary"])
        entry["summary"] = "Rewritten in the offline console."
        upload = tmp_path / "mine.yaml"
        upload.write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
        yield f"/lore import file:{upload}"
        yield "click Confirm"
        yield f"/character name:{entry['id']}"
        yield f"/lore history entry:{entry['id']}"
        yield f"/lore revert entry:{entry['id']} revision:0"
        yield f"/character name:{entry['id']}"
        yield "quit"

    lines = session()
    out = io.StringIO()
    code = await run_console(
        settings, MODERATOR, out=out, read=lambda _prompt: next(lines), folder=tmp_path
    )
    text = out.getvalue()
    assert code == 0
    assert f"(file saved: {tmp_path / 'lore-2001-all.yaml'})" in text
    preview, rest = text.split("Imported: 1 entries changed.")
    assert f"replaced: 1 — {edited['id']}" in preview
    changed, reverted = rest.split("as r2.")
    assert "│ Rewritten in the offline console." in changed
    assert re.search(r"r1 import by @you (just now|\d+ seconds? ago) — ", changed)
    assert "<@" not in text and "<t:" not in text
    assert "Rewritten" not in reverted
    assert edited["summary"].split()[0] in reverted


async def test_an_upload_that_cannot_be_sent_is_refused_and_nothing_changes(settings, tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:
        file.truncate(10 * 1024 * 1024)
    lines = iter(
        [
            f"/lore import file:{tmp_path / 'missing.yaml'}",
            f"/lore import file:{tmp_path}",
            f"/lore import file:{big}",
            "/lore export",
            "quit",
        ]
    )
    out = io.StringIO()
    await run_console(
        settings, MODERATOR, out=out, read=lambda _prompt: next(lines), folder=tmp_path
    )
    said = out.getvalue().splitlines()
    assert said[1:3] == [
        f"error: no file at {tmp_path / 'missing.yaml'}",
        f"error: {tmp_path} is a directory, not a file",
    ]
    assert "file is 10.0 MiB; the limit is 1024 KiB" in out.getvalue()
    refusals = out.getvalue().split("The lore, as a lore file.")[0]
    assert refusals.count("(thinking…)") == 1, (
        "only the export defers: the import was refused unread"
    )
    exported = yaml.safe_load((tmp_path / "lore-2001.yaml").read_text(encoding="utf-8"))
    assert exported == {"entries": []}


def test_draw_message_marks_private_answers():
    assert draw_message({"content": "Hm.", "flags": 64}) == "(only you can see this)\nHm."


def _cli(tmp_path: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "LORE_DIR": str(LORE_DIR),
        "DATA_DIR": str(tmp_path / "data"),
    }
    if token is not None:
        env["DISCORD_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        input="/film\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_token_explains_and_opens_the_console(tmp_path):
    result = _cli(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No DISCORD_TOKEN is set" in result.stderr
    assert "┌─ The Red Shoes" in result.stdout


def test_a_malformed_token_is_one_line_that_never_echoes_it(tmp_path):
    secret = "Bot " + TOKEN
    for args in ((), ("run",)):
        result = _cli(tmp_path, *args, token=secret)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1
        assert "DISCORD_TOKEN" in result.stderr
        assert TOKEN not in result.stderr + result.stdout
        assert "AbCdEf" not in result.stderr + result.stdout


async def test_an_export_that_cannot_be_saved_is_an_error_and_a_failing_exit(settings, tmp_path):
    """Defect 12: the bot answered, but the file never reached the disk; -c must say so."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    out = io.StringIO()
    code = await run_console(settings, MODERATOR, "/lore export", out=out, folder=blocked)
    assert code == 1
    [said] = [line for line in out.getvalue().splitlines() if line.startswith("error:")]
    assert said.startswith(f"error: could not save lore-2001.yaml into {blocked}: ")
    assert "(file saved" not in out.getvalue()
    assert "small disaster" not in out.getvalue() and "backstage" not in out.getvalue()
    assert blocked.read_text(encoding="utf-8") == "a file where the folder should be"


async def test_a_missing_required_option_is_named_not_a_traceback(settings):
    for line, needed in [
        ("/character", "/character needs name:"),
        ("/lore history", "/lore history needs entry:"),
    ]:
        out = io.StringIO()
        assert await run_console(settings, MODERATOR, line, out=out) == 2
        assert out.getvalue().startswith(f"error: {needed}"), out.getvalue()


async def test_a_server_only_command_in_a_dm_is_refused_as_discord_would(settings):
    out = io.StringIO()
    code = await run_console(settings, Actor(guild_id=None), "/quiz start", out=out)
    assert code == 2
    assert out.getvalue() == "error: /quiz is only available in a server (drop --dm)\n"


async def test_buttons_are_clicked_by_their_words_without_symbols_or_case(settings):
    lines = iter(["/story", "click next", "click PREVIOUS", "quit"])
    out = io.StringIO()
    await run_console(settings, Actor(), out=out, read=lambda _prompt: next(lines))
    text = out.getvalue()
    assert "nothing to press" not in text
    assert "page 2/" in text and text.count("page 1/") == 2


def _form_answers(answers: dict[str, str], commands: list[str], prompts: list[str]):
    """A reader that types `commands`, answers each form field by its label's first word
    (Enter when not listed), and notes every prompt it was shown."""
    lines = iter(commands)

    def read(prompt: str) -> str:
        prompts.append(prompt)
        if prompt == "redshoes> ":
            return next(lines)
        return answers.get(prompt.split()[0], "")

    return read


async def test_an_edit_form_keeps_every_value_it_was_not_given(settings):
    prompts: list[str] = []
    read = _form_answers(
        {"Summary": "Edited in the console."},
        ["/lore edit entry:vicky-page", "/character name:vicky-page", "quit"],
        prompts,
    )
    out = io.StringIO()
    await run_console(settings, MODERATOR, out=out, read=read)
    text = out.getvalue()
    assert "Saved `vicky-page`" in text or "Saved vicky-page" in text, text
    shown = text.split("Saved")[-1]
    assert "│ Edited in the console." in shown
    assert "│ ▸ Played by" in shown, "the details were kept, not emptied"
    assert '┌─ Victoria "Vicky" Page' in shown
    assert any("Enter keeps it" in p for p in prompts)


async def test_an_add_form_shows_its_template_and_takes_new_lines(settings):
    details = "topic: film\\nsources:\\n  - title: Console notes"
    prompts: list[str] = []
    read = _form_answers(
        {"Id": "t-console", "Name": "A console fact", "Summary": "Typed here.", "Other": details},
        ["/lore add kind:trivia", "/trivia", "quit"],
        prompts,
    )
    out = io.StringIO()
    await run_console(settings, MODERATOR, out=out, read=read)
    text = out.getvalue()
    assert "work: the-red-shoes-film" in text, "the template is shown before its prompt"
    assert "Saved t-console" in text or "Saved `t-console`" in text, text


async def test_output_arriving_at_the_prompt_starts_on_its_own_line(harness, tmp_path):
    """A quiz's reveal or a timed-out audition lands while the prompt waits for typing: it must
    not be written onto the prompt line, and the prompt is shown again after it."""
    out = io.StringIO()
    console = Console(harness, out, False, tmp_path)
    shown, release = threading.Event(), threading.Event()

    def read(prompt: str) -> str:
        out.write(prompt)
        shown.set()
        release.wait(5)
        out.write("quit\n")  # the terminal echoes what was typed, and the Enter
        return "quit"

    typed = asyncio.create_task(console.ask(read, PROMPT))
    await asyncio.to_thread(shown.wait, 5)
    await harness.bot.get_partial_messageable(5).send("A late line.")
    release.set()
    assert await typed == "quit"
    await harness.bot.get_partial_messageable(5).send("Not at a prompt.")
    assert out.getvalue() == f"{PROMPT}\nA late line.\n{PROMPT}quit\nNot at a prompt.\n"


async def test_a_line_that_is_not_a_command_is_said_to_him_with_follow_ups(settings):
    out = io.StringIO()
    lines = iter(["who is vicky?", "who played her?", "quit"])
    code = await run_console(settings, Actor(), out=out, read=lambda _prompt: next(lines))
    assert code == 0
    text = out.getvalue()
    assert "Moira Shearer played" in text
    assert 'from Victoria "Vicky" Page' in text


async def test_a_chat_line_in_a_dm_with_json_is_one_answer_object(settings):
    out = io.StringIO()
    dm = Actor(guild_id=None)
    assert await run_console(settings, dm, "who played Lermontov?", as_json=True, out=out) == 0
    reply = json.loads(out.getvalue().strip().splitlines()[-1])
    assert "Anton Walbrook" in reply["answer"]
    assert set(reply) == {"answer", "sources", "confidence", "backend"}


async def test_the_console_types_in_another_language_with_locale(settings):
    lines = iter(["/story", "click suivant", "quit"])
    out = io.StringIO()
    await run_console(settings, Actor(locale="fr"), out=out, read=lambda _prompt: next(lines))
    text = out.getvalue()
    assert "Suivant ▶" in text and "Précédent" in text
    assert "nothing to press" not in text
    assert build_parser().parse_args(["console", "--locale", "ja"]).locale == "ja"
