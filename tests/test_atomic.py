"""Atomic writes: the target holds the old content or the new, and no temporary file is left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hatch_pygen._atomic import write_text_atomically


def test_a_write_creates_folders_and_replaces_the_old_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.json"
    write_text_atomically(target, "old")
    write_text_atomically(target, "new\n")
    assert target.read_bytes() == b"new\n"
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_a_failed_replace_keeps_the_target_and_removes_the_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "inside").write_text("keep me")
    with pytest.raises((IsADirectoryError, PermissionError)):
        write_text_atomically(target, "text")
    assert (target / "inside").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["occupied"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_file_gets_the_permissions_a_plain_open_would_give(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_text_atomically(tmp_path / "atomic", "x")
        (tmp_path / "plain").write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "atomic").stat().st_mode) == 0o640
    assert (tmp_path / "atomic").stat().st_mode == (tmp_path / "plain").stat().st_mode
