"""Local files as attachments: declared by their real size, read only when offered."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.offline.recorder import Upload
from bot.offline.uploads import LocalFiles, UploadError, save


async def test_an_offered_file_is_resolved_with_its_real_size_and_read_back(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_bytes(b"entries: []\n")
    files = LocalFiles()
    attachment = files.attach(path)
    assert attachment["filename"] == "mine.yaml"
    assert attachment["size"] == len(b"entries: []\n")
    offered: Any = SimpleNamespace(url=attachment["url"])
    assert await files.read(offered) == b"entries: []\n"


async def test_only_offered_files_are_read(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not offered", encoding="utf-8")
    stranger: Any = SimpleNamespace(url=secret.as_uri())
    with pytest.raises(UploadError, match="was not offered as an upload"):
        await LocalFiles().read(stranger)


def test_a_saved_file_stays_in_its_folder(tmp_path: Path):
    written = save(Upload("../../escape.yaml", b"x"), tmp_path / "out")
    assert written == tmp_path / "out" / "escape.yaml"
    assert written.read_bytes() == b"x"
    assert not (tmp_path.parent / "escape.yaml").exists()
