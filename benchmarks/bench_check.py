"""Loading a story (`check_story`) against a bare parse of the same files, by size.

Each measurement runs in a fresh process, so its peak memory (ru_maxrss) is its own;
it imports what it needs, then times REPEAT runs and reports the best. The stories
are synthetic (benchmarks/gen_story.py), of 100, 1,000 and 10,000 scenes.

    what        the work timed
    tomli       read every file and tomli.loads it (tomli's compiled wheel)
    tomli-py    the same with tomli's pure-Python source (the .py files of the wheel)
    tomllib     the same with the standard library's tomllib
    check       game.format.loader.check_story: parse, locate every key's line, check, build
    check-default  what `mar-a-lago check` does by default, without printing: check_story,
                then game.tools.static.quick_check (the checks that need no search, the
                control characters, the statistics)
    cache-cold  game.format.cache.check_story with an empty cache (check_story, then write it)
    cache-warm  game.format.cache.check_story from the cache (scenes decoded when first used)
    cache-all   cache-warm, then every scene looked up once
    cli-check   `mar-a-lago check DIR` as a user runs it (a process: start-up, load, stats)

    .venv/bin/python benchmarks/bench_check.py [SIZES...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WHATS = (
    "tomli",
    "tomli-py",
    "tomllib",
    "check",
    "check-default",
    "cache-cold",
    "cache-warm",
    "cache-all",
)


def _pure_tomli(tmp: Path) -> None:
    """Make `import tomli` find tomli's .py sources, not its compiled modules."""
    import importlib.util

    spec = importlib.util.find_spec("tomli")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).parent
    target = tmp / "pure" / "tomli"
    target.mkdir(parents=True)
    for py in source.glob("*.py"):
        shutil.copy(py, target / py.name)
    sys.path.insert(0, str(tmp / "pure"))


def work(what: str, folder: Path, tmp: Path) -> Callable[[], object]:
    """The function to time for `what` (imports and set-up done here, untimed)."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    if what == "tomli-py":
        _pure_tomli(tmp)
    from game.format.loader import story_files

    files = story_files(folder)
    if what in ("tomli", "tomli-py", "tomllib"):
        if what == "tomllib":
            import tomllib as parser
        else:
            import tomli as parser  # type: ignore[no-redef]
        if what == "tomli-py":
            assert not parser.__file__.endswith(".so"), parser.__file__
        return lambda: [parser.loads(p.read_bytes().decode()) for p in files]
    if what == "check":
        from game.format.loader import check_story

        return lambda: check_story(folder)
    if what == "check-default":
        from game.format.loader import check_story
        from game.tools.static import quick_check

        def default() -> object:
            story, _ = check_story(folder)
            assert story is not None
            return quick_check(story, folder)

        return default
    os.environ["MAR_A_LAGO_CACHE_DIR"] = str(tmp / "cache")
    from game.format import cache

    if what == "cache-cold":

        def cold() -> object:
            shutil.rmtree(tmp / "cache", ignore_errors=True)
            return cache.check_story(folder)

        return cold
    story, _ = cache.check_story(folder)  # warm it
    assert story is not None
    if what == "cache-warm":
        return lambda: cache.check_story(folder)

    def every_scene() -> object:
        story, _ = cache.check_story(folder)
        assert story is not None
        return [story.scenes[k] for k in story.scenes]

    return every_scene


def one(what: str, folder: Path, repeat: int) -> dict[str, float]:
    """`what`, best of `repeat` runs; and (as "base_s") the bare tomli parse, timed in
    turn with it in the same process, so that a busy machine slows both alike."""
    with tempfile.TemporaryDirectory() as tmp:
        run = work(what, folder, Path(tmp))
        # tomli-py imports tomli from its sources: the compiled one cannot join it
        paired = what not in ("tomli", "tomli-py")
        base = work("tomli", folder, Path(tmp)) if paired else None
        times, bases = [], []
        for _ in range(repeat):
            if base is not None:
                start = time.perf_counter()
                base()
                bases.append(time.perf_counter() - start)
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    from bench_startup import peak_rss_mb

    peak = peak_rss_mb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"best_s": min(times), "peak_mb": peak}
    if bases:
        result["base_s"] = min(bases)
    return result


def measure(what: str, folder: Path, repeat: int) -> dict[str, float]:
    """`what` on the story in `folder`, in a fresh process (its peak memory is its own,
    but for the tomli parse it is timed against: "base_s")."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", what, str(folder), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def cli_check(folder: Path, timeout: float = 600, repeat: int = 3) -> dict[str, float]:
    """`mar-a-lago check DIR`, best wall clock of `repeat` and peak memory; inf when
    over `timeout`. Python's bytecode cache is on (in a folder of its own), as for a
    user, and warmed by a first run."""
    from bench_startup import peak_rss_mb

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    best, peak = float("inf"), None
    with tempfile.TemporaryDirectory() as tmp:
        env["PYTHONPYCACHEPREFIX"] = tmp
        for run in range(repeat + 1):
            start = time.perf_counter()
            proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "mar-a-lago"), "check", str(folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            try:
                while proc.poll() is None:  # VmHWM only grows: its last reading is the peak
                    peak = peak_rss_mb(proc.pid) or peak
                    if time.perf_counter() - start > timeout:
                        return {"best_s": float("inf"), "peak_mb": peak or float("nan")}
                    time.sleep(0.002)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            if run:  # the first run writes the bytecode
                best = min(best, time.perf_counter() - start)
    return {"best_s": best, "peak_mb": peak or float("nan")}


def stories(sizes: list[int], tmp: Path) -> dict[int, Path]:
    sys.path[:0] = [str(HERE)]
    from gen_story import generate

    return {n: generate(n, tmp / f"syn{n}") for n in sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000])
    parser.add_argument("--one", nargs=2, metavar=("WHAT", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]), args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n, folder in stories(args.sizes, Path(tmp)).items():
            base = measure("tomli", folder, args.repeat)
            for what in WHATS:
                r = base if what == "tomli" else measure(what, folder, args.repeat)
                b = r.get("base_s", base["best_s"])  # the parse timed in turn with it
                print(
                    f"{n:>6} {what:13} {r['best_s'] * 1000:9.1f} ms "
                    f"x{r['best_s'] / b:6.2f}  {r['peak_mb']:6.1f} MB"
                )


if __name__ == "__main__":
    main()
