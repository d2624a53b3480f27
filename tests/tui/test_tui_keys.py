"""No input crashes the app: bursts of every bound key, typed faster than the screens
can be built or torn down, on every screen (title, role, scene, ending, help, load,
save), with and without a quit in the middle."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from tui_support import MINI

from game.core import engine
from game.format.loader import load_story
from game.persist import saves
from game.tui.app import GameApp, make_app
from game.tui.screens.ending import EndingScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.load import LoadScreen
from game.tui.screens.role import RoleScreen
from game.tui.screens.save import SaveScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen

#: what a key types, for the keys whose name is not their character
CHARACTERS = {"question_mark": "?", "space": " "}
QUIT_ACTIONS = {"quit", "app.quit"}


def burst(app: GameApp, keys: list[str]) -> None:
    """Queue every key at once, as a fast typist or a paste does: no waiting between."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None))
        event.set_sender(app)
        driver.send_message(event)


async def settle(app: GameApp, pilot: Pilot[int]) -> None:
    """Let the burst play out, then quit as a player does (a key pushed after the quit
    must do nothing). Leaving `run_test` without quitting tears the app down under
    keys still queued, which no real terminal does."""
    for _ in range(4):
        await pilot.pause(0.05)
    app.exit()
    await pilot.pause(0.05)


def bound_keys(app: GameApp) -> tuple[list[str], list[str]]:
    """The keys bound on the current screen (its focus chain and the app): (the others,
    the ones that quit)."""
    others, quits = set(), set()
    for key, active in app.screen.active_bindings.items():
        (quits if active.binding.action in QUIT_ACTIONS else others).add(key)
    others |= {"1", "2", "3", "9", "enter", "escape", "tab", "up", "down"}
    return sorted(others - quits), sorted(quits)


def finished_save(saves_dir: Path) -> Path:
    story = load_story(MINI)
    state = engine.new_game(story, "alice")
    for choice in ("warm", "wait"):
        state = engine.choose(story, state, choice)
    return saves.write(saves_dir, "autosave", story, state)


async def at_title(pilot: Pilot[int]) -> None:
    await pilot.pause()


async def at_role(pilot: Pilot[int]) -> None:
    await pilot.press("n")


async def at_scene(pilot: Pilot[int]) -> None:
    await pilot.press("n", "1")


async def at_help(pilot: Pilot[int]) -> None:
    await pilot.press("n", "question_mark")


async def at_load(pilot: Pilot[int]) -> None:
    await pilot.press("l")


async def at_save(pilot: Pilot[int]) -> None:
    await pilot.press("n", "1", "s")


async def at_ending(pilot: Pilot[int]) -> None:
    await pilot.pause()


SCREENS: dict[str, tuple[Callable[[Pilot[int]], Awaitable[None]], type]] = {
    "title": (at_title, TitleScreen),
    "role": (at_role, RoleScreen),
    "scene": (at_scene, SceneScreen),
    "help": (at_help, HelpScreen),
    "load": (at_load, LoadScreen),
    "save": (at_save, SaveScreen),
    "ending": (at_ending, EndingScreen),
}


def new_app(where: str, saves_dir: Path) -> GameApp:
    story = load_story(MINI)
    path = finished_save(saves_dir)  # something to load, and the ending screen's game
    if where == "ending":
        return make_app(story, saves_dir, loaded=saves.load(story, path), loaded_from=path)
    return make_app(story, saves_dir)


@pytest.mark.parametrize("where", list(SCREENS))
async def test_bursts_of_every_bound_key_never_crash(where: str, tmp_path: Path) -> None:
    go, screen_type = SCREENS[where]
    rng = random.Random(where)
    for round_ in range(2):
        app = new_app(where, tmp_path / f"saves-{round_}")
        async with app.run_test(size=(80, 24)) as pilot:
            await go(pilot)
            assert isinstance(app.screen, screen_type)
            keys, _ = bound_keys(app)
            rng.shuffle(keys)
            burst(app, keys)
            await settle(app, pilot)
        # run_test re-raises anything that crashed the app
        assert app.return_code == 0


@pytest.mark.parametrize("where", list(SCREENS))
async def test_quit_then_any_key_never_crashes(where: str, tmp_path: Path) -> None:
    go, screen_type = SCREENS[where]
    app = new_app(where, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot)
        assert isinstance(app.screen, screen_type)
        others, quits = bound_keys(app)
        quit_key = "q" if "q" in quits else "ctrl+q"
        burst(app, [quit_key, *others, quit_key, *reversed(others)])
        await settle(app, pilot)
    assert app.return_code == 0


async def test_quit_then_undo_on_the_ending_quits_cleanly(tmp_path: Path) -> None:
    """The issue's crash: `q` then `u` (or `n`) typed fast on the ending screen."""
    for second in ("u", "n"):
        app = new_app("ending", tmp_path / second)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, EndingScreen)
            burst(app, ["q", second])
            await pilot.pause(0.2)
            assert app.closing  # `q` quit; the key after it did nothing
        assert app.return_code == 0


async def test_the_palette_opened_and_closed_fast_never_crashes(tmp_path: Path) -> None:
    for round_ in range(2):
        app = new_app("scene", tmp_path / f"saves-{round_}")
        async with app.run_test(size=(80, 24)) as pilot:
            await at_scene(pilot)
            burst(app, ["ctrl+p", "escape"] * 6 + ["ctrl+p", "pagedown", "pageup", "u", "escape"])
            burst(app, ["ctrl+p", *"undo", "enter", "ctrl+p", "pagedown", "enter", "escape"])
            await settle(app, pilot)
        assert app.return_code == 0
