"""`/lore add|edit|remove|history|revert|export|import|config|reload`: moderators edit lore.

Thin glue: the rules live in `bot.lore.editing`, storage in `bot.lore.store`, hot reload in
`bot.lore.watch`, the texts in `bot.render.lore_admin`. Discord's default permissions hide the
group from members without Manage Server; every command checks again with `moderator_only`
(Manage Server, or the role configured with `/lore config`), and so does every modal and button
(`interaction_check`), since a payload can be sent by anyone who has its custom id.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, reply, words_for
from bot.cogs.places import SERVER_ONLY
from bot.cogs.utils.checks import is_moderator, moderator_only
from bot.lore.editing import EditRefused, LoreEditor
from bot.lore.errors import LoreError, LoreProblem
from bot.lore.forms import blank_form, entry_form, entry_from_form, form_fields
from bot.lore.model import Kind, PersonaPurpose
from bot.lore.store.base import GuildConfig, GuildStore, StoreError
from bot.lore.watch import reload_lore, watch_lore
from bot.lore.yaml_source import size_problem
from bot.render import lore_admin as render
from bot.render.limits import CHOICE_NAME, CHOICES, CONTENT, MODAL_TITLE, clip
from bot.render.words import Words

log = logging.getLogger(__name__)
VIEW_TIMEOUT = 600.0

AttachmentReader = Callable[[discord.Attachment], Awaitable[bytes]]


async def download(attachment: discord.Attachment) -> bytes:
    return await attachment.read()


class LoreAdmin(commands.Cog):
    """Per-server lore editing, and the operator's hot reload."""

    lore = app_commands.Group(
        name="lore",
        description="Change this server's lore (moderators)",
        guild_only=True,
        **SERVER_ONLY,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: RedShoesBot, store: GuildStore) -> None:
        self.bot = bot
        self.store = store
        self.editor = LoreEditor(store, bot.library, bot.settings.max_server_entries)
        self.read_attachment: AttachmentReader = download
        self._watcher: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        if self.bot.settings.lore_dir.is_dir():
            self._watcher = asyncio.create_task(
                watch_lore(self.bot.settings.lore_dir, self.bot.library, self.post_problems)
            )

    async def cog_unload(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()

    async def post_problems(self, problems: list[LoreProblem]) -> None:
        """Tell the operator's log channel (LOG_CHANNEL_ID), if any, why the lore was refused."""
        channel_id = self.bot.settings.log_channel_id
        if channel_id is None:
            return
        text = render.problems_text(  # for the operator, in English
            "Lore reload refused; still serving the previous lore:",
            problems,
            self.bot.words.english,
        )
        await self.bot.get_partial_messageable(channel_id).send(text)

    async def refuse(
        self, interaction: discord.Interaction[RedShoesBot], purpose: PersonaPurpose, text: str
    ) -> None:
        """A line in character for `purpose`, then what exactly was refused, to the user alone."""
        book = await self.bot.library.book_for(interaction.guild_id)
        line = words_for(interaction).line(book, purpose, self.bot.rng)
        await reply(interaction, clip(f"{line} {text}", CONTENT))

    @asynccontextmanager
    async def refusals(self, interaction: discord.Interaction[RedShoesBot]) -> AsyncIterator[int]:
        """The block acts in the caller's server (a check has let them in); a refusal of bad
        input inside it is answered with what was wrong, and nothing was changed."""
        assert interaction.guild_id is not None
        words = words_for(interaction)
        try:
            yield interaction.guild_id
        except LoreError as error:
            book = await self.bot.library.book_for(interaction.guild_id)
            line = f"{words.line(book, 'verdict', self.bot.rng)} {words('lore.nothing_changed')}"
            await reply(interaction, render.problems_text(line, error.problems, words))
        except (EditRefused, StoreError) as error:
            await self.refuse(interaction, "verdict", words("lore.refused", reason=error))

    async def entry_choices(
        self, interaction: discord.Interaction[RedShoesBot], current: str
    ) -> list[app_commands.Choice[str]]:
        book = await self.bot.library.book_for(interaction.guild_id)
        entries = book.complete(current) if current else book.entries
        return [
            app_commands.Choice(name=clip(f"{e.name} ({e.kind})", CHOICE_NAME), value=e.id)
            for e in entries[:CHOICES]
        ]

    @lore.command(name="add", description="Add an entry to this server's lore")
    @moderator_only
    async def add(self, interaction: discord.Interaction[RedShoesBot], kind: Kind) -> None:
        words = words_for(interaction)
        await interaction.response.send_modal(
            EntryForm(self, kind, None, 0, blank_form(kind), words)
        )

    @lore.command(name="edit", description="Change an entry in this server")
    @moderator_only
    @app_commands.autocomplete(entry=entry_choices)
    async def edit(self, interaction: discord.Interaction[RedShoesBot], entry: str) -> None:
        async with self.refusals(interaction) as guild_id:
            current, base = await self.editor.current(guild_id, entry)
            words = words_for(interaction)
            form = EntryForm(self, current.kind, current.id, base, entry_form(current), words)
            await interaction.response.send_modal(form)

    @lore.command(name="remove", description="Hide a shipped entry here, or delete an added one")
    @moderator_only
    @app_commands.autocomplete(entry=entry_choices)
    async def remove(self, interaction: discord.Interaction[RedShoesBot], entry: str) -> None:
        async with self.refusals(interaction) as guild_id:
            base = await self.editor.removable(guild_id, entry)
            words = words_for(interaction)
            how = "hide" if entry in self.bot.library.shipped else "delete"

            async def remove(guild: int, by: int) -> str:
                change = await self.editor.remove(guild, entry, base_revision=base, by=by)
                done = "hidden" if change.after.hidden else "deleted"
                return words(f"lore.removed.{done}", entry=entry, revision=change.revision)

            view = Confirm(self, interaction.user.id, remove, words)
            ids = await self.editor.referrers(guild_id, entry)
            warning = render.referrers_text(ids, words)
            await reply(interaction, words(f"lore.remove.{how}", entry=entry) + warning, view=view)

    @lore.command(name="history", description="Who changed an entry in this server, and when")
    @moderator_only
    @app_commands.autocomplete(entry=entry_choices)
    async def history(self, interaction: discord.Interaction[RedShoesBot], entry: str) -> None:
        async with self.refusals(interaction) as guild_id:
            changes = await self.editor.history(guild_id, entry)
            shipped = entry in self.bot.library.shipped
            await reply(
                interaction, render.history_text(entry, changes, shipped, words_for(interaction))
            )

    @lore.command(name="revert", description="Bring back an earlier revision (0: as shipped)")
    @moderator_only
    @app_commands.autocomplete(entry=entry_choices)
    async def revert(
        self,
        interaction: discord.Interaction[RedShoesBot],
        entry: str,
        revision: app_commands.Range[int, 0, 1_000_000],
    ) -> None:
        async with self.refusals(interaction) as guild_id:
            change = await self.editor.revert(guild_id, entry, revision, by=interaction.user.id)
            words = words_for(interaction)
            missing = render.dangling_text(await self.editor.dangling(guild_id, entry), words)
            done = words("lore.reverted", entry=entry, revision=revision, change=change.revision)
            await reply(interaction, done + missing)

    @lore.command(name="export", description="This server's lore as a YAML file")
    @moderator_only
    @app_commands.describe(all="The whole lore this server sees, not only its own entries")
    async def export(
        self, interaction: discord.Interaction[RedShoesBot], all: bool = False
    ) -> None:
        everything = all

        async with self.refusals(interaction) as guild_id:
            await interaction.response.defer(ephemeral=True, thinking=True)
            text, hidden = await self.editor.export(guild_id, everything=everything)
            name = f"lore-{guild_id}{'-all' if everything else ''}.yaml"
            words = words_for(interaction)
            said = words("lore.exported.hidden", n=hidden) if hidden else words("lore.exported")
            file = discord.File(io.BytesIO(text.encode("utf-8")), filename=name)
            await reply(interaction, said, file=file)

    @lore.command(name="import", description="Add or replace entries from a YAML lore file")
    @moderator_only
    async def import_(
        self, interaction: discord.Interaction[RedShoesBot], file: discord.Attachment
    ) -> None:
        async with self.refusals(interaction) as guild_id:
            too_big = size_problem(file.filename, file.size)
            if too_big is not None:
                raise LoreError([too_big])
            await interaction.response.defer(ephemeral=True, thinking=True)
            plan = await self.editor.plan_import(
                guild_id, file.filename, await self.read_attachment(file)
            )
            words = words_for(interaction)
            text = render.plan_text(file.filename, plan, words)
            if plan.empty:
                await reply(interaction, text)
                return

            async def apply(guild: int, by: int) -> str:
                changes = await self.editor.apply_import(guild, plan, by=by)
                return words("lore.imported", n=len(changes))

            await reply(interaction, text, view=Confirm(self, interaction.user.id, apply, words))

    @lore.command(
        name="config", description="This server's moderator role, log channel, plain-text look-ups"
    )
    @app_commands.describe(
        plain_text="Send look-ups as plain text, for members who turned embeds off"
    )
    @moderator_only
    async def config(
        self,
        interaction: discord.Interaction[RedShoesBot],
        moderator_role: discord.Role | None = None,
        log_channel: discord.TextChannel | None = None,
        plain_text: bool | None = None,
        reset: bool = False,
    ) -> None:
        async with self.refusals(interaction) as guild_id:
            current = await self.store.config(guild_id)
            if reset:
                current = await self.store.set_config(
                    guild_id, GuildConfig(), by=interaction.user.id
                )
            elif moderator_role is not None or log_channel is not None or plain_text is not None:
                chosen = GuildConfig(
                    moderator_role.id if moderator_role else current.moderator_role_id,
                    log_channel.id if log_channel else current.log_channel_id,
                    current.plain_text if plain_text is None else plain_text,
                )
                current = await self.store.set_config(guild_id, chosen, by=interaction.user.id)
            words = words_for(interaction)
            none = words("lore.config.none")
            role = f"<@&{current.moderator_role_id}>" if current.moderator_role_id else none
            channel = f"<#{current.log_channel_id}>" if current.log_channel_id else none
            plain = words("lore.config.on" if current.plain_text else "lore.config.off")
            await reply(interaction, words("lore.config", role=role, channel=channel, plain=plain))

    async def _is_owner(self, user: discord.abc.User) -> bool:
        """OWNER_IDS when set; otherwise the application's owner (or team) as Discord reports it."""
        if self.bot.settings.owner_ids:
            return user.id in self.bot.settings.owner_ids
        return await self.bot.is_owner(user)

    @lore.command(name="reload", description="Re-read the shipped lore files now (bot owner)")
    async def reload(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        words = words_for(interaction)
        if not await self._is_owner(interaction.user):
            await self.refuse(interaction, "forbidden", words("lore.reload.owner_only"))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await reload_lore(self.bot.settings.lore_dir, self.bot.library)
        if problems:
            await self.post_problems(problems)
            text = render.problems_text(words("lore.reload.refused"), problems, words)
        else:
            text = words("lore.reloaded", n=len(self.bot.library.shipped))
        await reply(interaction, text)


class EntryForm(discord.ui.Modal):
    """The add/edit form; an edit carries the revision it started from, so a stale one fails.
    Its title and labels are in the moderator's language; what they type is the lore's."""

    def __init__(
        self,
        cog: LoreAdmin,
        kind: Kind,
        entry_id: str | None,
        base: int,
        values: dict[str, str],
        words: Words,
    ) -> None:
        if entry_id:
            title = words("lore.form.edit", entry=entry_id)
        else:
            title = words("lore.form.new", kind=words.choice(kind).replace("_", " "))
        super().__init__(title=clip(title, MODAL_TITLE), timeout=VIEW_TIMEOUT)
        self.cog, self.kind, self.entry_id, self.base = cog, kind, entry_id, base
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        for field in form_fields(new=entry_id is None):
            text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=words(f"lore.field.{field.key}"),
                style=discord.TextStyle.paragraph if field.long else discord.TextStyle.short,
                required=field.required,
                max_length=field.max_length,
                default=values.get(field.key) or None,
                placeholder=field.placeholder or None,
            )
            self.inputs[field.key] = text_input
            self.add_item(text_input)

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "lore form")
        return await is_moderator(interaction)

    async def on_submit(self, interaction: discord.Interaction[RedShoesBot], /) -> None:  # type: ignore[override]
        values = {key: item.value for key, item in self.inputs.items()}
        by = interaction.user.id

        async with self.cog.refusals(interaction) as guild_id:
            entry_id = self.entry_id or values.get("id", "").strip()
            entry = entry_from_form(self.kind, values, entry_id)
            if self.entry_id is None:
                change = await self.cog.editor.add(guild_id, entry, by=by)
            else:
                change = await self.cog.editor.edit(guild_id, entry, base_revision=self.base, by=by)
            saved = words_for(interaction)("lore.saved", entry=entry.id, revision=change.revision)
            await reply(interaction, saved)

    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows BaseView's
        self, interaction: discord.Interaction[RedShoesBot], error: Exception, /
    ) -> None:
        await self.cog.bot.apologise(interaction, error)


