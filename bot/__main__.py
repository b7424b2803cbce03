"""Command line: `python -m bot [run | console | ask | commands | lore check|export|schema]`.

With no subcommand it runs the bot when a token is configured and otherwise explains why not and
opens the offline console, so a newcomer sees the bot answer at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import Settings, SettingsProblem
from bot.console import add_arguments as add_console_arguments
from bot.console import console_main
from bot.lore.errors import LoreError
from bot.lore.export import dump_lore
from bot.lore.library import LoreLibrary
from bot.lore.loader import check_lore, load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import lore_json_schema
from bot.lore.store.backup import backup, restore
from bot.lore.store.base import StorageError
from bot.lore.store.database import DB_NAME
from bot.lore.store.opening import open_guild_store, stores_exist
from bot.persona.llm.reply import VoicedReply
from bot.render.words import LOCALES, LocaleError


def _lore_check(args: argparse.Namespace, settings: Settings) -> int:
    checked = Path(args.path) if args.path else settings.lore_dir
    problems = check_lore(checked)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {checked}", file=sys.stderr)
        return 1
    print(f"{checked}: lore is valid", file=sys.stderr)
    return 0


def _lore_export(args: argparse.Namespace, settings: Settings) -> int:
    book = load_lore(Path(args.dir) if args.dir else settings.lore_dir)
    sys.stdout.write(dump_lore(book.entries))
    return 0


def _lore_schema(args: argparse.Namespace, settings: Settings) -> int:
    print(json.dumps(lore_json_schema(), indent=2, ensure_ascii=False))
    return 0


NO_TOKEN = (
    "No DISCORD_TOKEN is set, so the bot cannot log in to Discord. A token is the password of a "
    "bot account: create one at https://discord.com/developers/applications, put it in .env as "
    "DISCORD_TOKEN=..., invite the bot to a server and run `make run` (or `.venv/bin/python -m "
    "bot run`). Meanwhile, here is the offline console: the same commands, answered right here."
)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run_bot

    problem = settings.token_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return run_bot(settings)


async def _book_for(settings: Settings, guild_id: int | None) -> Lorebook:
    """The lore a server sees: the shipped lore, merged with that server's own (in DATABASE_URL,
    else under DATA_DIR)."""
    shipped = load_lore(settings.lore_dir)
    if guild_id is None or not stores_exist(settings.database(), settings.data_dir):
        return shipped
    store = await open_guild_store(settings.database(), settings.data_dir)
    try:
        return await LoreLibrary(shipped, store).book_for(guild_id)
    finally:
        await store.close()


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    """Print Lermontov's replies to a message and each `--then` message after it, as one
    conversation in one channel (so "and who played her?" leans on the answer before)."""
    for n, reply in enumerate(asyncio.run(_asked(args, settings))):
        if args.json:
            payload = {
                "answer": reply.answer,
                "sources": reply.sources,
                "confidence": round(reply.confidence, 3),
                **reply.labels(),
            }
            print(json.dumps(payload, ensure_ascii=False))
        else:
            print(f"{'' if n == 0 else chr(10)}{reply.answer}")
    return 0


async def _asked(args: argparse.Namespace, settings: Settings) -> list[VoicedReply]:
    """The replies the chat would send, through the same path (and model, if configured)."""
    from bot.persona.chat import Answerer
    from bot.persona.llm.reply import respond, voice_for

    book = await _book_for(settings, args.guild)
    voice = voice_for(settings.llm())
    answerer = Answerer()
    channel = (args.guild, args.user)
    try:
        return [
            await respond(voice, answerer, book, text, channel, args.guild)
            for text in [" ".join(args.text), *args.then]
        ]
    finally:
        if voice is not None:
            await voice.close()


ON_POSTGRES = (
    "DATABASE_URL is set: the database is PostgreSQL's; copy it with pg_dump and put it back "
    "with pg_restore (see the README)"
)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    """A consistent copy of the SQLite database (its write-ahead log included), bot running."""
    if settings.database() is not None:
        print(f"error: {ON_POSTGRES}", file=sys.stderr)
        return 2
    backup(settings.data_dir / DB_NAME, Path(args.file))
    print(f"{settings.data_dir / DB_NAME} copied to {args.file}", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    """Put a copy back in place of the SQLite database, keeping the one it replaces."""
    if settings.database() is not None:
        print(f"error: {ON_POSTGRES}", file=sys.stderr)
        return 2
    kept = restore(Path(args.file), settings.data_dir / DB_NAME)
    replaced = f"; the one it replaced is {kept}" if kept else ""
    print(f"{args.file} restored to {settings.data_dir / DB_NAME}{replaced}", file=sys.stderr)
    return 0


def _commands(args: argparse.Namespace, settings: Settings) -> int:
    """Print the command definitions a sync would send: readable, or as Discord's JSON."""
    from bot.definitions import describe, offline_definitions

    payloads = asyncio.run(offline_definitions(settings, load_lore(settings.lore_dir)))
    print(json.dumps(payloads, indent=2, ensure_ascii=False) if args.json else describe(payloads))
    return 0


