"""Time to the first frame of a real process, under a pseudo-terminal of 80x24.

A process is started on a new pty; the clock runs from just before the fork until its
output, stripped of escape sequences, first holds a marker text of the first screen
(the baseline app's text; the game's title menu). Then it is killed, and its peak
memory is its ru_maxrss. `steps` runs the game's start-up in stages, under the same
pty, to show where the time goes.

    .venv/bin/python benchmarks/bench_startup.py [RUNS]
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=$!]*[ -/]*[@-~]"  # CSI
    rb"|\x1b[P^_X][^\x1b]*\x1b\\"  # DCS, PM, APC, SOS
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[ -/]*[0-~]"  # the rest
)

MINIMAL_MARKER = "minimal baseline app"
GAME_MARKER = "New game"


def minimal_argv() -> list[str]:
    return [sys.executable, str(HERE / "minimal_app.py")]


def game_argv(saves_dir: Path) -> list[str]:
    return [str(BIN / "mar-a-lago"), "play", "--saves-dir", str(saves_dir)]


#: `mar-a-lago play` with the story cache wired in where the CLI loads the story (the
#: one-line change proposed for game/cli.py), the cache in a folder of its own
CACHED = """
import os, sys
os.environ["MAR_A_LAGO_CACHE_DIR"] = sys.argv[1]
from game.format import cache
from game.format import loader
loader.check_story = cache.check_story
sys.argv = ["mar-a-lago", "play", "--saves-dir", sys.argv[2]]
from game.cli.main import main
raise SystemExit(main())
"""


def cached_game_argv(cache_dir: Path, saves_dir: Path) -> list[str]:
    return [sys.executable, "-c", CACHED, str(cache_dir), str(saves_dir)]


def visible(output: bytes) -> str:
    return _ESCAPES.sub(b"", output).decode("utf-8", "replace")


def first_frame(
    argv: list[str], marker: str, *, size: tuple[int, int] = (80, 24), timeout: float = 30.0
) -> tuple[float, float, bytes]:
    """Seconds from the fork to the marker on screen, the peak RSS in MB, and the output."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "TEXTUAL"):
        env.pop(name, None)
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    output = b""
    seen = None
    try:
        while seen is None and time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child is gone
                break
            if not chunk:
                break
            output += chunk
            if marker in visible(output):
                seen = time.perf_counter() - start
    finally:
        peak = peak_rss_mb(pid)
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if seen is None:
        raise RuntimeError(f"{argv}: no {marker!r} on screen; it showed:\n{visible(output)}")
    return seen, peak or usage.ru_maxrss / 1024, output


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """A process's peak resident memory since its exec (VmHWM), in MB; None if unknown.

    Not ru_maxrss: Linux carries the parent's peak into a child across fork and exec,
    so a small child of a big benchmark process would report the parent's size."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def startup(runs: int) -> dict[str, list[tuple[float, float]]]:
    """`runs` first frames of the minimal app, the game, and the game with its story
    cache wired in and warm, in turn."""
    results: dict[str, list[tuple[float, float]]] = {"minimal": [], "game": [], "cached": []}
    with tempfile.TemporaryDirectory() as tmp:
        saves = Path(tmp) / "saves"
        apps = [
            ("minimal", minimal_argv(), MINIMAL_MARKER),
            ("game", game_argv(saves), GAME_MARKER),
            ("cached", cached_game_argv(Path(tmp) / "cache", saves), GAME_MARKER),
        ]
        for _, argv, marker in apps:  # once each to warm the file cache, not counted
            first_frame(argv, marker)
        for _ in range(runs):
            for name, argv, marker in apps:
                seconds, rss, _ = first_frame(argv, marker)
                results[name].append((seconds, rss))
    return results


# -- where the game's start-up goes ------------------------------------------------------

STEPS = """
import json, sys, time
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
import textual.app
mark("import textual.app")
import game.cli.main
from game.format.loader import check_story
from game.persist.locations import shipped_story_dir
mark("import game.cli.main, game.format.loader (attrs, tomli)")
import game.tui.app
mark("import game.tui.app (its screens and widgets)")
story, _ = check_story(shipped_story_dir())
mark("load the shipped story (check_story)")
from pathlib import Path
app = game.tui.app.make_app(story, Path(sys.argv[2]))
mark("make_app")
with open(sys.argv[1], "w") as out:
    json.dump(marks, out)
app.run()
"""


def steps(runs: int) -> list[tuple[str, float]]:
    """The median time of each stage of the game's start-up, then the first frame."""
    import statistics

    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        marks_file = Path(tmp) / "marks"
        for _ in range(runs + 1):
            started = time.perf_counter()
            argv = [sys.executable, "-c", STEPS, str(marks_file), str(Path(tmp) / "saves")]
            seconds, _, _ = first_frame(argv, GAME_MARKER)
            marks = json.loads(marks_file.read_text())
            previous = started
            for name, at in [*marks, ("app.run() to the first frame", started + seconds)]:
                rows.setdefault(name, []).append(at - previous)
                previous = at
    rows["start"] = rows.pop("start")  # the interpreter's own start, before any import
    return [(name, statistics.median(times[1:])) for name, times in rows.items()]


def main() -> None:
    import statistics

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = startup(runs)
    for name, rows in results.items():
        times = [t for t, _ in rows]
        print(
            f"{name:8} median {statistics.median(times) * 1000:6.0f} ms  "
            f"best {min(times) * 1000:6.0f} ms  peak {max(r for _, r in rows):5.1f} MB"
        )
    for name, seconds in steps(runs):
        print(f"  {seconds * 1000:6.0f} ms  {name}")


if __name__ == "__main__":
    main()
