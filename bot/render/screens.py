"""Lore entries as pages of embeds, with the entries worth a click from each page.

A *screen* is everything one answer can show: an entry, or a sequence (the ballet, the story).
Screens are looked up from the lore on every click (their key travels in the button's custom id),
so paging keeps working across restarts and always shows the current lore. A `Lorebook` never
changes, so each screen is built once per book and kept for as long as the book lives.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import discord

from bot.lore.lorebook import Lorebook
from bot.lore.model import (
    Entry,
    InWork,
    Kind,
    Work,
)
from bot.render import limits
from bot.render.limits import clip, split_text

ACCENT = discord.Colour(0xC8102E)
"""The red of the shoes: every embed the bot sends carries it."""

PAGE_TEXT = 1800
"""Description characters per page: well under Discord's 4096, so a page reads at a glance."""
SEQUENCE_PAGE = 8
"""Scenes per page of a sequence listing; with `SEQUENCE_SUMMARY` a page stays under 4096."""
SEQUENCE_SUMMARY = 350
FOOTER_MAX = 1000
"""Footers (the sources) are clipped here, well under 2048, to leave the 6000 to the content."""

SEQUENCES: dict[str, Kind] = {"seq.ballet": "ballet_scene", "seq.story": "scene"}
"""Keys of the default work's story and ballet (kept so that pagers already posted still turn)."""
SEQUENCE_PREFIXES: dict[Kind, str] = {"scene": "s.", "ballet_scene": "b."}
"""Keys of one named work's sequence: the prefix and the work id (ids never hold a dot), short
enough that a pager's custom id stays within Discord's 100 characters for any id."""


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Page:
    """One embed and the entries it offers one click away."""

    embed: discord.Embed
    links: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Screen:
    """One answer's pages; `key` (an entry id or a sequence) is what a pager's custom id keeps."""

    key: str
    pages: tuple[Page, ...]


@dataclass
class _Draft:
    text: str
    fields: list[Field] = field(default_factory=list)

    def size(self) -> int:
        return len(self.text) + sum(len(f.name) + len(f.value) for f in self.fields)

    def fits(self, extra: Field, budget: int) -> bool:
        room = self.size() + len(extra.name) + len(extra.value) <= budget
        return room and len(self.fields) < limits.EMBED_FIELDS


def _expand(field_: Field) -> list[Field]:
    """A field as Discord accepts it: name clipped, a long value continued in more fields."""
    name, inline = field_.name, field_.inline
    chunks = split_text(field_.value, limits.FIELD_VALUE)
    label = clip(name, limits.FIELD_NAME - 8)
    return [
        Field(label if i == 0 else f"{label} (cont.)", chunk, inline)
        for i, chunk in enumerate(chunks)
    ]


def sources_text(entry: Entry) -> str:
    return "Source: " + " · ".join(s.title for s in entry.sources)


def build_pages(
    title: str,
    text: str,
    fields: Sequence[Field],
    footer: str,
    url: str | None = None,
    page_text: int = PAGE_TEXT,
) -> list[discord.Embed]:
    """Embeds for one screen: text split into pages, fields packed onto the first pages."""
    drafts = [_Draft(chunk) for chunk in split_text(text, page_text)] or [_Draft("")]
    budget = limits.EMBED_TOTAL - len(clip(title, limits.EMBED_TITLE)) - FOOTER_MAX
    index = 0
    for item in (part for whole in fields for part in _expand(whole)):
        while not drafts[index].fits(item, budget):
            index += 1
            if index == len(drafts):
                drafts.append(_Draft(""))
        drafts[index].fields.append(item)
    return _finish(title, drafts, footer, url)


def _finish(
    title: str, drafts: Sequence[_Draft], footer: str, url: str | None
) -> list[discord.Embed]:
    total = len(drafts)
    embeds = []
    for number, draft in enumerate(drafts, start=1):
        suffix = f" · page {number}/{total}" if total > 1 else ""
        embed = discord.Embed(
            title=clip(title, limits.EMBED_TITLE),
            description=draft.text or None,
            colour=ACCENT,
            url=url,
        )
        for item in draft.fields:
            embed.add_field(name=item.name, value=item.value, inline=item.inline)
        embed.set_footer(text=clip(footer, FOOTER_MAX - len(suffix)) + suffix)
        embeds.append(embed)
    return embeds


def _entries(book: Lorebook, ids: Iterable[str]) -> list[Entry]:
    return [e for e in (book.get(i) for i in ids) if e is not None]


def links_of(book: Lorebook, entry: Entry) -> tuple[Entry, ...]:
    """Entries one click away: who played whom first, then the entry's own `related` list."""
    unique = [i for i in dict.fromkeys(entry.linked_ids(book)) if i != entry.id]
    return tuple(_entries(book, unique)[: limits.SELECT_OPTIONS])


_SCREENS: weakref.WeakKeyDictionary[Lorebook, dict[str, Screen]] = weakref.WeakKeyDictionary()


def _built_once(book: Lorebook, key: str, build: Callable[[], Screen]) -> Screen:
    """The screen `key` of `book`, built on first use; it goes when the book does."""
    screens = _SCREENS.setdefault(book, {})
    screen = screens.get(key)
    if screen is None:
        screen = screens[key] = build()
    return screen


def entry_screen(book: Lorebook, entry: Entry) -> Screen:
    """An entry's pages, built on the first look at it in this book and reused after."""
    return _built_once(book, entry.id, lambda: _entry_screen(book, entry))


