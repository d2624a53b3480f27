"""How fast `mar-a-lago explore` searches, and how it grows with the story.

    python benchmarks/bench_explore.py            # 100, 200, 500 and 1,000 scenes
    python benchmarks/bench_explore.py 100 2000   # other sizes

Each size runs in a fresh process (so its peak memory is its own): it writes a
synthetic story (benchmarks/gen_story.py), loads it and explores every role. The
table gives the states searched, the time, states per second (wall clock and CPU)
and the peak memory; then how the time grew from the smallest story to the largest,
the shipped story's time, and a plain Python BFS over ints for scale (the same loop
with no game rules in it: the ceiling for a pure-Python search on this machine).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]


def measure(folder: Path) -> dict[str, float]:
    from game.format.loader import load_story
    from game.tools.explore import analysis

    t0 = time.perf_counter()
    story = load_story(folder)
    loaded = time.perf_counter() - t0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    reports = analysis.explore_all(story)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    states = sum(r.states for r in reports.values())
    return {
        "scenes": len(story.scenes),
        "states": states,
        "complete": all(r.complete for r in reports.values()),
        "load_s": loaded,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def one(n: int) -> dict[str, float]:
    from gen_story import generate

    with tempfile.TemporaryDirectory() as tmp:
        return measure(generate(n, Path(tmp) / f"syn{n}"))


def plain_bfs_rate(n: int = 1_000_000) -> float:
    """States per second (wall clock) of a bare BFS over ints: three successors, a
    parent per state, no rules."""
    index = {0: -1}
    states = [0]
    t0 = time.perf_counter()
    for i, s in enumerate(states):
        for d in (1, 7, 13):
            t = (s + d) % n
            if t not in index:
                index[t] = i
                states.append(t)
    return len(states) / (time.perf_counter() - t0)


def child(args: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="benchmark `mar-a-lago explore`")
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 200, 500, 1000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--shipped", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return
    if args.shipped:
        print(json.dumps(measure(ROOT / "story")))
        return
    print(
        f"{'scenes':>7} {'states':>10} {'wall s':>8} {'cpu s':>7} {'states/s':>10} "
        f"{'cpu st/s':>10} {'peak MB':>8}"
    )
    rows = []
    for n in args.sizes:
        r = child(["--one", str(n)])
        rows.append(r)
        print(
            f"{r['scenes']:>7,} {r['states']:>10,} {r['wall_s']:>8.2f} {r['cpu_s']:>7.2f} "
            f"{r['states'] / r['wall_s']:>10,.0f} {r['states'] / r['cpu_s']:>10,.0f} "
            f"{r['peak_mb']:>8.0f}" + ("" if r["complete"] else "  (cut short)")
        )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(
            f"\n{a['scenes']:,} -> {b['scenes']:,} scenes: "
            f"states x{b['states'] / a['states']:.1f}, "
            f"time x{b['cpu_s'] / a['cpu_s']:.1f} (cpu), "
            f"time per state x{(b['cpu_s'] / b['states']) / (a['cpu_s'] / a['states']):.2f}"
        )
    try:
        s = child(["--shipped"])
        print(
            f"shipped story: {s['scenes']} scenes, {s['states']:,} states in "
            f"{s['wall_s']:.2f} s ({s['cpu_s']:.2f} s cpu)"
        )
    except subprocess.CalledProcessError:
        print("shipped story: does not load")
    print(f"a bare BFS over ints, for scale: {plain_bfs_rate():,.0f} states/s (wall)")


if __name__ == "__main__":
    main()
