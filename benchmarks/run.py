"""The benchmark table: every measure against a baseline taken in the same run.

    make bench                                   # the table, a few minutes
    .venv/bin/python benchmarks/run.py --quick   # smaller and fewer runs, about a minute
    .venv/bin/python benchmarks/run.py --fuzz-minutes 30 --kills 2000   # and the long runs

It prints a markdown table for the README, with the date and the machine:
- start-up: a real process under a pty to its first screen, the game (`mar-a-lago
  play`) against benchmarks/minimal_app.py (bench_startup.py), median of N runs;
- keypress to the next scene on screen, with Pilot in-process, against the minimal
  app's key to redraw (bench_keys.py), median of many presses;
- `check_story` on synthetic stories of 100, 1,000 and 10,000 scenes against a bare
  tomli parse of the same files, with the parse cache (game/cache.py) cold and warm,
  and tomllib and tomli's pure-Python source for comparison (bench_check.py); and what
  `mar-a-lago check` does by default (the load and the checks that need no search);
- explore's states per second (bench_explore.py, the author tools' own benchmark);
- a class opening the game: 1, 10 and 30 browser tabs at once on a real `serve`
  (websocket clients speaking textual-serve's protocol), the slowest tab's first
  screen against the minimal app's cold start, and the PSS each game adds
  (bench_serve.py); then the same without the zygote (each game a new process);
- the peak memory of each (ru_maxrss of the process that did it).
Then, when asked, the long runs: fuzzing (fuzz_long.py) and saves killed mid-write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

import bench_check  # noqa: E402
import bench_explore  # noqa: E402
import bench_keys  # noqa: E402
import bench_serve  # noqa: E402
import bench_startup  # noqa: E402

TARGETS = {
    "startup": 1.2,  # game / minimal, first frame
    "keys_ms": 16.0,  # key to next scene, median
    "check": 1.5,  # check_story / bare tomli parse, at every size
    "check_default": 2.0,  # `check` without --deep (load + static checks) / bare tomli parse
    "cold": 2.5,  # cache-cold (load + write the entry) / bare tomli parse
    "warm": 0.5,  # cache-warm / bare tomli parse
    "explore": 800_000,  # states per second
    "serve": 6.0,  # the slowest of N tabs' first screen / the minimal app's cold start
    "serve_pss": 20.0,  # MB of PSS each served game adds
}


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.notes: list[str] = []

    def add(
        self,
        what: str,
        game: str,
        baseline: str,
        ratio: str,
        target: str,
        met: bool | None,
        memory: str,
    ) -> None:
        mark = "" if met is None else ("yes" if met else "**no**")
        self.rows.append((what, game, baseline, ratio, target, mark, memory))
        wanted = f" (target {target})" if target else ""
        print(f"  {what}: {game} vs {baseline} = {ratio}{wanted} {mark}", flush=True)

    def markdown(self) -> str:
        head = ("Measure", "Game", "Baseline", "Ratio", "Target", "Met", "Peak memory")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:,.1f} ms"


def mb(value: float) -> str:
    return f"{value:,.0f} MB"


def machine() -> str:
    import textual
    import tomli

    compiled = "compiled" if tomli.__file__.endswith(".so") else "pure Python"
    cpu = platform.processor() or platform.machine()
    return (
        f"{dt.date.today().isoformat()}, {platform.system()} {cpu}, nproc {os.cpu_count()}, "
        f"Python {platform.python_version()}, Textual {textual.__version__}, "
        f"tomli {tomli.__version__} ({compiled})"
    )


@contextmanager
def section(title: str) -> Iterator[None]:
    print(f"\n{title} ...", flush=True)
    start = time.perf_counter()
    yield
    print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)


def startup_(table: Table, runs: int) -> None:
    with section(f"start-up, {runs} runs each"):
        results = bench_startup.startup(runs)
        game = statistics.median(t for t, _ in results["game"])
        base = statistics.median(t for t, _ in results["minimal"])
        table.add(
            f"Start-up to the first frame (pty, median of {runs})",
            ms(game),
            ms(base) + " (minimal app)",
            f"{game / base:.2f}x",
            f"<= {TARGETS['startup']}x",
            game / base <= TARGETS["startup"],
            f"{mb(max(r for _, r in results['game']))} vs "
            f"{mb(max(r for _, r in results['minimal']))}",
        )
        cached = statistics.median(t for t, _ in results["cached"])
        table.add(
            "Start-up, with the story cache wired in (warm)",
            ms(cached),
            ms(base) + " (minimal app)",
            f"{cached / base:.2f}x",
            f"<= {TARGETS['startup']}x",
            cached / base <= TARGETS["startup"],
            mb(max(r for _, r in results["cached"])),
        )
        steps = bench_startup.steps(max(3, runs // 2))
        table.notes.append(
            "Where the game's start-up goes (median per stage): "
            + "; ".join(f"{name} {ms(s)}" for name, s in steps)
            + "."
        )


def keys_(table: Table, presses: int) -> None:
    with section(f"keypress to next scene, {presses} presses each"):
        series = bench_keys.measure(presses)
        base = statistics.median(series["minimal"])
        game = statistics.median(series["game"])
        autosave = statistics.median(series["autosave"])
        table.add(
            f"Key to the next scene on screen (Pilot, median of {presses})",
            ms(game),
            ms(base) + " (minimal app redraw)",
            f"{game / base:.1f}x",
            f"<= {TARGETS['keys_ms']:.0f} ms",
            game * 1000 <= TARGETS["keys_ms"],
            "",
        )
        table.notes.append(
            f"Of the key's time, the autosave (saves.write: JSON, write, fsync, rename) "
            f"takes {ms(autosave)} (median)."
        )


def check_(table: Table, sizes: list[int], repeat: int, cli: bool) -> None:
    with section(f"check on synthetic stories of {', '.join(map(str, sizes))} scenes"):
        per_scene: list[tuple[int, float]] = []
        with tempfile.TemporaryDirectory() as tmp:
            for n, folder in bench_check.stories(sizes, Path(tmp)).items():
                size = sum(p.stat().st_size for p in folder.glob("*.toml"))
                # small stories are quick: more runs, so that the best of each is steady
                runs = max(repeat, min(40, repeat * 2000 // n))
                base = bench_check.measure("tomli", folder, runs)
                r = {w: bench_check.measure(w, folder, runs) for w in bench_check.WHATS[1:]}
                label = f"{n:,} scenes ({size / 1e6:.1f} MB)"

                def ratio(
                    what: str, r: dict[str, dict[str, float]] = r, alone: float = base["best_s"]
                ) -> tuple[float, float]:
                    """`what`'s time, and the bare tomli parse timed in turn with it."""
                    return r[what]["best_s"], r[what].get("base_s", alone)

                check, b = ratio("check")
                per_scene.append((n, check / n))
                table.add(
                    f"check_story, {label}",
                    ms(check),
                    ms(b) + " (tomli parse)",
                    f"{check / b:.2f}x",
                    f"<= {TARGETS['check']}x",
                    check / b <= TARGETS["check"],
                    f"{mb(r['check']['peak_mb'])} vs {mb(base['peak_mb'])}",
                )
                default, b = ratio("check-default")
                table.add(
                    f"`check` by default (load + static checks), {label}",
                    ms(default),
                    ms(b) + " (tomli parse)",
                    f"{default / b:.2f}x",
                    f"<= {TARGETS['check_default']}x",
                    default / b <= TARGETS["check_default"],
                    mb(r["check-default"]["peak_mb"]),
                )
                cold, b = ratio("cache-cold")
                table.add(
                    f"Load with an empty cache (load, then write the entry), {label}",
                    ms(cold),
                    ms(b) + " (tomli parse)",
                    f"{cold / b:.2f}x",
                    f"<= {TARGETS['cold']}x",
                    cold / b <= TARGETS["cold"],
                    mb(r["cache-cold"]["peak_mb"]),
                )
                warm, b = ratio("cache-warm")
                table.add(
                    f"Warm start from the cache, {label}",
                    ms(warm),
                    ms(b) + " (tomli parse)",
                    f"{warm / b:.2f}x",
                    f"< {TARGETS['warm']}x",
                    warm / b < TARGETS["warm"],
                    mb(r["cache-warm"]["peak_mb"]),
                )
                every, b = ratio("cache-all")
                table.notes.append(
                    f"{label}: warm with every scene decoded {ms(every)} ({every / b:.2f}x); "
                    f"tomllib {r['tomllib']['best_s'] / ratio('tomllib')[1]:.1f}x and tomli's "
                    f"pure-Python source {r['tomli-py']['best_s'] / base['best_s']:.1f}x the "
                    "compiled tomli."
                )
                if cli:
                    c = bench_check.cli_check(folder, repeat=repeat)
                    table.add(
                        f"`mar-a-lago check` (a process: start-up, imports, load, checks, "
                        f"output), {label}",
                        ms(c["best_s"]) if c["best_s"] != float("inf") else "over 10 min",
                        ms(base["best_s"]) + " (tomli parse)",
                        f"{c['best_s'] / base['best_s']:.1f}x",
                        "",
                        None,
                        mb(c["peak_mb"]),
                    )
        if len(per_scene) > 1:
            (n0, t0), (n1, t1) = per_scene[0], per_scene[-1]
            table.notes.append(
                f"check_story time per scene from {n0:,} to {n1:,} scenes: "
                f"x{t1 / t0:.2f} (1.0 is linear)."
            )
        table.notes.append(
            "Each ratio of the check rows divides by the bare tomli parse of the same files "
            "timed in turn with it, in the same process (the best of each; more runs for "
            "smaller stories); the tomli parse shown is that one."
        )