def sequence_key(kind: Kind, work: str) -> str:
    """The screen key of one work's story (`scene`) or ballet (`ballet_scene`)."""
    return SEQUENCE_PREFIXES[kind] + work


def _sequence_of(book: Lorebook, key: str) -> tuple[Kind, str] | None:
    """The kind and work a sequence key names; None when the key names no sequence."""
    if key in SEQUENCES:
        kind = SEQUENCES[key]
        return kind, book.first_work(kind)
    for kind, prefix in SEQUENCE_PREFIXES.items():
        if key.startswith(prefix):
            return kind, key.removeprefix(prefix)
    return None


def sequence_screen(book: Lorebook, key: str) -> Screen:
    """A work's story or ballet in order, a few scenes per page, each scene one click away."""
    return _built_once(book, key, lambda: _sequence_screen(book, key))


def _entry_screen(book: Lorebook, entry: Entry) -> Screen:
    url = next((s.url for s in entry.sources if s.url), None)
    fields = [Field(d.title, d.text, d.inline) for d in entry.details(book)]
    embeds = build_pages(entry.name, entry.shown_text(book), fields, sources_text(entry), url)
    links = links_of(book, entry)
    return Screen(entry.id, tuple(Page(embed, links) for embed in embeds))


def _sequence_title(book: Lorebook, kind: Kind, work_id: str) -> str:
    """`The Red Shoes: the story`; a ballet work is its own title, another work's ballet
    is `<work>: the ballet`."""
    work = book.get(work_id)
    name = book.name_of(work_id)
    if kind == "scene":
        return f"{name}: the story"
    is_ballet = isinstance(work, Work) and work.form in ("ballet", "stage ballet")
    return name if is_ballet else f"{name}: the ballet"


def _sequence_screen(book: Lorebook, key: str) -> Screen:
    kind, work = _sequence_of(book, key) or ("scene", "")
    scenes = book.sequence(kind, work)
    chunks = [scenes[i : i + SEQUENCE_PAGE] for i in range(0, len(scenes), SEQUENCE_PAGE)]
    drafts = [
        _Draft(
            "\n\n".join(
                f"**{i}. {s.name}**\n{clip(s.summary, SEQUENCE_SUMMARY)}"
                for i, s in enumerate(chunk, start=n * SEQUENCE_PAGE + 1)
            )
        )
        for n, chunk in enumerate(chunks)
    ] or [_Draft("Nothing here yet.")]
    others = [book.name_of(w) for w in book.sequence_works(kind) if w != work]
    if others:
        drafts[0].text = f"*Also here: {', '.join(others)} (pick one with `work:`).*\n\n" + (
            drafts[0].text
        )
    sources = dict.fromkeys(src.title for s in scenes for src in s.sources)
    footer = "Source: " + " · ".join(sources) if sources else book.name_of(work)
    embeds = _finish(_sequence_title(book, kind, work), drafts, footer, None)
    links = chunks or [()]
    return Screen(key, tuple(Page(e, tuple(c)) for e, c in zip(embeds, links, strict=True)))


def screen_for(book: Lorebook, key: str) -> Screen | None:
    """The screen a key names (a sequence or an entry id), or None if the lore lost it."""
    if _sequence_of(book, key) is not None:
        return sequence_screen(book, key)
    entry = book.get(key)
    return entry_screen(book, entry) if entry else None


def hit_line(book: Lorebook, entry: Entry) -> str:
    """One search hit: name, kind, and its work when that is not the kind's usual one."""
    label = entry.label
    if isinstance(entry, InWork) and entry.work != type(entry).model_fields["work"].default:
        label += f" · {book.name_of(entry.work)}"
    return f"**{entry.name}** · {label}\n{clip(entry.summary, 160)}"


def listing_embed(
    book: Lorebook, title: str, entries: Sequence[Entry], footer: str
) -> discord.Embed:
    """A short list of entries (search hits) as one embed."""
    text = "\n\n".join(hit_line(book, e) for e in entries)
    return build_pages(title, text, (), footer, page_text=limits.EMBED_DESCRIPTION)[0]


def choices(entries: Iterable[Entry]) -> list[discord.app_commands.Choice[str]]:
    """Autocomplete choices: the entry's name shown, its id sent back."""
    return [
        discord.app_commands.Choice(name=clip(e.name, limits.CHOICE_NAME), value=e.id)
        for e in list(entries)[: limits.CHOICES]
    ]


def select_options(entries: Iterable[Entry]) -> list[discord.SelectOption]:
    """Entries as select options: name, kind and a line of summary, within Discord's 100."""
    return [
        discord.SelectOption(
            label=clip(e.name, limits.OPTION_TEXT),
            value=e.id,
            description=clip(f"{e.label} · {e.summary}", limits.OPTION_TEXT),
        )
        for e in list(entries)[: limits.SELECT_OPTIONS]
    ]


def command_help_embed(lines: Iterable[tuple[str, str]], title: str, footer: str) -> discord.Embed:
    """/help: one line per command (`name` as the member calls it, what it does), in order."""
    text = "\n".join(f"{name} — {description}" for name, description in lines)
    return build_pages(title, text, (), footer, page_text=limits.EMBED_DESCRIPTION)[0]


def spoken(speaker: str, line: str) -> str:
    """A line of dialogue with its speaker shown, within a message's 2000 characters."""
    return clip(f"**{speaker}:** {line}", limits.CONTENT // 2)