class Confirm(discord.ui.View):
    """One confirm button for the moderator who asked; the change happens only on the click."""

    def __init__(
        self,
        cog: LoreAdmin,
        owner: int,
        action: Callable[[int, int], Awaitable[str]],
        words: Words,
    ) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog, self.owner, self.action = cog, owner, action
        self.confirm.label = words("lore.confirm")

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "confirm")
        if interaction.user.id != self.owner:
            not_yours = words_for(interaction)("lore.confirm.not_yours")
            await self.cog.refuse(interaction, "forbidden", not_yours)
            return False
        return await is_moderator(interaction)

    @discord.ui.button(style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[RedShoesBot], button: discord.ui.Button[Any]
    ) -> None:
        self.stop()

        async with self.cog.refusals(interaction) as guild_id:
            # An import of thousands of entries takes longer than Discord's 3 seconds.
            await interaction.response.defer()
            text = await self.action(guild_id, interaction.user.id)
            await interaction.edit_original_response(content=text, view=None)

    async def on_error(
        self,
        interaction: discord.Interaction[RedShoesBot],  # type: ignore[override]
        error: Exception,
        item: discord.ui.Item[Any],
    ) -> None:
        await self.cog.bot.apologise(interaction, error)


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(LoreAdmin(bot, bot.guild_store))