def _default(args: argparse.Namespace, settings: Settings) -> int:
    """No subcommand: run the bot when a token is set, else explain and open the console."""
    if settings.discord_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return console_main(build_parser().parse_args(["console"]), settings)
    return _run(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redshoes", description=__doc__)
    parser.add_argument("--version", action="version", version=f"redshoes {__version__}")
    parser.set_defaults(handler=_default)
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)
    console = commands.add_parser("console", help="the bot's commands offline, in this terminal")
    add_console_arguments(console)
    console.set_defaults(handler=console_main)

    ask = commands.add_parser("ask", help="print Lermontov's chat reply to a question")
    ask.add_argument("text", nargs="+", help='what you would say to the bot, e.g. "who is Vicky?"')
    ask.add_argument("--json", action="store_true", help="print answer, sources and confidence")
    ask.add_argument(
        "--then",
        action="append",
        default=[],
        metavar="MESSAGE",
        help="a later message in the same channel (repeatable), e.g. --then 'and who played her?'",
    )
    ask.add_argument("--guild", type=int, help="answer from this server's lore under DATA_DIR")
    ask.add_argument("--user", type=int, default=1001, help="the id of the person asking")
    ask.set_defaults(handler=_ask)

    listed = commands.add_parser("commands", help="print the command definitions the bot syncs")
    listed.add_argument("--json", action="store_true", help="the payloads as Discord receives them")
    listed.set_defaults(handler=_commands)

    saved = commands.add_parser("backup", help="copy the SQLite database, even while the bot runs")
    saved.add_argument("file", help="the new file to write the copy to")
    saved.set_defaults(handler=_backup)
    restored = commands.add_parser("restore", help="put a copy made by `backup` back")
    restored.add_argument("file", help="the copy to restore (stop the bot first)")
    restored.set_defaults(handler=_restore)

    lore = commands.add_parser("lore", help="check, export or describe the lore files")
    lore_commands = lore.add_subparsers(dest="lore_command", required=True)
    check = lore_commands.add_parser("check", help="validate lore; path:line:col per problem")
    check.add_argument(
        "path",
        nargs="?",
        help="a lore folder, or one file read with its folder (default: LORE_DIR or ./lore)",
    )
    check.set_defaults(handler=_lore_check)
    export = lore_commands.add_parser("export", help="print the loaded lore as one YAML file")
    export.add_argument("dir", nargs="?", help="lore folder (default: LORE_DIR or ./lore)")
    export.set_defaults(handler=_lore_export)
    schema = lore_commands.add_parser("schema", help="print the JSON Schema of lore files")
    schema.set_defaults(handler=_lore_schema)
    return parser


def _lore_refused(error: LoreError, settings: Settings) -> int:
    """The lore a command needs does not load: its problems, then what to do, never a traceback."""
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(
        f"error: the lore in {settings.lore_dir} has {len(error.problems)} problem(s); fix them "
        "(`.venv/bin/python -m bot lore check` lists them) and start again",
        file=sys.stderr,
    )
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        result: int = args.handler(args, settings)
    except StorageError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except LoreError as error:
        return _lore_refused(error, settings)
    except LocaleError as problem:  # the bot's own files, broken by a hand edit or a bad copy
        print(f"error: {LOCALES}/{problem}; put back the released file", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
