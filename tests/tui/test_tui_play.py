"""Playing with keys: title, role, scenes, choices (arrows, numbers), undo, endings."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList
from tui_support import SHIPPED, autosave_path, notes, plain, shown

from game.core import engine
from game.core.engine import Start
from game.core.model import Story
from game.format.loader import check_story
from game.persist import saves
from game.tui.app import GameApp, make_app
from game.tui.screens.ending import EndingScreen, biggest_moves
from game.tui.screens.role import RoleScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen
from game.tui.widgets.choices import ChoiceList


def scene_of(app: GameApp) -> str | None:
    return None if app.state is None else app.state.scene


async def test_title_shows_the_story_and_the_menu(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the title looks for a save to continue after its first frame
        assert isinstance(app.screen, TitleScreen)
        menu = app.screen.query_one("#menu", OptionList)
        prompts = [plain(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert prompts[0] == "New game"
        assert prompts[1].startswith("Continue") and "no saved game" in prompts[1]
        assert menu.get_option_at_index(1).disabled
        assert prompts[2:] == ["Load a saved game", "Quit"]


async def test_play_a_role_to_an_ending_with_keys(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # New game
        assert isinstance(app.screen, RoleScreen)
        await pilot.press("enter")  # the first role
        assert isinstance(app.screen, SceneScreen)
        assert app.state is not None and app.state.role == "alice"
        await pilot.press("enter")  # the first open choice: warm
        assert scene_of(app) == "yard"
        await pilot.press("down", "enter")  # wait
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert app.state.ending == "good"
        text = shown(app.screen.query_one("#ending-text"))
        assert "It went well." in text and "Warmth helped." in text
        assert "Why?" in shown(app.screen.query_one("#ending-questions"))
        assert "Be warm." in shown(app.screen.query_one("#ending-moves"))
        # autosaved after every choice, to the game's own slot
        first = autosave_path(app)
        assert first.name.startswith("autosave-mini-alice-")
        assert saves.load(story, first).state == app.state
        await pilot.press("n", "2")  # a new game, as the second role
        assert isinstance(app.screen, SceneScreen)
        assert app.state.role == "bob" and scene_of(app) == "yard"
        await pilot.press("1")
        # the new game has a slot of its own: the first game is still there, whole
        assert autosave_path(app) != first
        assert saves.load(story, first).state.ending == "good"


async def test_quit_from_the_title(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_number_keys_pick_choices(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.press("2")  # cold
        assert app.state is not None
        assert app.state.history == (("hall", "cold"),)
        assert app.state.meters == {"trust": 2, "heat": 4}
        meters = shown(app.screen.query_one("#meters"))
        assert "2/10 -1▼" in meters and "4/5 +2▲" in meters
        notices = notes(app)
        await pilot.press("9")
        assert app.state.history == (("hall", "cold"),)
        assert any("no choice 9" in n for n in notices)


async def test_the_mouse_picks_a_choice(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.click(ChoiceList, offset=(6, 2))  # the second line: "2. Be cold."
        await pilot.pause()
        assert app.state is not None and app.state.history == (("hall", "cold"),)


async def test_a_locked_choice_cannot_be_chosen(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        notices = notes(app)
        choices = app.screen.query_one(ChoiceList)
        locked = choices.get_option("secret")
        assert locked.disabled
        assert "Locked: Nobody trusts you that much." in plain(locked.prompt)
        await pilot.press("3")
        assert any("locked: Nobody trusts you that much." in n for n in notices)
        await pilot.press("end", "enter")  # the highlight skips the locked choice
        assert app.state is not None and app.state.history[-1] != ("hall", "secret")
        assert app.state.ending is None or app.state.ending != "good"


async def test_a_hidden_locked_choice_is_not_shown(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        choices = app.screen.query_one(ChoiceList)
        assert [choices.get_option_at_index(i).id for i in range(choices.option_count)] == [
            "push",
            "wait",
        ]


async def test_undo(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        notices = notes(app)
        await pilot.press("u")
        assert any("Nothing to undo" in n for n in notices)
        await pilot.press("1", "u")
        assert app.state is not None
        assert scene_of(app) == "hall" and app.state.history == ()
        await pilot.press("2", "2")  # cold, wait: an ending
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("ctrl+z")  # undo works on the ending too
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert scene_of(app) == "yard" and app.state.history == (("hall", "cold"),)
        # the autosave follows the undo
        assert saves.load(story, autosave_path(app)).state == app.state


async def test_story_text_with_markup_is_shown_literally(story_copy: Path, saves_dir: Path) -> None:
    scenes = story_copy / "scenes.toml"
    scenes.write_text(
        scenes.read_text()
        .replace('title = "Hall"', 'title = "[i]Hall[/i] [1]"')
        .replace('text = "Be warm."', 'text = "Say [b]yes[/b] [/] [$x]"'),
        encoding="utf-8",
    )
    changed, problems = check_story(story_copy)
    assert changed is not None, problems
    app = make_app(changed, saves_dir, role="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert "A hall. [bold]Not markup[/]." in shown(screen.query_one("#scene-text"))
        assert "[i]Hall[/i] [1]" in shown(screen.query_one("#scene-title"))
        assert "1. Say [b]yes[/b] [/] [$x]" in shown(screen.query_one(ChoiceList))


async def test_history_panel_toggles(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        history = app.screen.query_one("#history")
        assert not history.display
        await pilot.press("h")
        assert history.display
        assert "Hall" in shown(history) and "→ Be warm." in shown(history)
        await pilot.press("h")
        assert not history.display


async def test_start_from_a_scene_with_meters(story: Story, saves_dir: Path) -> None:
    start = Start("yard", {"trust": 8}, frozenset({"warmed"}))
    app = make_app(story, saves_dir, role="alice", start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.state is not None
        assert scene_of(app) == "yard" and app.state.meters["trust"] == 8
        assert app.screen.query_one(ChoiceList).option_count == 3  # the hidden door shows
        await pilot.press("3", "1")  # hidden door, finish: the game ends
        assert app.state.ending == "good"
        await pilot.press("u")  # undo stays on the custom start
        assert app.state.origin is not None and scene_of(app) == "garden"


async def test_start_from_a_scene_asks_the_role(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, start=Start("garden"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoleScreen)
        await pilot.press("2")
        assert app.state is not None
        assert app.state.role == "bob" and scene_of(app) == "garden"


async def test_a_loaded_game_opens_at_once_with_its_notice(story: Story, saves_dir: Path) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "warm")
    path = saves.write(saves_dir, "mine", story, state)
    loaded = saves.load(story, path)
    loaded = saves.Loaded(loaded.state, loaded.save, notice="The story changed since.")
    app = make_app(story, saves_dir, loaded=loaded)
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.state == state
        assert "The story changed since." in notices


async def test_continue_resumes_the_newest_save(story: Story, saves_dir: Path) -> None:
    older = engine.new_game(story, "alice")
    saves.write(saves_dir, "older", story, older)
    newer = engine.choose(story, older, "cold")
    saves.write(saves_dir, "autosave", story, newer)
    app = make_app(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the title looks for a save to continue after its first frame
        menu = app.screen.query_one("#menu", OptionList)
        assert "Alice · Yard · 1 choice" in plain(menu.get_option_at_index(1).prompt)
        await pilot.press("c")
        assert isinstance(app.screen, SceneScreen)
        assert app.state == newer


def test_the_debrief_replays_the_game(story: Story) -> None:
    state = engine.new_game(story, "alice")
    for choice in ("cold", "wait"):
        state = engine.choose(story, state, choice)
    states = engine.timeline(story, state)
    assert [s.meters["heat"] for s in states] == [2, 4, 4]
    moves = biggest_moves(story, engine.events(story, state))
    assert [(m.scene_id, m.choice_id, m.changes) for m in moves] == [
        ("hall", "cold", {"trust": -1, "heat": 2})
    ]


async def test_the_shipped_story_plays_to_an_ending(saves_dir: Path) -> None:
    shipped, problems = check_story(SHIPPED)
    if shipped is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    role = next(iter(shipped.roles))
    app = make_app(shipped, saves_dir, role=role)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        for _ in range(200):
            if isinstance(app.screen, EndingScreen):
                break
            await pilot.press("enter")  # the first open choice
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert app.state is not None and app.state.over


async def test_a_fast_second_key_never_acts_on_a_scene_it_was_not_meant_for(tmp_path):
    """Two keys queued at once (key repeat, a paste): the second was handled for the old
    scene and must not pick the choice of the same id in the next one."""
    from game.format.loader import load_story
    from game.tui.messages import ChoicePicked

    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.toml").write_text(
        '[story]\nid = "dbl"\ntitle = "D"\nversion = "1"\nformat = 1\n\n'
        '[roles.r]\nlabel = "R"\nstart = "a"\n\n'
        '[scenes.a]\ntitle = "A"\ntext = "a"\n\n'
        '[[scenes.a.choices]]\nid = "x"\ntext = "On."\ngoto = "b"\n\n'
        '[scenes.b]\ntitle = "B"\ntext = "b"\n\n'
        '[[scenes.b.choices]]\nid = "y"\ntext = "Stay."\ngoto = "end"\n\n'
        '[[scenes.b.choices]]\nid = "x"\ntext = "Quit the deal."\ngoto = "end:bad"\n\n'
        '[endings.bad]\ntitle = "Bad"\ntext = "bad"\nwhen = { flags = ["never"] }\n\n'
        '[endings.draw]\ntitle = "Draw"\ntext = "d"\n'
    )
    story = load_story(folder)
    app = make_app(story, tmp_path / "saves", role="r")
    async with app.run_test(size=(80, 24)) as pilot:
        app.begin("r", None)
        await pilot.pause()
        app.post_message(ChoicePicked("x", "a", 0))
        app.post_message(ChoicePicked("x", "a", 0))  # stale once the first has landed
        await pilot.pause()
        assert app.state is not None
        assert app.state.history == (("a", "x"),)
        assert app.state.scene == "b"
