"""A move in a class against the same move alone: what the class store adds.

A class game (a player with a name, a class folder) does on each move what a game
alone does (the engine, the autosave) and also reads the clock and the news and writes
its progress to the class store (SQLite, WAL). Both are timed in the same run, on the
shipped story, every game played to its end by the first open choice; the median of
every move. Run alone: `.venv/bin/python benchmarks/bench_class.py [GAMES]`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.core import engine  # noqa: E402
from game.format.loader import load_story  # noqa: E402
from game.persist.classstore import ClassStore  # noqa: E402
from game.persist.saves import Player  # noqa: E402
from game.session.session import GameSession  # noqa: E402


def moves(games: int, in_class: bool) -> list[float]:
    story = load_story(ROOT / "story")
    times: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        saves_dir = Path(folder)
        if in_class:
            ClassStore.open(saves_dir)  # the teacher's console made it
        for n in range(games):
            player = Player(f"P{n}") if in_class else None
            session = GameSession(story, saves_dir, player=player)
            session.start(list(story.roles)[n % len(story.roles)])
            while session.state is not None and not session.state.over:
                choice = engine.open_choices(story, session.state)[0]
                start = time.perf_counter()
                session.choose(choice)
                times.append(time.perf_counter() - start)
    return times


def measure(games: int = 10) -> dict[str, float]:
    """Median seconds of a move alone and in a class."""
    alone = statistics.median(moves(games, False))
    in_class = statistics.median(moves(games, True))
    return {"alone": alone, "class": in_class}


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    ratio = result["class"] / result["alone"]
    print(
        f"a move in a class {result['class'] * 1000:.2f} ms, alone "
        f"{result['alone'] * 1000:.2f} ms: {ratio:.2f}x (target <= 1.5x)"
    )
