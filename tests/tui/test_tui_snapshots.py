"""SVG snapshots of the main screens on the mini story (`make snapshots` refreshes them).

The theme is set in the app, the cursor does not blink (conftest), saves carry a fixed
time and live in a temporary folder: the pictures depend on nothing but the code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from game.core import engine
from game.core.model import Story
from game.format.loader import load_story
from game.persist import saves
from game.tui.app import make_app

SnapCompare = Callable[..., bool]


def test_title(snap_compare: SnapCompare, story: Story, saves_dir: Path) -> None:
    assert snap_compare(make_app(story, saves_dir), terminal_size=(80, 24))


SIZES = [(60, 20), (80, 24), (100, 30), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scene(snap_compare: SnapCompare, story: Story, saves_dir: Path, size) -> None:
    # the first role's start: its reactive line ("Low trust.") before the text
    assert snap_compare(make_app(story, saves_dir), press=["n", "1"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scene_after_a_choice(
    snap_compare: SnapCompare, story: Story, saves_dir: Path, size
) -> None:
    # one choice made: what it did in words, and the meters' change
    assert snap_compare(make_app(story, saves_dir), press=["n", "1", "2"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_long_scene(snap_compare: SnapCompare, story_copy: Path, saves_dir: Path, size) -> None:
    # more text than fits below 200x50: "more below" on the choices' border
    long = " ".join(
        f"Paragraph {n}: the delegations wait in the hall while the advisers read."
        for n in range(12)
    )
    scenes = story_copy / "scenes.toml"
    scenes.write_text(
        scenes.read_text().replace('text = "A hall. [bold]Not markup[/]."', f'text = "{long}"')
    )
    app = make_app(load_story(story_copy), saves_dir, role="alice")
    assert snap_compare(app, press=["n"], terminal_size=size)


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


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_ending(snap_compare: SnapCompare, story: Story, saves_dir: Path, size) -> None:
    app = make_app(story, saves_dir, role="alice")
    assert snap_compare(app, press=["n", "2", "2"], terminal_size=size)


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_debug_panel(
    snap_compare: SnapCompare,
    story: Story,
    saves_dir: Path,
    size,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `play --debug`: the panel under the scene after one choice (paths from the checkout)
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    app = make_app(story, saves_dir, role="alice", debug=True)
    assert snap_compare(app, press=["n", "1"], terminal_size=size)