def explore_(table: Table, sizes: list[int]) -> None:
    with section(f"explore, {', '.join(map(str, sizes))} scenes"):
        bare = bench_explore.plain_bfs_rate()
        cores = bench_explore.available()
        for n in sizes:
            for workers in sorted({1, cores}):
                r = bench_explore.child(["--one", str(n), "--workers", str(workers)])
                rate = r["states"] / r["wall_s"]
                how = "one process" if workers == 1 else f"a process per role, {workers} at once"
                table.add(
                    f"explore, {n:,} scenes ({r['states']:,} states"
                    + ("" if r["complete"] else ", cut short")
                    + f"), {how}",
                    f"{rate:,.0f} states/s",
                    f"{bare:,.0f} states/s (bare BFS)",
                    f"{rate / bare:.2f}x",
                    f"~{TARGETS['explore']:,} states/s",
                    rate >= TARGETS["explore"],
                    mb(r["peak_mb"]),
                )
        c = bench_explore.command(sizes[0])
        rate = c["states"] / c["wall_s"]
        table.add(
            f"`mar-a-lago explore` on {sizes[0]:,} scenes, process start to end",
            f"{rate:,.0f} states/s",
            f"{bare:,.0f} states/s (bare BFS)",
            f"{rate / bare:.2f}x",
            f"~{TARGETS['explore']:,} states/s",
            rate >= TARGETS["explore"],
            "",
        )


