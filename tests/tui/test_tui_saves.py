"""Saving, loading, damaged saves, failed writes and transcripts: notices, never tracebacks."""

from __future__ import annotations

import io
import sys
import types
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList
from tui_support import autosave_path, notes, plain, shown

from game.core import engine
from game.core.model import Story
from game.persist import saves
from game.tui.app import GameApp, make_app
from game.tui.screens.ending import EndingScreen
from game.tui.screens.load import LoadScreen
from game.tui.screens.save import SaveScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen


async def test_save_to_a_slot_and_load_it_back(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1", "s")
        assert isinstance(app.screen, SaveScreen)
        field = app.screen.query_one(Input)
        assert field.value == "alice-1"
        field.value = "no/way"
        await pilot.press("enter")
        assert isinstance(app.screen, SaveScreen), "a bad name keeps the dialog open"
        assert "is not a slot name" in shown(app.screen.query_one("#save-error"))
        field.value = "slot-1"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert (saves_dir / "slot-1.json").is_file()
        await pilot.press("2")  # on to an ending
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        slots = app.screen.query_one("#slots", OptionList)
        ids = [slots.get_option_at_index(i).id for i in range(slots.option_count)]
        assert set(ids) == {"slot-1", autosave_path(app).stem}
        prompt = plain(slots.get_option("slot-1").prompt)
        assert "Alice · Yard · 1 choice" in prompt and "Trust 5 · Heat 2" in prompt
        slots.highlighted = ids.index("slot-1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.state is not None and app.state.history == (("hall", "warm"),)


async def test_saving_over_a_slot_says_so_and_escape_cancels(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        app.session.save_as("taken")
        await pilot.press("s")
        field = app.screen.query_one(Input)
        field.value = ""
        await pilot.press(*"take")
        assert "exists" not in shown(app.screen.query_one("#save-error"))
        await pilot.press("n")
        assert "exists: saving replaces it" in shown(app.screen.query_one("#save-error"))
        await pilot.press("escape")
        assert isinstance(app.screen, SceneScreen)


async def test_damaged_saves_are_listed_not_loadable(story: Story, saves_dir: Path) -> None:
    saves_dir.mkdir()
    (saves_dir / "broken.json").write_text("{not json", encoding="utf-8")
    app = make_app(story, saves_dir)
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.get_option("continue_game").disabled  # a damaged save is not continued
        await pilot.press("l")
        slots = app.screen.query_one("#slots", OptionList)
        broken = slots.get_option("broken")
        assert broken.disabled
        assert "damaged or truncated" in plain(broken.prompt)
        await pilot.press("enter")
        assert isinstance(app.screen, LoadScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TitleScreen)
        app.load_path(saves_dir / "broken.json")
        await pilot.pause()
        assert any("Cannot load" in n and "damaged" in n for n in notices)
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n", "1")  # the game goes on
        assert isinstance(app.screen, SceneScreen)


async def test_a_save_that_no_longer_fits_is_a_notice(
    story: Story, story_copy: Path, saves_dir: Path
) -> None:
    from game.format.loader import load_story

    state = engine.choose(story, engine.new_game(story, "alice"), "warm")
    saves.write(saves_dir, "autosave", story, state)
    scenes = story_copy / "scenes.toml"
    scenes.write_text(scenes.read_text().replace('id = "warm"', 'id = "warmly"'))
    edited = load_story(story_copy)
    app = make_app(edited, saves_dir)
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert any("Cannot load" in n and "no longer exists" in n for n in notices)


async def test_a_failed_autosave_is_a_notice_and_play_goes_on(story: Story, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    app = make_app(story, not_a_folder, role="alice")
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        assert any("Autosave failed" in n for n in notices)
        assert app.state is not None and app.state.scene == "yard"
        await pilot.press("s", "enter")
        await pilot.pause()
        assert any("Not saved" in n for n in notices)
        await pilot.press("2")
        assert isinstance(app.screen, EndingScreen)


async def test_a_bad_autosave_slot_turns_autosave_off(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice", autosave_slot="../evil")
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")
        assert any("Autosave is off" in n for n in notices)
        assert not saves_dir.exists()


def finished(story: Story, saves_dir: Path) -> GameApp:
    """An app that opens on a finished game (as `play --load` of an ended game does)."""
    state = engine.new_game(story, "alice")
    for choice in ("warm", "wait"):
        state = engine.choose(story, state, choice)
    path = saves.write(saves_dir, "autosave", story, state)
    return make_app(story, saves_dir, loaded=saves.load(story, path), loaded_from=path)


async def test_transcript_is_written_next_to_the_saves(
    story: Story, saves_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("game.tools.documents.transcript")
    fake.render_transcript = lambda story, state, fmt="md", who="": (  # type: ignore[attr-defined]
        f"# {story.title}: {state.ending}\n"
    )
    monkeypatch.setitem(sys.modules, "game.tools.documents.transcript", fake)
    app = finished(story, saves_dir)
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("t")
        target = saves_dir / "autosave-transcript.md"  # the game goes on in its autosave
        assert target.read_text() == "# Mini: good\n"
        assert any(str(target) in n for n in notices)
        target.write_text("kept")
        await pilot.press("t")  # a second transcript never replaces the first
        assert target.read_text() == "kept"
        second = saves_dir / "autosave-transcript-2.md"
        assert second.read_text() == "# Mini: good\n"
        assert any(str(second) in n for n in notices)


async def test_transcript_in_a_browser_is_delivered(
    story: Story, saves_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("game.tools.documents.transcript")
    fake.render_transcript = lambda story, state, fmt="md", who="": "text"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "game.tools.documents.transcript", fake)
    monkeypatch.setattr(GameApp, "is_web", property(lambda self: True))
    delivered: list[tuple[str, str | None]] = []

    def deliver(self: GameApp, file: io.StringIO, **kwargs: object) -> None:
        delivered.append((file.getvalue(), kwargs.get("save_filename")))  # type: ignore[arg-type]

    monkeypatch.setattr(GameApp, "deliver_text", deliver)
    app = finished(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert delivered == [("text", "autosave-transcript.md")]


async def test_transcript_without_its_module_is_a_notice(
    story: Story, saves_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "game.tools.documents.transcript", None)  # import fails
    app = finished(story, saves_dir)
    notices = notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert any("Transcripts are not available" in n for n in notices)
        assert isinstance(app.screen, EndingScreen)


async def test_served_games_see_only_their_own_saves(tmp_path):
    """A classroom server gives each browser its own slot: Continue and Load never
    offer another student's game, and named saves cannot overwrite one another."""
    from game.core import engine
    from game.format.loader import load_story
    from game.persist import saves
    from game.tui.app import make_app
    from support import MINI

    story = load_story(MINI)
    other = engine.choose(story, engine.new_game(story, "alice"), "warm")
    saves.write(tmp_path, "game-other-student", story, other)
    saves.write(tmp_path, "mine", story, other)
    app = make_app(story, tmp_path, autosave_slot="game-me", private_saves=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.newest_save() is None
        assert app.slot_name("mine") == "game-me-mine"
        await pilot.pause()
    shared = make_app(story, tmp_path)
    assert shared.newest_save() is not None


async def test_new_game_leaves_the_earlier_game_loadable(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "2")  # a game in progress: cold, at the yard
        first = autosave_path(app)
        in_progress = app.state
        await pilot.press("ctrl+p", *"new game")
        await pilot.pause(0.3)
        await pilot.press("enter")  # New game from the palette, mid-game: no question
        await pilot.pause()
        assert app.state is not None and app.state.history == ()
        await pilot.press("1", "2")  # the new game, to its ending
        assert isinstance(app.screen, EndingScreen)
        assert autosave_path(app) != first
        await pilot.press("l")
        slots = app.screen.query_one("#slots", OptionList)
        ids = [slots.get_option_at_index(i).id for i in range(slots.option_count)]
        assert first.stem in ids and autosave_path(app).stem in ids
        slots.highlighted = ids.index(first.stem)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.state == in_progress


async def test_the_title_offers_continue_first_when_there_is_a_game(
    story: Story, saves_dir: Path
) -> None:
    app = make_app(story, saves_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#menu", OptionList).highlighted == 0  # nothing to continue
        await pilot.press("enter", "1", "2")  # New game, Alice, cold
        await pilot.press("ctrl+p", *"title")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.highlighted == 1
        assert "Alice · Yard · 1 choice" in plain(menu.get_option_at_index(1).prompt)
        await pilot.press("enter")  # Continue
        assert isinstance(app.screen, SceneScreen)
        assert app.state is not None and app.state.history == (("hall", "cold"),)
        await pilot.press("2")  # wait: the game ends
        await pilot.press("ctrl+p", *"title")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        # a finished game is still offered, but New game comes first again
        assert app.screen.query_one("#menu", OptionList).highlighted == 0
