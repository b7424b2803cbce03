"""Command line: `python -m bot [run | console | ask | lore check|export|schema]`.

With no subcommand it runs the bot when a token is configured and otherwise explains why not and
opens the offline console, so a newcomer sees the bot answer at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.lore.export import dump_lore
from bot.lore.loader import check_lore, load_lore
from bot.lore.model import lore_json_schema


def _lore_check(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.dir) if args.dir else settings.lore_dir
    problems = check_lore(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"{directory}: lore is valid", file=sys.stderr)
    return 0


def _lore_export(args: argparse.Namespace, settings: Settings) -> int:
    book = load_lore(Path(args.dir) if args.dir else settings.lore_dir)
    sys.stdout.write(dump_lore(book.entries))
    return 0


def _lore_schema(args: argparse.Namespace, settings: Settings) -> int:
    print(json.dumps(lore_json_schema(), indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redshoes", description=__doc__)
    commands = parser.add_subparsers(dest="command")

    lore = commands.add_parser("lore", help="check, export or describe the lore files")
    lore_commands = lore.add_subparsers(dest="lore_command", required=True)
    check = lore_commands.add_parser("check", help="validate lore; path:line:col per problem")
    check.add_argument("dir", nargs="?", help="lore folder (default: LORE_DIR or ./lore)")
    check.set_defaults(handler=_lore_check)
    export = lore_commands.add_parser("export", help="print the loaded lore as one YAML file")
    export.add_argument("dir", nargs="?", help="lore folder (default: LORE_DIR or ./lore)")
    export.set_defaults(handler=_lore_export)
    schema = lore_commands.add_parser("schema", help="print the JSON Schema of lore files")
    schema.set_defaults(handler=_lore_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    handler = getattr(args, "handler", None)
    if handler is None:
        build_parser().print_help()
        return 2
    result: int = handler(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
