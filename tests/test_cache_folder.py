"""pygen's user cache folder: the folder platformdirs names, worked out without it.

platformdirs (installed with the development tools) is the reference: for each platform and
environment, ``user_cache_folder`` must name the folder ``platformdirs.user_cache_dir("pygen")``
names, so a cache filled by an earlier pygen stays where it was.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs
import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix

from hatch_pygen.cache import default_cache_dir, user_cache_folder


@pytest.mark.parametrize("xdg", [None, "", "  ", "/srv/caches"])
def test_on_unix_it_is_the_folder_platformdirs_names(
    xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert user_cache_folder(dict(os.environ), platform="linux") == Path(Unix("pygen").user_cache_dir)


def test_on_macos_it_is_the_folder_platformdirs_names() -> None:
    assert user_cache_folder({}, platform="darwin") == Path(MacOS("pygen").user_cache_dir)


def test_on_windows_it_is_under_local_app_data() -> None:
    # platformdirs asks Windows itself there; LOCALAPPDATA is where Windows keeps that folder.
    environ = {"LOCALAPPDATA": "C:/Users/me/AppData/Local"}
    assert user_cache_folder(environ, platform="win32") == Path("C:/Users/me/AppData/Local/pygen/pygen/Cache")
    assert user_cache_folder({}, platform="win32") == Path.home() / "AppData/Local/pygen/pygen/Cache"


def test_this_machines_folder_is_platformdirs_and_pygen_cache_dir_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYGEN_CACHE_DIR", raising=False)
    assert default_cache_dir() == Path(platformdirs.user_cache_dir("pygen"))
    assert user_cache_folder(platform=sys.platform) == Path(platformdirs.user_cache_dir("pygen"))
    assert default_cache_dir({"PYGEN_CACHE_DIR": "/tmp/elsewhere"}) == Path("/tmp/elsewhere")
