"""How fast `mar-a-lago explore` searches, and how it grows with the story.

    python benchmarks/bench_explore.py            # 100, 200, 500 and 1,000 scenes
    python benchmarks/bench_explore.py 100 2000   # other sizes

Each size runs in a fresh process (so its peak memory is its own): it writes a
synthetic story (benchmarks/gen_story.py), loads it and explores every role. The
table gives the states searched, the time, states per second (wall clock and CPU)
and the peak memory; then how the time grew from the smallest story to the largest,
the shipped story's time, and a plain Python BFS over ints for scale (the same loop
with no game rules in it: the ceiling for a pure-Python search on this machine).
Each size runs twice: in one process, and as `mar-a-lago explore` runs it, a forked
process per role (as many at once as this process may use cores); then the command
itself is timed on the largest story, from process start to its last line.
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


def measure(folder: Path, workers: int = 1) -> dict[str, float]:
    """Load the story, then search every role: in this process (workers=1), or as
    `mar-a-lago explore` does, a forked process per role (workers > 1). The CPU time
    is this process's and its workers'; the peak memory the largest of them."""
    from game.format.loader import load_story
    from game.tools.explore import analysis

    t0 = time.perf_counter()
    story = load_story(folder)
    loaded = time.perf_counter() - t0
    wall0, cpu0 = time.perf_counter(), _cpu()
    reports = analysis.explore_all(story, workers=workers)
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    states = sum(r.states for r in reports.values())
    peak = max(resource.getrusage(who).ru_maxrss for who in (SELF, CHILDREN))
    return {
        "scenes": len(story.scenes),
        "states": states,
        "complete": all(r.complete for r in reports.values()),
        "load_s": loaded,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mb": peak / 1024,
        "workers": workers,
    }


SELF, CHILDREN = resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    me, kids = resource.getrusage(SELF), resource.getrusage(CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def one(n: int, workers: int = 1) -> dict[str, float]:
    from gen_story import generate

    with tempfile.TemporaryDirectory() as tmp:
        return measure(generate(n, Path(tmp) / f"syn{n}"), workers)


def command(n: int) -> dict[str, float]:
    """`mar-a-lago explore DIR` as an author runs it: a process, from start to the
    last line printed (start-up, load, the search, the report)."""
    from gen_story import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = generate(n, Path(tmp) / f"syn{n}")
        exe = Path(sys.executable).with_name("mar-a-lago")
        subprocess.run([str(exe), "check", str(folder)], capture_output=True, check=True)
        t0 = time.perf_counter()
        out = subprocess.run(
            [str(exe), "explore", str(folder), "--json"], capture_output=True, check=True
        )
        wall = time.perf_counter() - t0
    states = sum(r["states"] for r in json.loads(out.stdout)["roles"].values())
    return {"states": states, "wall_s": wall}


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


def available() -> int:
    sys.path[:0] = [str(ROOT)]
    from game.tools.explore.workers import available as cores

    return cores()


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
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--shipped", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.workers)))
        return
    if args.shipped:
        print(json.dumps(measure(ROOT / "story")))
        return
    cores = available()
    print(
        f"{'scenes':>7} {'procs':>5} {'states':>10} {'wall s':>8} {'cpu s':>7} "
        f"{'states/s':>10} {'cpu st/s':>10} {'peak MB':>8}"
    )
    rows = []
    for n in args.sizes:
        for workers in sorted({1, cores}):
            r = child(["--one", str(n), "--workers", str(workers)])
            if workers == 1:
                rows.append(r)
            print(
                f"{r['scenes']:>7,} {workers:>5} {r['states']:>10,} {r['wall_s']:>8.2f} "
                f"{r['cpu_s']:>7.2f} {r['states'] / r['wall_s']:>10,.0f} "
                f"{r['states'] / r['cpu_s']:>10,.0f} {r['peak_mb']:>8.0f}"
                + ("" if r["complete"] else "  (cut short)")
            )
    c = command(args.sizes[-1])
    print(
        f"`mar-a-lago explore` on {args.sizes[-1]:,} scenes, start to end: {c['states']:,} "
        f"states in {c['wall_s']:.2f} s = {c['states'] / c['wall_s']:,.0f} states/s"
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