def serve_(table: Table, counts: list[int], compare: bool) -> None:
    with section(f"serve: {', '.join(map(str, counts))} tabs at once"):
        runs = [("auto", None, "")]
        if compare:
            runs += [
                ("auto", 0, ", no game started ahead"),
                ("exec", 0, ", each game a new process (no zygote, as textual-serve)"),
            ]
        added, idle = [], 0.0
        for spawn, ready, label in runs:
            for n, r in bench_serve.measure(counts, spawn, ready).items():
                slowest, pss, base = r["slowest_s"], r["pss_per_game_mb"], r["base_s"]
                idle = r["idle_mb"] if ready is None else idle
                ratio = slowest / base
                judged = ready is None and n == max(counts)
                memory = f"{pss:.1f} MB PSS a game"
                if ready == 0:
                    memory += f", {r['pss_added_mb']:.1f} MB added a game"
                    if spawn == "auto" and n == max(counts):
                        added.append(r["pss_added_mb"])
                table.add(
                    f"serve: {n} tab{'s' * (n > 1)} at once, the slowest first screen{label} "
                    "(median of 3)",
                    ms(slowest),
                    ms(base) + " (minimal app cold start)",
                    f"{ratio:.1f}x",
                    f"<= {TARGETS['serve']:.0f}x" if judged else "",
                    ratio <= TARGETS["serve"] if judged else None,
                    memory + f" (CPU {r['cpu_per_game_s'] * 1000:.0f} ms a game)",
                )
        if added:
            met = "met" if added[0] <= TARGETS["serve_pss"] else "**not met**"
            table.notes.append(
                f"serve: each game adds {added[0]:.1f} MB of PSS to the server's tree with "
                f"{max(counts)} open (target <= {TARGETS['serve_pss']:.0f} MB: {met}); "
                "'PSS a game' is the mean PSS of a game process (pages shared with the "
                "zygote counted 1/k in each of k); the idle server with its zygote and "
                "its games started ahead holds about "
                f"{idle:.0f} MB."
            )


