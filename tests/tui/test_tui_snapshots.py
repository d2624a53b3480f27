"""SVG snapshots of the main screens on the mini story (`make snapshots` refreshes them).

The theme is set in the app, the cursor does not blink (conftest), saves carry a fixed
time and live in a temporary folder: the pictures depend on nothing but the code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from game.core import engine
from game.core.model import Story
from game.persist import saves
from game.tui.app import make_app

SnapCompare = Callable[..., bool]


def test_title(snap_compare: SnapCompare, story: Story, saves_dir: Path) -> None:
    assert snap_compare(make_app(story, saves_dir), terminal_size=(80, 24))


def test_scene(snap_compare: SnapCompare, story: Story, saves_dir: Path) -> None:
    # a new game as the first role, one choice made: the meters show their change
    assert snap_compare(make_app(story, saves_dir), press=["n", "1", "2"], terminal_size=(80, 24))


def test_load_screen(
    snap_compare: SnapCompare, story: Story, saves_dir: Path, fixed_clock: None
) -> None:
    state = engine.new_game(story, "alice")
    written = [
        saves.write(saves_dir, "start", story, state),
        saves.write(saves_dir, "warm", story, engine.choose(story, state, "warm")),
    ]
    broken = saves_dir / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    for age, path in enumerate([broken, *written]):  # the order of the list: newest first
        os.utime(path, (1_491_480_000 + age, 1_491_480_000 + age))
    assert snap_compare(make_app(story, saves_dir), press=["l"], terminal_size=(80, 24))


def test_ending(snap_compare: SnapCompare, story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    assert snap_compare(app, press=["n", "1", "2"], terminal_size=(80, 24))
