"""Line mode as it reads: the scene once, a bad line answered with its reason and the
prompt alone, what each choice did, and every line within the terminal's width."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

from game.format.loader import load_story
from game.plain.linegame import PlainGame
from support import MINI, ROOT

PROMPTS = re.compile(r"(Choice \(1-\d+, \? for help\): |Role \(1-\d+\): |t or Enter: )")
PLAY = [sys.executable, "-m", "game", "play", "--plain", "--story"]
LONG = (
    "The delegations file into the hall one by one, and every adviser carries a folder "
    "thicker than the last, full of talking points nobody expects to use. "
)


def play(stdin: str, width: int | None = None, story=None, tmp: Path | None = None) -> str:
    out, err = io.StringIO(), io.StringIO()
    game = PlainGame(
        story or load_story(MINI),
        tmp or Path("/nonexistent/saves"),
        stdin=io.StringIO(stdin),
        stdout=out,
        stderr=err,
        width=width,
    )
    assert game.run(role="alice") == 0
    return out.getvalue()


def lines_of(out: str) -> list[str]:
    """Output lines as a terminal shows them: a prompt's answer (typed, not printed)
    ends its line."""
    return PROMPTS.sub(lambda m: m.group(0) + "\n", out).splitlines()


def long_story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    scenes = folder / "scenes.toml"
    scenes.write_text(
        scenes.read_text()
        .replace('text = "A hall. [bold]Not markup[/]."', f'text = "{LONG * 4}"')
        .replace('text = "Low trust."', f'text = "{LONG * 2}"')
        .replace('text = "Be cold."', f'text = "{LONG}"'),
        encoding="utf-8",
    )
    return folder


def test_a_bad_line_gets_its_reason_and_the_prompt_not_the_scene(tmp_path):
    out = play("abc\n\n9\n3\n?\n1\n2\n", tmp=tmp_path)
    assert out.count("== Hall ==") == 1
    assert out.count("A hall.") == 1
    assert out.count("Please type a number from 1 to 3 (or ? for help).") == 3
    assert "That choice is locked: Nobody trusts you that much." in out
    assert "Type the number of a choice" in out  # the help
    assert out.count("== Yard ==") == 1
    assert out.count("Choice (1-3, ? for help): ") == 7  # six answers in the hall, one more


def test_what_a_choice_did_is_said_in_words(tmp_path):
    out = play("2\n2\n", tmp=tmp_path)
    assert "Last choice: Trust -1 (worse) · Heat +2 (worse)." in out
    assert "Last choice: No meter moved." in out
    assert out.index("Last choice: Trust -1") < out.index("== Yard ==")


def test_the_reactions_come_before_the_scene_text(tmp_path):
    out = play("q\n", tmp=tmp_path)
    assert out.index("Low trust.") < out.index("A hall. [bold]Not markup[/].")


def test_undo_shows_the_scene_again(tmp_path):
    out = play("1\nu\nq\n", tmp=tmp_path)
    assert out.count("== Hall ==") == 2


def test_every_line_fits_the_width(tmp_path):
    story = load_story(long_story(tmp_path))
    for width in (40, 60, 80):
        out = play("x\n?\n1\n2\nq\n", width=width, story=story, tmp=tmp_path / str(width))
        lines = lines_of(out)
        assert max(len(line) for line in lines) < width, width
        assert any("Goodbye" in line or "THE END" in line for line in lines)
    narrow = lines_of(play("?\n1\nq\n", width=40, story=story, tmp=tmp_path / "q"))
    assert any(line.startswith("Goodbye.") for line in narrow)
    # the help and the quit message are wrapped, not cut: every word is there
    text = " ".join(narrow)
    assert "s NAME = save to slot NAME, q = quit, ? = this help." in text
    assert re.search(r"Your game is saved in slot 'autosave-mini-alice-\d{8}-\d{6}'", text)


def test_piped_output_is_80_columns_whatever_columns_says(tmp_path):
    folder = long_story(tmp_path)
    result = subprocess.run(
        [*PLAY, str(folder), "--role", "alice", "--saves-dir", str(tmp_path / "saves")],
        input="1\n2\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    lines = lines_of(result.stdout)
    assert max(len(line) for line in lines) <= 80
    assert max(len(line) for line in lines) > 60  # it does use the width


def test_a_terminal_gets_lines_as_wide_as_it_is(tmp_path):
    folder = long_story(tmp_path)
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 50, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen(
        [*PLAY, str(folder), "--role", "alice", "--saves-dir", str(tmp_path / "saves")],
        stdin=subprocess.PIPE,
        stdout=secondary,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    os.close(secondary)
    assert proc.stdin is not None
    proc.stdin.write(b"1\n2\n")
    proc.stdin.close()
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the program ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(timeout=30) == 0
    out = b"".join(chunks).decode().replace("\r\n", "\n")
    lines = lines_of(out)
    assert "== THE END" in out
    assert max(len(line) for line in lines) < 50, max(lines, key=len)
    assert max(len(line) for line in lines) > 40