def long_runs(minutes: float, kills: int) -> int:
    failures = 0
    if kills:
        import test_faults

        with section(f"{kills} saves killed mid-write"), tempfile.TemporaryDirectory() as tmp:
            seen = test_faults.kill_saves(Path(tmp), kills, seed=int(time.time()))
            left = sum(1 for p in Path(tmp).iterdir() if p.suffix == ".tmp")
            print(f"  every slot read back whole, as the state: {seen}; {left} temp files left")
    if minutes:
        import fuzz_long  # details of each failure: fuzz_long.py --minutes N --out DIR

        with section(f"fuzzing for {minutes} minutes"):
            failures += fuzz_long.fuzz(minutes, verbose=False)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller, fewer runs (~1 min)")
    parser.add_argument("--runs", type=int, default=None, help="start-up runs per app")
    parser.add_argument("--presses", type=int, default=None, help="keypresses per app")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="story sizes")
    parser.add_argument("--repeat", type=int, default=None, help="runs per check measure")
    parser.add_argument("--fuzz-minutes", type=float, default=0, help="then fuzz this long")
    parser.add_argument("--kills", type=int, default=0, help="then kill this many saves")
    parser.add_argument(
        "--only", nargs="+", choices=("startup", "keys", "check", "explore", "serve")
    )
    args = parser.parse_args()
    quick = args.quick
    runs = args.runs or (3 if quick else 9)
    presses = args.presses or (30 if quick else 200)
    sizes = args.sizes or ([100, 1000] if quick else [100, 1000, 10000])
    repeat = args.repeat or (1 if quick else 5)
    only = set(args.only or ("startup", "keys", "check", "explore", "serve"))

    table = Table()
    if "startup" in only:
        startup_(table, runs)
    if "keys" in only:
        keys_(table, presses)
    if "check" in only:
        check_(table, sizes, repeat, cli=not quick)
    if "explore" in only:
        explore_(table, [1000] if quick else [1000, 10000])
    if "serve" in only:
        serve_(table, [1, 10] if quick else [1, 10, 30], compare=True)
    print(f"\n### Benchmarks ({machine()})\n")
    print(table.markdown())
    if table.notes:
        print()
        print("\n".join(f"- {note}" for note in table.notes))
    return 1 if long_runs(args.fuzz_minutes, args.kills) else 0


if __name__ == "__main__":
    raise SystemExit(main())
