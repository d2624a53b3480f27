"""Watch mode: an edited story is reloaded; a broken edit keeps the last good story."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import edit, notes, shown

from game.format.loader import load_story
from game.tui.app import GameApp, make_app
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen


async def test_an_edit_reloads_and_keeps_the_choices(story_copy: Path, saves_dir: Path) -> None:
    app = make_app(
        load_story(story_copy), saves_dir, story_dir=story_copy, role="alice", watch=True
    )
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        assert app.state is not None and app.state.scene == "yard"
        scenes = story_copy / "scenes.toml"

        edit(scenes, lambda text: text.replace('text = "A yard."', 'text = "A wide yard."'))
        app.check_story_files()
        await pilot.pause()
        assert "A wide yard." in shown(app.screen.query_one("#scene-text"))
        assert app.state.history == (("hall", "warm"),)
        assert any("1 choice(s) still fit" in n for n in notices)

        edit(scenes, lambda text: text + "\n[scenes.broken\n")
        app.check_story_files()
        await pilot.pause()
        assert any("problem" in n and "scenes.toml:" in n for n in notices)
        assert app.story.scenes["yard"].text == "A wide yard."  # the last good story
        assert isinstance(app.screen, SceneScreen)

        edit(
            scenes,
            lambda text: text.replace("\n[scenes.broken\n", "").replace(
                'id = "warm"', 'id = "warmly"'
            ),
        )
        app.check_story_files()
        await pilot.pause()
        assert app.state.history == () and app.state.scene == "hall"
        assert any("kept 0 of 1" in n for n in notices)


async def test_a_story_without_the_role_goes_back_to_the_title(
    story_copy: Path, saves_dir: Path
) -> None:
    app = make_app(load_story(story_copy), saves_dir, story_dir=story_copy, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "2")  # bob
        assert isinstance(app.screen, SceneScreen)
        edit(
            story_copy / "story.toml",
            lambda text: text.replace('[roles.bob]\nlabel = "Bob"\nstart = "yard"\n', ""),
        )
        app.check_story_files()
        await pilot.pause()
        assert "bob" not in app.story.roles
        assert isinstance(app.screen, TitleScreen)


async def test_the_folder_is_polled(
    story_copy: Path, saves_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GameApp, "WATCH_INTERVAL", 0.05)
    app = make_app(load_story(story_copy), saves_dir, story_dir=story_copy, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        edit(story_copy / "story.toml", lambda text: text.replace('"Mini"', '"Maxi"'))
        for _ in range(40):
            await pilot.pause(0.05)
            if app.story.title == "Maxi":
                break
        assert app.story.title == "Maxi"
        assert "Maxi" in shown(app.screen.query_one("#story-title"))
