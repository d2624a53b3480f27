"""Keep the machine out of the tests: no user saves, no colour settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.pop("NO_COLOR", None)
# a test's `serve` starts no games ahead (a class's 30 would load the machine for
# nothing); the tests of that feature pass --ready-games
os.environ.setdefault("MAR_A_LAGO_READY_GAMES", "0")

from support import MINI


@pytest.fixture(autouse=True)
def _isolated_saves(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point the default saves folder at a temp dir, so no test writes into saves/."""
    folder = tmp_path_factory.mktemp("default-saves")
    monkeypatch.setenv("MAR_A_LAGO_SAVES_DIR", str(folder))
    monkeypatch.setenv("MAR_A_LAGO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    # the player's settings (the theme) too: never the real config folder
    monkeypatch.setenv("MAR_A_LAGO_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    return folder


@pytest.fixture
def mini_story():
    from game.format.loader import load_story

    return load_story(MINI)
