"""Local files standing in for Discord attachments, in both directions.

A user's upload reaches a handler as a resolved attachment whose bytes the bot downloads from
the attachment's url; offline, the url names a local file instead, and only files the user
named this way can be read. What the bot uploads (an export) is saved into a local folder.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import discord
from discord.ext import commands

from bot.offline.payloads import snowflake
from bot.offline.recorder import Upload

CDN = "https://cdn.offline.invalid/attachments"


class UploadError(LookupError):
    """A file named as an upload cannot be offered: missing, or not a regular file."""


@runtime_checkable
class ReadsAttachments(Protocol):
    """A cog that downloads uploads through a replaceable reader (`LoreAdmin`)."""

    read_attachment: Callable[[discord.Attachment], Awaitable[bytes]]


class LocalFiles:
    """The files offered as uploads this session, by the url the bot will ask for."""

    def __init__(self) -> None:
        self._paths: dict[str, Path] = {}

    def attach(self, path: Path) -> dict[str, Any]:
        """`path` as Discord resolves an attachment option; its declared size is the real one."""
        if path.is_dir():
            raise UploadError(f"{path} is a directory, not a file")
        if not path.is_file():
            raise UploadError(f"no file at {path}")
        attachment_id = str(snowflake())
        url = f"{CDN}/{attachment_id}/{path.name}"
        self._paths[url] = path.resolve()
        return {
            "id": attachment_id,
            "filename": path.name,
            "size": path.stat().st_size,
            "url": url,
            "proxy_url": url,
            "content_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        }

    def install(self, bot: commands.Bot) -> None:
        """Make every cog that reads uploads read these local files instead of downloading.

        Matched by shape, not class: `load_extension` imports a cog's module afresh, so its
        class is not the one an `import` here would see.
        """
        for cog in bot.cogs.values():
            if isinstance(cog, ReadsAttachments):
                cog.read_attachment = self.read

    async def read(self, attachment: discord.Attachment) -> bytes:
        """The `LoreAdmin.read_attachment` reader: the local file behind the attachment's url."""
        path = self._paths.get(attachment.url)
        if path is None:
            raise UploadError(f"{attachment.url} was not offered as an upload")
        return await asyncio.to_thread(path.read_bytes)


def save(upload: Upload, folder: Path) -> Path:
    """Write a file the bot sent into `folder`, under its own name (never a path outside)."""
    target = folder / Path(upload.filename).name
    folder.mkdir(parents=True, exist_ok=True)
    target.write_bytes(upload.content)
    return target
