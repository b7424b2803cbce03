"""Shared fixtures: the shipped lore, and a way to write small lore folders for a test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Dialogue, Entry, Lexicon, Persona
from bot.persona.opinions import VIEWS
from bot.persona.replay import audition
from standin.postgres import PostgresServer
from tests.stores import (
    NO_POSTGRES,
    Backend,
    PostgresBackend,
    SqliteBackend,
    needs_postgres,
    postgres_available,
    start_postgres,
)

if TYPE_CHECKING:
    from bot.offline.harness import Harness
    from bot.offline.recorder import Call

REPO = Path(__file__).resolve().parent.parent
LORE_DIR = REPO / "lore"
SHARED = REPO.parent / "shared"

WriteLore = Callable[[str, str], Path]
ImportPack = Callable[[str, Sequence[Entry]], Lorebook]
POSTGRES_LEFT_OUT = pytest.StashKey[int]()


@pytest.fixture(scope="session")
def lore_dir() -> Path:
    return LORE_DIR


@pytest.fixture(scope="session")
def lorebook() -> Lorebook:
    """The shipped lore, loaded once per test session (it is immutable)."""
    return load_lore(LORE_DIR)


@pytest.fixture
def imported_pack(lorebook: Lorebook) -> ImportPack:
    """What a server that imported a pack about another film sees: the pack beside the shipped
    language and the persona lines that are not views of the shipped film, with the pack's own
    impresario (the id given) as who "you" is. Chat tests use it to show no film word is needed."""
    language = [e for e in lorebook.entries if isinstance(e, Lexicon)]
    voice = [e for e in lorebook.entries if isinstance(e, Persona) and e.purpose not in VIEWS]

    def imported(you: str, pack: Sequence[Entry]) -> Lorebook:
        speaker = ENTRY_ADAPTER.validate_python(
            {
                "id": "pack-language",
                "kind": "lexicon",
                "name": "Who speaks",
                "summary": "The maestro.",
                "you": you,
                "sources": [{"title": "test"}],
            }
        )
        return Lorebook([speaker, *pack, *language, *voice])

    return imported


@pytest.fixture
def write_lore(tmp_path: Path) -> WriteLore:
    """Write one lore file into a fresh folder and return the folder."""
    folder = tmp_path / "lore"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
async def harness(lorebook: Lorebook, tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot, offline: shipped lore, every cog in `EXTENSIONS`, a recording HTTP layer.

    `await harness.command("character", name="vicky")` returns an `Exchange` whose `.response`
    is the exact interaction callback sent; `harness.click(...)`, `harness.autocomplete(...)`,
    `harness.dispatch(payload)` and `harness.recorder` cover clicks, choices and long handlers.
    """
    from bot.app import create_bot
    from bot.config import Settings
    from bot.offline.harness import Harness

    settings = Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=tmp_path / "data")
    bot = create_bot(settings, lorebook)
    async with Harness.running(bot) as running:
        yield running
        assert pinging(running.recorder.calls) == []


MESSAGE_KEYS = ("content", "embeds", "components", "attachments")
"""What makes a payload a message (new or edited) rather than a modal or a list of choices."""
NOT_MESSAGES = (8, 9)
"""Interaction callbacks that carry no message: autocomplete choices (8) and a modal (9)."""


def skip_without_spec() -> None:
    """Skip what needs Discord's OpenAPI description when it is absent. Every such check skips
    from this one line, so pytest folds them into the one line a bare clone shows; under
    REQUIRE_DISCORD_API_SPEC `validating()` raises instead and the run stops."""
    from standin.openapi import spec_missing, validating

    if not validating():
        pytest.skip(str(spec_missing()), allow_module_level=True)


def pinging(calls: Sequence[Call]) -> list[str]:
    """Every message the bot sent or edited that could ping someone.

    The one guarantee is the bot's global `allowed_mentions` (none); no handler passes its own,
    so this check, run after every test that drives the bot, is what keeps it so.
    """
    wrong = []
    for call in calls:
        payload = call.payload or {}
        kind = payload.get("type")
        if kind in NOT_MESSAGES:
            continue
        data = payload.get("data") or {} if isinstance(kind, int) else payload
        if any(key in data for key in MESSAGE_KEYS) and data.get("allowed_mentions") != {
            "parse": []
        }:
            wrong.append(f"{call.kind} {call.method} {call.url}: {data.get('allowed_mentions')}")
    return wrong


def the_audition(book: Lorebook) -> Dialogue:
    """The exchange `/lermontov` replays, which the shipped lore must hold."""
    dialogue = audition(book)
    assert dialogue is not None
    return dialogue


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a PostgreSQL to start, its cases are left out and the run says so in one line
    (`pytest_terminal_summary`), not in one skipped line per case."""
    if postgres_available():
        return
    left_out = [item for item in items if needs_postgres(item)]
    if left_out:
        items[:] = [item for item in items if not needs_postgres(item)]
        config.hook.pytest_deselected(items=left_out)
        config.stash[POSTGRES_LEFT_OUT] = len(left_out)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    left_out = terminalreporter.config.stash.get(POSTGRES_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(f"{left_out} {NO_POSTGRES}", yellow=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL for the whole session (see `tests.stores`); each test that uses it
    asks for a database of its own."""
    yield from start_postgres()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """The stores' contract runs on both databases: the SQLite file, and PostgreSQL."""
    if request.param == "sqlite":
        return SqliteBackend(tmp_path / "data")
    server: PostgresServer = request.getfixturevalue("postgres")
    return PostgresBackend(tmp_path / "data", server.new_database())
