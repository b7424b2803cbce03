"""The offline console: the real command handlers, the shipped lore, and no Discord at all.

Type `/character name:vicky` and the bot's answer is drawn as text (embeds as boxes, buttons
numbered); `click 2` presses the second button or option. `--json` prints the exact payloads
instead. An attachment option takes a local path (`/lore import file:mine.yaml`), and files the
bot sends are saved into `--out` (the current folder by default). Everything runs through
`bot.offline`, the same layer the command tests use.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TextIO, cast

from discord import AppCommandOptionType

from bot.app import create_bot
from bot.config import Settings
from bot.offline.harness import Harness, HarnessError, Pending, controls
from bot.offline.markup import readable
from bot.offline.payloads import Actor, OptionValue
from bot.offline.recorder import Call
from bot.offline.uploads import LocalFiles, UploadError, save
from bot.persona.llm.reply import VoicedReply

PROMPT = "redshoes> "
WIDTH = 78
QUIET = 0.3
CALLBACK_NAMES = {5: "(thinking…)", 6: None}
HELP = """\
  /command option:value ...   run a slash command, e.g. /character name:vicky
                              (a file option takes a local path: /lore import file:mine.yaml)
  complete /command opt:text  show the autocomplete choices for the last option
  click N | click LABEL       press a button or pick a select option of the last message
                              (a label by its words: `click next` presses "Next ▶")
  anything else               say it to Lermontov, as in this channel (he remembers the
                              conversation: try "who is vicky?" then "who played her?")
  quit                        leave (Ctrl-D works too)"""
FORM_HELP = (
    "A form: answer each field (type \\n for a new line). A value already filled in is shown;"
    " Enter keeps it, - empties it."
)
OPTION = re.compile(r"(?:^|\s)([a-z_]+):")
TRUE = {"true", "yes", "y", "1", "on"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c", dest="command_line", metavar="COMMAND", help="run one command and exit"
    )
    parser.add_argument("--json", action="store_true", help="print the exact Discord payloads")
    parser.add_argument("--guild", type=int, default=2001, help="server id the commands come from")
    parser.add_argument("--user", type=int, default=1001, help="user id of the person typing")
    parser.add_argument("--moderator", action="store_true", help="type as a server moderator")
    parser.add_argument("--dm", action="store_true", help="type in a direct message, not a server")
    parser.add_argument(
        "--locale",
        default="en-GB",
        help="the Discord language of the person typing (fr, de, es-ES, ja): replies follow it",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("."), help="folder for files the bot sends (exports)"
    )


def parse_command(harness: Harness, line: str) -> tuple[str, dict[str, OptionValue]]:
    """`/lore add name:Some thing` → ("lore add", {"name": "Some thing"}), typed per option."""
    text = line.strip().removeprefix("/")
    marks = list(OPTION.finditer(text))
    path = text[: marks[0].start()].strip() if marks else text.strip()
    command, _ = harness.command_for(path)
    types = {p.name: p.type.value for p in command.parameters}
    options: dict[str, OptionValue] = {}
    ends = [m.start() for m in marks[1:]] + [len(text)] * bool(marks)
    for mark, end in zip(marks, ends, strict=True):
        raw = text[mark.end() : end].strip()
        options[mark.group(1)] = convert(raw, types.get(mark.group(1), 3))
    return path, options


def convert(raw: str, option_type: int) -> OptionValue:
    if option_type == 4:
        return int(raw)
    if option_type == 10:
        return float(raw)
    if option_type == 5:
        return raw.casefold() in TRUE
    return raw


def draw_embed(embed: Mapping[str, Any], you: int | None = None) -> list[str]:
    def read(text: str) -> str:
        return readable(text, you=you)

    out = [f"┌─ {read(embed.get('title', ''))}"]
    for paragraph in read(embed.get("description") or "").split("\n"):
        out += textwrap.wrap(paragraph, WIDTH, initial_indent="│ ", subsequent_indent="│ ") or ["│"]
    for field in embed.get("fields", []):
        out.append(f"│ ▸ {read(field['name'])}")
        for line in read(field["value"]).split("\n"):
            out += textwrap.wrap(line, WIDTH - 5, initial_indent="│   ", subsequent_indent="│   ")
    if "footer" in embed:
        out.append(f"└─ {read(embed['footer'].get('text', ''))}")
    return out


def draw_message(data: Mapping[str, Any], you: int | None = None) -> str:
    """A message as text, as a person reads it in Discord (markup rendered, `you` being the
    reader's id): content, embeds as boxes, then its controls numbered for `click`."""
    out: list[str] = []
    if (data.get("flags") or 0) & 64:
        out.append("(only you can see this)")
    if data.get("content"):
        out.append(readable(str(data["content"]), you=you))
    for embed in data.get("embeds") or []:
        out += draw_embed(embed, you)
    for number, control in enumerate(controls(data), start=1):
        state = " (disabled)" if control.disabled else ""
        kind = "option" if control.value is not None else "button"
        out.append(f"  [{number}] {control.label}{state} · {kind}")
    return "\n".join(out)


def draw(call: Call, you: int | None = None) -> str | None:
    """One recorded call as the console shows it (None: nothing worth showing)."""
    payload = call.payload or {}
    if call.kind == "typing":
        return "(Lermontov is typing…)"
    if call.kind == "callback":
        kind = payload["type"]
        data = payload.get("data") or {}
        if kind in CALLBACK_NAMES:
            return CALLBACK_NAMES[kind]
        if kind == 8:
            return "\n".join(f"  · {c['name']}  ({c['value']})" for c in data.get("choices", []))
        if kind == 9:
            return f"[form: {data.get('title', '')}]"
        return draw_message(data, you)
    if call.kind == "edit":
        return "(edited) " + (draw_message(payload, you) or "buttons removed")
    if call.kind in {"followup", "message"}:
        return draw_message(payload, you)
    return None


class _Chatting(Protocol):
    """The chat cog as the console uses it (extensions are loaded as their own module objects,
    so the console names the method it needs rather than the class)."""

    async def reply(
        self, guild_id: int | None, channel_id: int, text: str, name: str | None = None
    ) -> VoicedReply: ...


class Console:
    """One console session: reads lines, runs them, prints what the bot sent."""

    def __init__(self, harness: Harness, out: TextIO, as_json: bool, folder: Path) -> None:
        self.harness = harness
        self.out = out
        self.as_json = as_json
        self.folder = folder
        self.files = LocalFiles()
        self.failures: list[str] = []
        self.prompt: str | None = None
        harness.recorder.listeners.append(self._print)
        self.files.install(harness.bot)

    def _save(self, call: Call) -> list[str]:
        """Write the files the bot sent; one that cannot be written is an error of this console
        (the bot did its part), kept in `failures` so `-c` exits non-zero with the reason."""
        saved = []
        for upload in call.files:
            try:
                saved.append(str(save(upload, self.folder)))
            except OSError as error:
                reason = f"could not save {upload.filename} into {self.folder}: {error.strerror}"
                self.failures.append(reason)
                self._show(f"error: {reason}")
        return saved

    def _print(self, call: Call) -> None:
        saved = self._save(call)
        if self.as_json:
            record = {
                "kind": call.kind,
                "method": call.method,
                "url": call.url,
                "payload": call.payload,
                "saved": saved,
            }
            self._show(json.dumps(record, ensure_ascii=False))
            return
        text = draw(call, self.harness.actor.user_id)
        shown = ([text] if text else []) + [f"(file saved: {path})" for path in saved]
        if shown:
            self._show("\n".join(shown))

    def _show(self, text: str) -> None:
        """Print what the bot sent on lines of its own. It may arrive while a prompt waits for
        typing (a quiz's reveal, a timed-out audition): then it moves off the prompt's line
        first and shows the prompt again after it, with what was typed so far."""
        if self.prompt is None:
            print(text, file=self.out, flush=True)
            return
        tty = self.out.isatty()
        start = "\r\x1b[K" if tty else "\n"
        self.out.write(f"{start}{text}\n{self.prompt}{_typed_so_far() if tty else ''}")
        self.out.flush()

    async def ask(self, read: Callable[[str], str], prompt: str) -> str:
        """Read one line after `prompt`, noting that the prompt is showing meanwhile."""
        self.prompt = prompt
        try:
            return await asyncio.to_thread(read, prompt)
        finally:
            self.prompt = None

    def command_payload(self, line: str, complete: bool = False) -> dict[str, Any]:
        """The payload for a typed command; a file option's local path becomes an attachment."""
        path, options = parse_command(self.harness, line)
        command, root = self.harness.command_for(path)
        top = self.harness.bot.tree.get_command(root)
        if self.harness.actor.guild_id is None and top is not None and top.guild_only:
            raise HarnessError(f"/{root} is only available in a server (drop --dm)")
        attachments = {}
        for parameter in command.parameters:
            if parameter.type is AppCommandOptionType.attachment and parameter.name in options:
                attachment = self.files.attach(Path(str(options[parameter.name])).expanduser())
                options[parameter.name] = attachment["id"]
                attachments[attachment["id"]] = attachment
        if complete and not options:
            raise HarnessError("name the option to complete, e.g. name:vic")
        focused = list(options)[-1] if complete else None
        payload = self.harness.command_payload(path, options, focused, attachments=attachments)
        missing = [p.name for p in command.parameters if p.required and p.name not in options]
        if missing and not complete:
            needed = " ".join(f"{name}:" for name in missing)
            raise HarnessError(f"/{path} needs {needed} (e.g. /{path} {missing[0]}:…)")
        return payload

    def dispatch(self, line: str) -> Pending | None:
        """Start what `line` asks for; None when it was not an interaction (or was wrong)."""
        line = line.strip()
        try:
            if line.startswith("/"):
                return self.harness.dispatch(self.command_payload(line))
            if line.startswith("complete "):
                payload = self.command_payload(line.removeprefix("complete "), complete=True)
                return self.harness.dispatch(payload)
            if line.startswith("click "):
                target = line.removeprefix("click ").strip()
                return self.harness.dispatch(self.harness.click_payload(target))
        except (HarnessError, UploadError, ValueError) as error:
            print(f"error: {error}", file=self.out)
            return None
        print(HELP, file=self.out)
        return None

    def is_chat(self, line: str) -> bool:
        """A line that is not a command, a click or `help` is said to the bot."""
        line = line.strip()
        first = line.split()[0] if line else ""
        return (
            bool(line) and not line.startswith("/") and first not in {"complete", "click", "help"}
        )

    async def chat(self, line: str) -> None:
        """Say `line` in the console's channel (or DM) and print the chat cog's reply."""
        cog = self.harness.bot.get_cog("Chat")
        if cog is None or not hasattr(cog, "reply"):
            print("error: the chat cog is not loaded", file=self.out)
            return
        actor = self.harness.actor
        reply = await cast(_Chatting, cog).reply(actor.guild_id, actor.channel_id, line.strip())
        if self.as_json:
            record = {
                "answer": reply.answer,
                "sources": reply.sources,
                "confidence": reply.confidence,
                **reply.labels(),
            }
            print(json.dumps(record, ensure_ascii=False), file=self.out, flush=True)
        else:
            print(readable(reply.answer, you=self.harness.actor.user_id), file=self.out, flush=True)

    async def settle(self, pending: Pending) -> None:
        """Wait until the handler is done, or is waiting on the user (a button or a form)."""
        seen = -1
        while pending.tasks:
            done, _ = await asyncio.wait(pending.tasks, timeout=QUIET)
            if len(done) == len(pending.tasks):
                return
            calls = pending.so_far().calls
            if len(calls) == seen and calls and _awaits_user(calls[-1]):
                return
            seen = len(calls)

    async def form(self, pending: Pending, read: Callable[[str], str]) -> Pending | None:
        """If the bot answered with a form, ask for each field and submit it."""
        forms = [c for c in pending.so_far().of("callback") if c.get("type") == 9]
        if not forms:
            return None
        data = forms[-1]["data"]
        print(FORM_HELP, file=self.out, flush=True)
        values = {}
        for row in data.get("components", []):
            for field in row.get("components", []):
                values[field["custom_id"]] = await self._field(field, read)
        return self.harness.dispatch(self.harness.submit_payload(data["custom_id"], values))

    async def _field(self, field: Mapping[str, Any], read: Callable[[str], str]) -> str:
        """One form field: its pre-filled value is shown and kept unless something is typed,
        as in Discord's form, where a pre-filled value stays until it is edited."""
        current = str(field.get("value") or "")
        if not current:
            typed = await self.ask(read, f"{field['label']} > ")
            return typed.replace("\\n", "\n")
        print(f"{field['label']}:", file=self.out)
        print(textwrap.indent(current, "  │ ", lambda _line: True).rstrip("\n"), file=self.out)
        typed = await self.ask(read, f"{field['label']} (Enter keeps it) > ")
        if not typed:
            return current
        return "" if typed.strip() == "-" else typed.replace("\\n", "\n")


def _typed_so_far() -> str:
    """What the person has typed at the prompt, when readline edits the line (a terminal)."""
    try:
        import readline
    except ImportError:  # not every platform's Python has it
        return ""
    return readline.get_line_buffer()


def _awaits_user(call: Call) -> bool:
    payload = call.payload or {}
    data = payload.get("data", payload)
    return bool(data.get("components")) or payload.get("type") in {8, 9}


async def run_console(
    settings: Settings,
    actor: Actor,
    command: str | None = None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
    read: Callable[[str], str] = input,
    folder: Path = Path("."),
) -> int:
    """Run one command (`command`) or an interactive session; 0 unless the command was wrong
    (2) or what the bot sent could not be saved (1).

    Files the bot sends are saved into `folder`.
    """
    bot = create_bot(settings)
    if not settings.owner_ids:
        bot.owner_id = actor.user_id  # whoever runs the console runs the bot, and so owns it
    async with Harness.running(bot, actor) as harness:
        console = Console(harness, out, as_json, folder)
        if command is not None and console.is_chat(command):
            await console.chat(command)
            return 0
        if command is not None:
            pending = console.dispatch(command)
            if pending is None:
                return 2
            if pending.tasks:
                await asyncio.wait(pending.tasks)
            return 1 if console.failures else 0
        print("Offline console: the bot's own handlers, no Discord. Type `help`.", file=out)
        while True:
            try:
                line = await console.ask(read, PROMPT)
            except EOFError:
                return 0
            if line.strip() in {"quit", "exit"}:
                return 0
            if console.is_chat(line):
                await console.chat(line)
                continue
            pending = console.dispatch(line) if line.strip() else None
            while pending is not None:
                await console.settle(pending)
                pending = await console.form(pending, read)


def console_main(args: argparse.Namespace, settings: Settings) -> int:
    actor = Actor(
        user_id=args.user,
        guild_id=None if args.dm else args.guild,
        moderator=args.moderator,
        locale=args.locale,
    )
    return asyncio.run(run_console(settings, actor, args.command_line, args.json, folder=args.out))
