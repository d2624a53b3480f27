"""`play --debug` in the terminal app (Pilot): a panel under the scene and the ending with
the scene's id and file:line, exact meters, flags, visits and the random seed; F12 and
ctrl+d hide and show it; without --debug there is no panel and the keys do nothing. It
reads at 80x24 and at 60x20 with the choices still on screen. The help lists the keys
(with --debug only), and a duo summit shows the side on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import MINI, SHIPPED, TESTS, screen_lines, shown, words

from game.cli.main import main
from game.core.model import Story
from game.format.loader import load_story
from game.tui.app import make_app
from game.tui.duo import DuoLaunch
from game.tui.screens.ending import EndingScreen
from game.tui.screens.scene import SceneScreen
from game.tui.widgets.debug import DebugPanel, items

ADDITIONS = TESTS / "fixtures" / "additions"
DUO = TESTS / "fixtures" / "duo"


def panel_text(screen: object) -> str:
    panels = list(screen.query(DebugPanel))  # type: ignore[attr-defined]
    assert len(panels) == 1
    return words(shown(panels[0]))


async def test_no_panel_without_debug(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SceneScreen)
        before = screen_lines(app)
        await pilot.press("ctrl+d", "f12")
        await pilot.pause()
        assert not list(screen.query(DebugPanel))
        assert screen_lines(app) == before  # the keys did nothing
        assert "Debug" not in "".join(before)


async def test_the_panel_follows_the_game_and_toggles(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice", debug=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SceneScreen)
        text = panel_text(screen)
        assert "scene 'hall' tests/fixtures/mini/scenes.toml:1" in text
        assert "meters trust=3 (0..10) · heat=2 (0..5)" in text
        assert "flags none set" in text and "visits hall 1" in text
        assert "random" not in text  # the mini story has no random routes
        await pilot.press("1")  # warm: trust +2, flag warmed, to the yard
        await pilot.pause()
        text = panel_text(screen)
        assert "scene 'yard' tests/fixtures/mini/scenes.toml:31" in text
        assert "trust=5 (0..10)" in text and "flags warmed" in text
        assert "visits hall 1 · yard 1" in text
        panel = screen.query_one(DebugPanel)
        assert panel.display and panel.region.height > 0
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert not panel.display
        await pilot.press("f12")
        await pilot.pause()
        assert panel.display
        await pilot.press("f12")  # hidden: the next screen keeps it hidden
        for _ in range(5):
            if isinstance(app.screen, EndingScreen):
                break
            await pilot.press("1")
            await pilot.pause()
        ending = app.screen
        assert isinstance(ending, EndingScreen)
        assert not ending.query_one(DebugPanel).display
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert ending.query_one(DebugPanel).display
        assert app.state is not None and app.state.ending is not None
        assert f"ending '{app.state.ending}' tests/fixtures/mini/endings.toml:" in panel_text(
            ending
        )


async def test_the_seed_of_a_story_with_random_routes(tmp_path: Path) -> None:
    app = make_app(load_story(ADDITIONS), tmp_path, role="keeper", debug=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.state is not None
        assert f"random seed {app.state.seed}, 0 draws" in panel_text(app.screen)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_panel_reads_at_small_sizes(story: Story, saves_dir: Path, size) -> None:
    app = make_app(story, saves_dir, role="alice", debug=True)
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        lines = screen_lines(app)
        drawn = "\n".join(lines)
        assert "debug · F12/^d hides" in drawn
        assert "scene 'hall'" in drawn and "trust=3 (0..10)" in drawn
        assert "1. Be warm." in drawn  # the first choice is still on screen
        footer = lines[-1]
        assert "Choose" in footer and "Debug" not in footer


def test_play_debug_opens_the_app_with_the_panel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`play --debug` without --plain is the terminal app with its debug panel."""
    seen: dict[str, object] = {}

    def run_app(story: Story, saves_dir: Path, **options: object) -> int:
        seen.update(options)
        return 0

    monkeypatch.setattr("game.tui.app.run_app", run_app)
    assert main(["play", str(MINI), "--debug", "--saves-dir", str(tmp_path)]) == 0
    assert seen.get("debug") is True
    seen.clear()
    assert main(["play", str(MINI), "--saves-dir", str(tmp_path)]) == 0
    assert seen.get("debug") is False


async def test_the_help_lists_the_keys_only_with_debug(story: Story, saves_dir: Path) -> None:
    for debug in (False, True):
        app = make_app(story, saves_dir, role="alice", debug=debug)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("n", "question_mark")
            await pilot.pause()
            keys = words(shown(app.screen.query_one("#help-keys")))
            assert ("F12 ctrl+d show or hide the debug panel" in keys) is debug


async def test_a_duo_summit_shows_the_side_on_screen(tmp_path: Path) -> None:
    app = make_app(load_story(DUO), tmp_path, debug=True)
    app.duo_launch = DuoLaunch()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the host looks
        assert "scene 'host_arrival' tests/fixtures/duo/host.toml:1" in panel_text(app.screen)
        await pilot.press("1", "enter")  # warm; the guest looks
        text = panel_text(app.screen)
        assert "scene 'guest_arrival' tests/fixtures/duo/guest.toml:1" in text
        assert "trust=3 (0..10)" in text  # the round has not resolved yet
        await pilot.press("1")  # offer: the round resolves (trust +2 +1)
        assert "trust=6 (0..10)" in panel_text(app.screen)


def test_play_duo_debug_opens_the_duo_app_with_the_panel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    def run_duo_app(story: Story, saves_dir: Path, launch: object, **options: object) -> int:
        seen.update(options)
        return 0

    monkeypatch.setattr("game.tui.duo_app.run_duo_app", run_duo_app)
    args = ["play", str(DUO), "--duo", "--debug", "--saves-dir", str(tmp_path)]
    assert main(args) == 0
    assert seen.get("debug") is True


def test_a_row_breaks_between_items_never_inside_one() -> None:
    parts = ("trust=3 (0..10)", "heat=2 (0..5)", "escalation=5 (0..10)")
    assert items(parts, "none", 34).plain == "trust=3 (0..10) · heat=2 (0..5)\nescalation=5 (0..10)"
    assert items(parts, "none", 0).plain == " · ".join(parts)  # width unknown: one line
    assert items((), "none set", 20).plain == "none set"


async def test_each_meter_reads_whole_in_a_narrow_terminal(saves_dir: Path) -> None:
    shipped = load_story(SHIPPED)
    role = next(iter(shipped.roles))
    app = make_app(shipped, saves_dir, role=role, debug=True)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.state is not None
        lines = screen_lines(app)
        for meter in shipped.meters.values():
            item = f"{meter.id}={app.state.meters[meter.id]} ({meter.min}..{meter.max})"
            assert any(item in line for line in lines), (item, lines)
