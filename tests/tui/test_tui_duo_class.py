"""A duo room played in the app, in a class: the player's name (from `--name`, or a
served tab's name) reaches the teacher's rooms table, and the teacher's pause holds the
side's move (the screen says so, and the side chooses again once the game goes on)."""

from __future__ import annotations

from pathlib import Path

from duo_support import STORY
from tui_support import notes

from game.persist.classstore import ClassStore
from game.persist.saves import Player
from game.teach import duorooms
from game.tui.app import make_app
from game.tui.duo import DuoLaunch
from game.tui.screens.duo import CHOOSE, WAITING, DuoScreen


async def test_a_named_side_shows_on_the_console_and_the_pause_holds_its_move(
    saves_dir: Path,
) -> None:
    app = make_app(STORY, saves_dir, player=Player("Ann", "Red"))
    app.duo_launch = DuoLaunch(room="cls1", role="us")
    seen = notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuoScreen) and screen.mode == CHOOSE
        store = ClassStore.open(saves_dir)
        [line] = duorooms.room_lines(STORY, store.rooms(), store.games())
        assert line.code == "CLS1"
        assert [side.cell() for side in line.sides] == ["Ann (Red)", "(not joined)"]
        assert line.waiting_text() == "both sides"

        store.pause()
        await pilot.press("1")  # warm: held by the pause
        await pilot.pause()
        assert screen.mode == CHOOSE and store.moves("CLS1") == []
        assert any("The teacher has paused the game" in n for n in seen)

        store.resume()
        await pilot.press("1")
        await pilot.pause()
        assert screen.mode == WAITING
        assert [m.choice for m in store.moves("CLS1")] == ["warm"]
        [line] = duorooms.room_lines(STORY, store.rooms(), store.games())
        assert line.waiting_text() == "The guest"
