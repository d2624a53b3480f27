"""Control characters in a story or a save never reach the terminal.

A story can hold escape sequences (TOML's `\\u001b`, `\\e`, `\\x1b`): a window title
(OSC 0), the clipboard (OSC 52), a cleared screen (CSI 2J), a bell. Every command that
shows story text strips them (`game.core.text.shown`), and `check` says where they are.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.core.engine import new_game
from game.core.text import CONTROL, clean, control_names, shown
from game.format.controls import control_problems
from game.format.loader import load_story
from game.persist import saves
from support import MINI, ROOT

#: a title, the clipboard, a cleared screen, a bell, a C1 CSI, backspaces
HOSTILE = r"\u001b]0;PWNED\u0007\e]52;c;ZXZpbA==\u0007\x1b[2J\u0008\u009b31m"
ESC = "\x1b"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin.encode(),
        capture_output=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The mini story with escape sequences in its title, a scene's text and a choice."""
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    story = folder / "story.toml"
    story.write_text(story.read_text().replace('title = "Mini"', f'title = "Mini{HOSTILE}"'))
    scenes = folder / "scenes.toml"
    text = scenes.read_text()
    text = text.replace('text = "A hall.', f'text = "A hall.{HOSTILE}')
    text = text.replace('text = "Be warm."', f'text = "Be warm.{HOSTILE}"')
    scenes.write_text(text)
    return folder


def test_shown_keeps_text_tab_and_newline_and_drops_controls():
    assert shown("a\tb\nc") == "a\tb\nc"
    assert shown("é ü 中 — “quotes”") == "é ü 中 — “quotes”"
    assert shown("a\x1b]0;x\x07b\x9b2Jc\x00\r\x7f") == "a]0;xb2Jc"
    assert CONTROL.search(shown("".join(map(chr, range(0x100))))) is None
    assert control_names("a\x1b\x07\x9b") == ["U+0007 BEL", "U+001B ESC", "U+009B CSI"]


def test_clean_story_has_no_control_character_left(hostile):
    raw = load_story(hostile)
    assert ESC in raw.title and ESC in raw.scenes["hall"].text  # the loader keeps them
    story = clean(raw)
    assert ESC not in story.title
    assert story.title.startswith("Mini]0;PWNED")
    assert CONTROL.search(story.scenes["hall"].text) is None
    assert CONTROL.search(story.scenes["hall"].choices[0].text) is None
    assert story.digest == raw.digest  # the same story for its saves
    assert clean(story) is story  # nothing left to clean: the same object
    mini = load_story(MINI)
    assert clean(mini) is mini


def test_clean_keeps_the_cache_s_scenes_lazy(hostile):
    """The parse cache decodes each scene on first lookup; cleaning keeps it so."""
    from game.format.cache import dumps, loads

    cached = loads(dumps(load_story(hostile)))
    story = clean(cached)
    assert not cached.scenes._scenes  # type: ignore[attr-defined]  # nothing decoded yet
    assert ESC not in story.scenes["hall"].text
    assert list(cached.scenes._scenes) == ["hall"]  # type: ignore[attr-defined]
    assert "hall" in story.scenes and len(story.scenes) == len(cached.scenes)
    assert clean(story) is story


def test_check_prints_no_escape_and_says_where_they_are(hostile):
    result = run("check", str(hostile))
    assert result.returncode == 0, result.stderr
    assert ESC.encode() not in result.stdout + result.stderr
    assert b"\x9b" not in (result.stdout + result.stderr).decode().encode("latin-1", "replace")
    err = result.stderr.decode()
    assert f"{hostile}/story.toml:" in err
    assert "story.title holds control characters (U+0007 BEL, U+0008 BS, U+001B ESC" in err
    assert "scenes.hall.text holds control characters" in err
    assert "scenes.hall.choices.0.text holds control characters" in err
    strict = run("check", "--strict", str(hostile))
    assert strict.returncode == 1


def test_the_warning_names_the_line(hostile):
    problems = control_problems(hostile)
    lines = (hostile / "scenes.toml").read_text().splitlines()
    for problem in problems:
        if problem.path.endswith("scenes.toml"):
            assert "\\u001b" in lines[problem.line - 1]
    assert control_problems(MINI) == []


def test_line_mode_prints_no_escape(hostile, tmp_path):
    result = run(
        "play", "--plain", "--story", str(hostile), "--saves-dir", str(tmp_path / "s"),
        stdin="1\n1\n2\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "A hall.]0;PWNED" in out and "Be warm.]0;PWNED" in out
    assert ESC not in out + result.stderr.decode()
    assert "\x07" not in out and "\x9b" not in out


def test_transcript_and_report_print_no_escape(hostile, tmp_path):
    folder = tmp_path / "s"
    played = run(
        "play", "--plain", "--story", str(hostile), "--saves-dir", str(folder),
        stdin="1\n1\n2\n",
    )  # fmt: skip
    assert played.returncode == 0
    (save,) = folder.glob("*.json")
    for args in (
        ["transcript", str(save), "--story", str(hostile)],
        ["report", str(folder), "--story", str(hostile)],
    ):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert ESC.encode() not in result.stdout + result.stderr
        assert b"PWNED" in result.stdout  # the text is there, without its controls


def test_a_save_error_never_carries_a_control_character(tmp_path):
    name = tmp_path / "x\x1b]0;t\x07y"
    error = saves.SaveError(f"{name}: broken")
    assert ESC not in str(error)


def test_the_tui_is_given_a_clean_story(hostile):
    """`play` (the TUI) and `serve` load the story through the same function as line
    mode, which hands out the cleaned story."""
    from game.cli.common import load_or_report

    story = load_or_report(hostile)
    assert story is not None
    assert ESC not in story.title
    state = new_game(story, "alice")
    assert ESC not in story.scenes[state.scene].text
