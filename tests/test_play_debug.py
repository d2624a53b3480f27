"""`play --plain --debug` (line mode): exact meter values, flags, the scene id and its
file:line, visits. Without --plain, `play --debug` is the app with its debug panel:
tests/tui/test_tui_debug.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from support import MINI


def test_debug_lines_follow_the_game(tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            str(MINI),
            "--plain",
            "--debug",
            "--role",
            "alice",
            "--saves-dir",
            str(tmp_path),
        ],
        input="1\n2\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"[debug] scene 'hall' at {MINI}/scenes.toml:1" in out
    assert "[debug] meters: trust=3 (0..10), heat=2 (0..5)" in out
    assert "[debug] flags: none set" in out
    # after "Be warm": trust +2 and the flag it sets
    assert f"[debug] scene 'yard' at {MINI}/scenes.toml:31" in out
    assert "[debug] meters: trust=5 (0..10), heat=2 (0..5)" in out
    assert "[debug] flags: warmed" in out
    assert "[debug] visits: hall 1, yard 1" in out
    assert "[debug] seed" not in out  # the mini story has no random routes
    # the ending too ("Wait." ends by rank: trust 5 is the good ending)
    assert f"[debug] ending 'good' at {MINI}/endings.toml:1" in out


def test_without_debug_there_is_none(tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            str(MINI),
            "--plain",
            "--role",
            "alice",
            "--saves-dir",
            str(tmp_path),
        ],
        input="1\n2\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "[debug]" not in result.stdout


def test_debug_says_the_seed_of_random_routes(tmp_path: Path):
    """A story with random routes: the seed of the game and the draws made so far."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            str(MINI.parent / "additions"),
            "--plain",
            "--debug",
            "--role",
            "keeper",
            "--saves-dir",
            str(tmp_path),
        ],
        input="q\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"\[debug\] seed \d+, 0 draws", result.stdout), result.stdout


def test_debug_lines_in_a_duo_game_at_one_screen(tmp_path: Path):
    """`play --plain --duo --debug`: each side's scene, its file:line and the joint
    meters, under the side's scene (the side's own flags and visits)."""
    from support import FIXTURES

    duo_story = FIXTURES / "duo"
    play = ["play", str(duo_story), "--plain", "--duo", "--debug", "--saves-dir", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, "-m", "game", *play],
        input="\n1\n\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = re.findall(r"\[debug\] scene '(\w+)' at (\S+):(\d+)", result.stdout)
    assert len(found) >= 2  # one side, then the other
    for scene_id, path, line in found:
        text = Path(path).read_text().splitlines()
        assert text[int(line) - 1].strip() == f"[scenes.{scene_id}]"
    assert "[debug] meters: " in result.stdout and "[debug] visits: " in result.stdout
