"""Messages in the game's words: below the front ends no message names a command-line
flag; an error whose remedy is a setting carries its kind, and the CLI and line mode
add their option for it (the TUI's side is in tests/tui/test_tui_messages.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.core import engine
from game.core.errors import SAVES_FOLDER, STORY_FOLDER, MarALagoError
from game.format.loader import load_story
from game.persist import saves
from game.plain.flags import with_flag
from support import FIXTURES, MINI, ROOT

OTHER = FIXTURES / "explore" / "dead_end"  # a story that is not the mini one


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        cwd=ROOT,
    )


def test_a_save_that_cannot_be_written_says_what_to_do_without_a_flag(tmp_path: Path):
    story = load_story(MINI)
    not_a_folder = tmp_path / "saves"
    not_a_folder.write_text("")
    with pytest.raises(saves.SaveError) as info:
        saves.write(not_a_folder, "slot", story, engine.new_game(story, "alice"))
    message = str(info.value)
    assert "previous save is unharmed" in message and "choose a folder for saves" in message
    assert "--" not in message
    assert info.value.kind == SAVES_FOLDER
    assert with_flag(info.value) == f"{message} (--saves-dir DIR)"


def test_a_save_of_another_story_says_so_without_a_flag(tmp_path: Path):
    mini = load_story(MINI)
    path = saves.write(tmp_path, "slot", mini, engine.new_game(mini, "alice"))
    with pytest.raises(saves.SaveError) as info:
        saves.load(load_story(OTHER), path)
    message = str(info.value)
    assert "made for the story 'mini'" in message and message.endswith("load it with that story")
    assert "--" not in message
    assert info.value.kind == STORY_FOLDER
    assert with_flag(info.value).endswith("load it with that story (--story DIR)")


def test_errors_without_a_kind_are_told_as_they_are():
    assert with_flag(MarALagoError("a plain message")) == "a plain message"
    assert with_flag(ValueError("not ours")) == "not ours"
    assert with_flag(None) == "None"


def test_the_cli_names_the_story_option_when_a_save_is_of_another_story(tmp_path: Path):
    mini = load_story(MINI)
    saves.write(tmp_path, "theirs", mini, engine.new_game(mini, "alice"))
    result = run(
        *("play", "--plain", "--story", str(OTHER)),
        *("--saves-dir", str(tmp_path), "--load", "theirs"),
    )
    assert result.returncode == 1
    assert "Cannot load:" in result.stderr
    assert "load it with that story (--story DIR)" in result.stderr
    assert "Traceback" not in result.stderr


def test_line_mode_names_the_saves_option_when_it_cannot_save(tmp_path: Path):
    not_a_folder = tmp_path / "saves"
    not_a_folder.write_text("")
    result = run(
        *("play", "--plain", "--story", str(MINI), "--role", "alice"),
        *("--saves-dir", str(not_a_folder)),
        stdin="1\n2\n",
    )
    out = result.stdout + result.stderr
    assert "choose a folder for saves that can be written to (--saves-dir DIR)" in out
    assert "Traceback" not in out
