"""Fixtures for the TUI tests: the mini story, temporary saves, no cursor blink."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_support import MINI

from game.core.model import Story
from game.format.loader import load_story
from game.persist import saves

os.environ.pop("NO_COLOR", None)


@pytest.fixture
def story() -> Story:
    return load_story(MINI)


@pytest.fixture
def saves_dir(tmp_path: Path) -> Path:
    return tmp_path / "saves"


@pytest.fixture
def story_copy(tmp_path: Path) -> Path:
    """A copy of the mini story that a test may edit."""
    target = tmp_path / "story"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes snapshots flaky."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Saves written at 2017-04-06 12:00 UTC, shown in UTC: deterministic load lists."""

    class Fixed(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Fixed:
            return cls(2017, 4, 6, 12, 0, tzinfo=dt.UTC)

    monkeypatch.setattr(saves, "dt", types.SimpleNamespace(datetime=Fixed, UTC=dt.UTC))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
