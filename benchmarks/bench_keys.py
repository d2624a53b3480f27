"""Keypress to the next scene on screen, in-process with Pilot, against a minimal app.

The clock runs from `pilot.press(key)` until the first frame the compositor produces
after the game took the choice (`App._display` is called with that frame even when
headless; a terminal would be written at that moment). The game plays the shipped
story, pressing the number of the first open choice each time, and starts again at
an ending (not timed). The baseline is benchmarks/minimal_app.py redrawing its text.

    .venv/bin/python benchmarks/bench_keys.py [PRESSES]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]


class FrameClock:
    """Records when the app produces frames, and when the thing to show happened."""

    def __init__(self, app: Any) -> None:
        self.frames: list[float] = []
        self.changed = 0.0
        display = app._display

        def spy(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.frames.append(time.perf_counter())
            display(screen, renderable)

        app._display = spy

    def wrap(self, obj: Any, name: str) -> None:
        """Count a call of `obj.name` as the change the next frame must show."""
        original: Callable[..., Any] = getattr(obj, name)

        def marked(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            self.changed = time.perf_counter()
            return result

        setattr(obj, name, marked)

    async def press(self, pilot: Any, key: str, timeout: float = 5.0) -> float:
        """Seconds from pressing `key` to the first frame after the change it makes."""
        self.changed = 0.0
        start = time.perf_counter()
        await pilot.press(key)
        while not (self.changed and self.frames and self.frames[-1] >= self.changed):
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"no frame after pressing {key!r}")
            await asyncio.sleep(0)
        return next(f for f in self.frames if f >= self.changed) - start


async def minimal_latencies(presses: int) -> list[float]:
    from minimal_app import MinimalApp

    app = MinimalApp()
    clock = FrameClock(app)
    clock.wrap(app, "action_bump")
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(presses + 5):
            times.append(await clock.press(pilot, "1"))
    return times[5:]


def autosave_times(writes: int) -> list[float]:
    """Seconds per autosave (`saves.write`: JSON, write, fsync, rename) mid-game."""
    from game.core import engine
    from game.format.loader import load_story
    from game.persist import saves

    story = load_story(ROOT / "story")
    state = engine.new_game(story, next(iter(story.roles)))
    for _ in range(5):
        if not state.over:
            state = engine.choose(story, state, engine.open_choices(story, state)[0])
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(writes):
            start = time.perf_counter()
            saves.write(Path(folder), "autosave", story, state)
            times.append(time.perf_counter() - start)
    return times


async def game_latencies(presses: int, *, autosave: bool = True) -> list[float]:
    from game.core import engine
    from game.format.loader import load_story
    from game.tui.app import make_app

    story = load_story(ROOT / "story")
    role = next(iter(story.roles))
    times = []
    with tempfile.TemporaryDirectory() as saves:
        app = make_app(story, Path(saves), role=role)
        if not autosave:
            app.session.autosave_off = "off for the benchmark"
        clock = FrameClock(app)
        clock.wrap(app, "show_state")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")  # New game, in the fixed role
            await pilot.pause()
            while len(times) < presses + 5:
                state = app.state
                if state is None or state.over:
                    app.begin(role)
                    await pilot.pause()
                    continue
                shown = [o for o in engine.options(story, state) if o.visible]
                number = next(i for i, o in enumerate(shown, 1) if o.open)
                if number > 9:  # no key for it: start again
                    app.begin(role)
                    await pilot.pause()
                    continue
                times.append(await clock.press(pilot, str(number)))
                await pilot.pause()  # let the screen settle before the next key
    return times[5:]


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return (
        f"median {statistics.median(ms):6.2f} ms  p90 {ms[int(len(ms) * 0.9)]:6.2f} ms  "
        f"best {ms[0]:6.2f} ms  (n={len(ms)})"
    )


def measure(presses: int) -> dict[str, list[float]]:
    """The three series, measured in a fresh process (Textual stays out of the caller)."""
    out = subprocess.run(
        [sys.executable, __file__, "--json", str(presses)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, list[float]] = json.loads(out.stdout)
    return result


def main() -> None:
    if sys.argv[1:2] == ["--json"]:
        presses = int(sys.argv[2])
        series = {
            "minimal": asyncio.run(minimal_latencies(presses)),
            "game": asyncio.run(game_latencies(presses)),
            "autosave": autosave_times(max(20, presses // 2)),
        }
        print(json.dumps(series))
        return
    presses = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print("minimal app, key to redraw:     ", summary(asyncio.run(minimal_latencies(presses))))
    print("game, key to next scene:        ", summary(asyncio.run(game_latencies(presses))))
    print("autosave (saves.write), in the key path:", summary(autosave_times(presses)))


if __name__ == "__main__":
    main()
