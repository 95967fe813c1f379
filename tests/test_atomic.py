"""Atomic writes: the target holds the old content or the new, and no temporary file is left."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from hatch_pygen._atomic import UnwritablePathError, unwritable_reason, write_text_atomically
from hatch_pygen.errors import PygenError


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
    # POSIX refuses to replace a folder with a file (EISDIR); Windows calls it access denied.
    with pytest.raises(UnwritablePathError, match=r"it is a folder, not a file|no permission"):
        write_text_atomically(target, "text")
    assert (target / "inside").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["occupied"]


def test_an_unwritable_path_is_a_pygen_error_and_still_an_os_error(tmp_path: Path) -> None:
    # Callers that treat an unwritable cache as a miss catch OSError; the CLI catches PygenError.
    blocker = tmp_path / "afile"
    blocker.write_text("mine")

    with pytest.raises(UnwritablePathError) as raised:
        write_text_atomically(blocker / "cache" / "entry.json", "text")

    assert isinstance(raised.value, PygenError)
    assert isinstance(raised.value, OSError)
    assert raised.value.exit_code == 2
    assert raised.value.errno == errno.ENOTDIR
    assert raised.value.strerror == os.strerror(errno.ENOTDIR)
    assert str(raised.value) == (
        f"cannot write {blocker / 'cache' / 'entry.json'}: {blocker} is a file, not a folder; "
        "move that file away or write elsewhere"
    )


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


def test_an_error_without_a_specific_message_keeps_the_systems_reason(tmp_path: Path) -> None:
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "file"))

    reason = unwritable_reason(tmp_path / "file", full)

    assert reason == (
        f"cannot write {tmp_path / 'file'} ({os.strerror(errno.ENOSPC)}); check the path and the free space"
    )
