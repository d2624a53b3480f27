"""Help, the command palette, and every size of terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from tui_support import shown

from game.core.model import Story
from game.format.loader import check_story
from game.tui.app import make_app
from game.tui.screens.ending import EndingScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.load import LoadScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen


async def test_help_explains_the_meters_and_the_keys(story_copy: Path, saves_dir: Path) -> None:
    root = story_copy / "story.toml"
    root.write_text(
        root.read_text().replace(
            'good = "low"', 'good = "low"\nhelp = "How close it is to a [fight]."'
        )
    )
    story, problems = check_story(story_copy)
    assert story is not None, problems
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        meters = shown(app.screen.query_one("#help-meters"))
        assert "Heat  0 to 5, lower is better" in meters
        assert "How close it is to a [fight]." in meters
        assert "undo the last choice" in shown(app.screen.query_one("#help-keys"))
        await pilot.press("escape")
        assert isinstance(app.screen, SceneScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, SceneScreen)


async def test_the_palette_offers_the_main_actions(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("New game", "Save game", "Load game", "Undo", "History", "Help", "Theme"):
            assert title in titles
        assert not {"Keys", "Maximize", "Minimize", "Screenshot"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        # the game's commands first, in the game's order; Textual's Theme and Quit last
        listed = app.screen.query_one(CommandList)
        shown = [
            str(listed.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(listed.option_count)
        ]
        assert shown[:3] == ["New game", "Save game", "Undo"]
        assert shown[-2:] == ["Theme", "Quit"]
        await pilot.press(*"history")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.screen.query_one("#history").display


async def test_any_resize_is_safe(story: Story, saves_dir: Path) -> None:
    """80x24 to 60x20 to 200x60 to 10x5 on every screen: nothing crashes."""
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:

        async def resize(*sizes: tuple[int, int]) -> None:
            for width, height in sizes:
                await pilot.resize_terminal(width, height)
                await pilot.pause()

        assert isinstance(app.screen, TitleScreen)
        await resize((10, 5))
        await pilot.press("n", "h")
        assert isinstance(app.screen, SceneScreen)
        await resize((60, 20), (200, 60), (80, 24), (10, 5))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await resize((60, 20))
        await pilot.press("escape", "l")
        assert isinstance(app.screen, LoadScreen)
        await resize((10, 5))
        await pilot.press("escape", "1", "2")
        assert isinstance(app.screen, EndingScreen)
        await resize((60, 20), (200, 60), (80, 24))
        assert app.screen.size == (80, 24)


async def test_the_theme_is_remembered(
    story: Story, saves_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    monkeypatch.setenv("MAR_A_LAGO_CONFIG_DIR", str(config))
    app = make_app(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "textual-light"
        await pilot.pause()
    assert json.loads((config / "settings.json").read_text()) == {"theme": "textual-light"}
    again = make_app(story, saves_dir)
    async with again.run_test(size=(80, 24)):
        assert again.theme == "textual-light"
    # a served game (one of many browser tabs) neither reads nor writes it
    served = make_app(story, saves_dir, autosave_slot="game-x", private_saves=True)
    async with served.run_test(size=(80, 24)) as pilot:
        assert served.theme == "textual-dark"
        served.theme = "nord"
        await pilot.pause()
    assert json.loads((config / "settings.json").read_text()) == {"theme": "textual-light"}
    # a damaged settings file, or a theme that no longer exists, is no setting
    (config / "settings.json").write_text('{"theme": "no-such-theme"')
    assert make_app(story, saves_dir).theme == "textual-dark"
