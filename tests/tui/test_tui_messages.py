"""The TUI shows the game's messages as they are: never a command-line flag."""

from __future__ import annotations

from pathlib import Path

from tui_support import notes

from game.core.model import Story
from game.tui.app import make_app


async def test_a_failed_autosave_names_no_flag(story: Story, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    app = make_app(story, not_a_folder, role="alice")
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        await pilot.pause()
    failed = [n for n in notices if "Autosave failed" in n]
    assert failed and "choose a folder for saves" in failed[0]
    assert not any("--" in n for n in notices), notices
