"""Past moves in the app (Pilot): a choice's `{...}` markup reads in the history, the
ending's "choices that moved them most" and the duo's round report as it did when the
player chose (the state before the choice); the "Last choice" line says what the choice
did on its own and the news that came with it apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui_support import TESTS, shown, words

from game.core import engine
from game.format.loader import load_story
from game.persist.classstore import ClassStore
from game.persist.saves import Player
from game.session.session import GameSession
from game.tui.app import GameApp, make_app
from game.tui.duo import DuoLaunch
from game.tui.recap import last_move
from game.tui.screens.duo import DuoScreen
from game.tui.screens.ending import EndingScreen
from game.tui.screens.scene import SceneScreen

ADDITIONS = TESTS / "fixtures" / "additions"
CLASSROOM = TESTS / "fixtures" / "classroom"


async def pick(app: GameApp, pilot: object, choice_id: str) -> None:
    """Press the number of the visible choice `choice_id` of the scene on screen."""
    screen = app.screen
    assert isinstance(screen, SceneScreen)
    number = [o.choice_id for o in screen.shown_options].index(choice_id) + 1
    await pilot.press(str(number))  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_the_history_shows_each_choice_as_it_read_when_chosen(tmp_path: Path) -> None:
    story = load_story(ADDITIONS)
    app = make_app(story, tmp_path, role="keeper")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pick(app, pilot, "signal")  # read "Signal the ship (2 oil left)."; oil 2 -> 1
        assert app.state is not None and app.state.meters["oil"] == 1
        await pilot.press("h")
        await pilot.pause()
        history = words(shown(app.screen.query_one("#history")))
        assert "→ Signal the ship (2 oil left)." in history
        assert "{oil}" not in history and "1 oil left" not in history
        # the choice on screen reads with the state now: one oil left
        options = [o.text for o in app.screen.shown_options]  # type: ignore[attr-defined]
        assert "Row out to the ship that saw you." in options
        await pick(app, pilot, "wait")  # "Wait for morning." -> the shore
        history = words(shown(app.screen.query_one("#history")))
        assert "1. The Lamp → Signal the ship (2 oil left)." in history
        assert "2. The Lamp → Wait for morning." in history


async def test_the_debrief_shows_the_biggest_moves_as_they_read(tmp_path: Path) -> None:
    story = load_story(ADDITIONS)
    app = make_app(story, tmp_path, role="keeper")
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pick(app, pilot, "signal")
        await pick(app, pilot, "wait")  # storm +1
        await pilot.press("1")  # Go home.
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        moves = words(shown(app.screen.query_one("#ending-moves")))
        assert "The Lamp: Signal the ship (2 oil left)." in moves
        assert "{oil}" not in moves
        assert "Last choice: No meter moved." in shown(app.screen)


async def test_the_last_choice_says_its_own_effect_and_the_news_apart(tmp_path: Path) -> None:
    story = load_story(CLASSROOM)
    store = ClassStore.open(tmp_path)
    app = make_app(story, tmp_path, role="alice", player=Player("Ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        store.send_inject("calm")
        await pilot.press("2")  # cold: trust -1, heat +2 (4); then the news: heat -2 (2)
        await pilot.pause()
        await pilot.press("enter")  # the news flash
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SceneScreen)
        assert app.state is not None and app.state.meters["heat"] == 2
        feedback = shown(screen.query_one("#scene-feedback")).splitlines()
        assert feedback[0] == "Last choice: Trust -1 (worse) · Heat +2 (worse)."
        assert feedback[1] == "News: Calm news: Heat -2 (better)."
        await pilot.press("h")
        await pilot.pause()
        history = words(shown(screen.query_one("#history")))
        assert "1. Hall → Be cold. News: Calm news" in history


def test_a_loaded_game_finds_its_last_move_by_replay(tmp_path: Path) -> None:
    """Without the state shown before (a load, an undo), the last move is replayed: the
    same before/after as a move on from the screen, news apart."""
    story = load_story(CLASSROOM)
    session = GameSession(story, tmp_path, player=Player("Ana"))
    session.start("alice")
    ClassStore.open(tmp_path).send_inject("calm")  # news sent during the game
    shown_before = session.state
    moved = session.choose("cold")
    assert moved.news and moved.before_news is not None
    replayed = last_move(story, moved.state)
    assert replayed is not None
    assert replayed.before == shown_before
    assert replayed.after.meters == moved.before_news.meters
    assert [e.inject for e in replayed.news] == ["calm"]
    # from the screen, with news: the same (the news needs the replay)
    assert last_move(story, moved.state, shown_before) == replayed
    # no news: the state shown is the one chosen in
    quiet = engine.choose(story, shown_before, "warm")  # type: ignore[arg-type]
    assert last_move(story, quiet, shown_before) == last_move(story, quiet)


async def test_the_duo_report_shows_each_choice_as_it_read(tmp_path: Path) -> None:
    folder = tmp_path / "duo"
    shutil.copytree(TESTS / "fixtures" / "duo", folder)
    guest = folder / "guest.toml"
    guest.write_text(
        guest.read_text().replace('text = "Agree."', 'text = "Agree (trust {trust})."')
    )
    story = load_story(folder)
    app = make_app(story, tmp_path / "saves")
    app.duo_launch = DuoLaunch()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuoScreen)
        # arrival: host warm (trust +2), guest offer (+1): trust 3 -> 6
        for key in ("enter", "1", "enter", "1", "enter", "1", "enter"):
            await pilot.press(key)  # ... then the host takes their offer (+2), the guest looks
        assert "Agree (trust 6)." in shown(screen)
        await pilot.press("1")  # the guest agrees: the round resolves, trust 6 -> 9
        assert screen.session.state.meters["trust"] == 9
        text = words(shown(screen))
        assert "The Talks: what each side did" in text
        assert "Agree (trust 6)." in text and "{trust}" not in text
