"""`play --plain --watch`: line mode reloads the story when its files change, keeping the
choices that still fit; an edit with problems is shown and play goes on."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from support import MINI


def _until(proc: subprocess.Popen[bytes], text: str, seen: list[str], timeout: float = 30) -> None:
    """Read the game's output until `text` shows (prompts end without a newline)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    while text not in "".join(seen):
        left = deadline - time.monotonic()
        assert left > 0, "".join(seen)[-2000:]
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            assert chunk, "".join(seen)[-2000:]
            seen.append(chunk.decode())


def test_line_mode_reloads_an_edited_story_and_keeps_the_game(tmp_path: Path):
    story = tmp_path / "story"
    shutil.copytree(MINI, story)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            str(story),
            "--plain",
            "--watch",
            "--role",
            "alice",
            "--saves-dir",
            str(tmp_path / "saves"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdin is not None
    seen: list[str] = []
    try:
        _until(proc, "Choice (1-3", seen)
        proc.stdin.write(b"1\n")  # Be warm: to the yard
        proc.stdin.flush()
        _until(proc, "A yard.", seen)
        scenes = story / "scenes.toml"
        scenes.write_text(scenes.read_text().replace('text = "A yard."', 'text = "A wide yard."'))
        proc.stdin.write(b"\n")  # Enter: look again
        proc.stdin.flush()
        _until(proc, "A wide yard.", seen)
        assert "The story changed and was loaded again: 1 of 1 choices still fit." in "".join(seen)
        # an edit with a mistake: said, and the game goes on with the story as it was
        scenes.write_text(scenes.read_text().replace('goto = "garden"\n', 'goto = "gardn"\n', 1))
        proc.stdin.write(b"2\n")
        proc.stdin.flush()
        _until(proc, "playing on as it was", seen)
        _until(proc, "goto 'gardn' names no scene or ending", seen)
        _until(proc, "THE END: Good", seen)  # "Wait" was played, on the story as it was
        proc.stdin.write(b"\n")
        proc.stdin.flush()
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0
