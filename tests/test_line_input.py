"""Line mode reading input that never ends a line (`< /dev/zero`, a stuck pipe): each
line is bounded, an over-long one is asked again, and endless input ends the game."""

from __future__ import annotations

import io
import resource
import subprocess
import sys

from game.plain.lines import MAX_LINE, read_line
from support import MINI, ROOT

SECONDS = 60
MEMORY = 1024 * 1024 * 1024


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        cwd=ROOT,
        preexec_fn=_cap_memory,
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def test_line_mode_reading_dev_zero_ends_without_running_out_of_memory(tmp_path):
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "game", "play", "--plain", "--story", str(MINI),
             "--role", "alice", "--saves-dir", str(tmp_path)],
            stdin=zero, capture_output=True, text=True, timeout=SECONDS, cwd=ROOT,
            preexec_fn=_cap_memory,
        )  # fmt: skip
    assert "MemoryError" not in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 0
    assert "End of input" in result.stdout


def test_line_mode_asks_again_after_an_over_long_line(tmp_path):
    result = run(
        "play", "--plain", "--story", str(MINI), "--role", "alice", "--saves-dir", str(tmp_path),
        stdin="9" * 50_000 + "\n1\n2\n",
    )  # fmt: skip
    assert result.returncode == 0
    assert "Please type a number" in result.stdout
    assert "THE END" in result.stdout


def test_read_line_bounds():
    stream = io.StringIO("a\n" + "b" * (MAX_LINE + 5) + "\nc")
    assert read_line(stream) == "a\n"
    assert read_line(stream) == ""
    assert read_line(stream) == "c"
    assert read_line(stream) is None
    assert read_line(io.StringIO("x" * 3_000_000)) is None
