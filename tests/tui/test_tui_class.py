"""The game app in a class (Pilot): a served game asks who plays first and rejoins a game
by its code; news comes as a news flash; the teacher's pause stops the game and the
time limit makes the next choice the final one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_support import TESTS, notes, shown

from game.format.loader import load_story
from game.persist import saves
from game.persist.classstore import ClassStore
from game.persist.saves import Player
from game.session.session import GameSession
from game.tui.app import make_app
from game.tui.screens.classroom import NameScreen, NewsScreen, PausedScreen
from game.tui.screens.ending import EndingScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen

CLASSROOM = TESTS / "fixtures" / "classroom"


async def test_a_served_game_asks_who_plays_first(tmp_path: Path) -> None:
    story = load_story(CLASSROOM)
    app = make_app(story, tmp_path, role="alice", autosave_slot="game-1", private_saves=True)
    app.served = True
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one("#who-name", Input).value = "Ana"
        app.screen.query_one("#who-team", Input).value = "Red"
        app.screen.query_one("#who-code", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n", "1")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        session = app.session
        assert session.player == Player("Ana", "Red")
        assert "Ana" in session.autosave_slot
        assert "Ana" in app.screen.sub_title and session.code in app.screen.sub_title
        info = saves.read(tmp_path / f"{session.autosave_slot}.json").game
        assert info is not None and info.player.name == "Ana"


async def test_a_refreshed_tab_rejoins_its_game_by_code(tmp_path: Path) -> None:
    story = load_story(CLASSROOM)
    first = GameSession(story, tmp_path, player=Player("Ana"), autosave_slot="game-1", private=True)
    first.start("alice")
    first.choose("warm")
    app = make_app(story, tmp_path, role="alice", autosave_slot="game-2", private_saves=True)
    app.served = True
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one("#who-code", Input).value = first.code.lower()
        app.screen.query_one("#who-code", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.state is not None and app.state.scene == "yard"
        assert app.session.code == first.code
        assert app.session.autosave_slot == first.autosave_slot


async def test_news_comes_as_a_news_flash(tmp_path: Path) -> None:
    story = load_story(CLASSROOM)
    store = ClassStore.open(tmp_path)
    app = make_app(story, tmp_path, role="alice", player=Player("Ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        store.send_inject("calm")
        await pilot.press("2")  # cold: heat 4, then the news: 2
        await pilot.pause()
        assert isinstance(app.screen, NewsScreen)
        text = shown(app.screen)
        assert "NEWS FLASH" in text and "Calm news" in text and "Things calm down." in text
        await pilot.press("enter")
        assert isinstance(app.screen, SceneScreen)
        assert app.state is not None and app.state.meters["heat"] == 2


async def test_the_teacher_pauses_and_the_clock_runs_out(tmp_path: Path) -> None:
    story = load_story(CLASSROOM)
    store = ClassStore.open(tmp_path)
    app = make_app(story, tmp_path, role="alice", player=Player("Ana"))
    said = notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        store.pause()
        await pilot.pause(1.3)
        assert isinstance(app.screen, PausedScreen)
        await pilot.press("1")  # refused: the pause is on top
        assert app.state is not None and app.state.history == ()
        store.resume()
        store.set_time_limit(600)
        await pilot.pause(1.3)
        assert isinstance(app.screen, SceneScreen)
        assert any("10 minutes left" in n for n in said)
        assert "10 min left" in app.screen.sub_title
        store.set_time_limit(0)
        await pilot.pause(1.3)
        assert any("make your final choice" in n for n in said)
        await pilot.press("1")  # warm: the final choice
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert app.state is not None and app.state.closed == 1
