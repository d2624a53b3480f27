"""Long fuzzing: the checks of tests/test_fuzz.py with fresh random seeds, for N minutes.

    .venv/bin/python benchmarks/fuzz_long.py --minutes 10 [--out DIR]

Unlike the suite, it does not stop at the first failure: it runs batches of examples
from every strategy and collects each distinct crash (exception type and the deepest
line of game/ it came from) with the smallest input that caused it, then prints them.
With --out, each crash's story folder or save file is written there to reproduce it.
Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("FUZZ_SCALE", "10")

import test_fuzz as tf  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _story_check(case: tuple[tf.StoryCase, int]) -> None:
    tf.check_story_files(case[0], case[1])


def _save_check(data: bytes) -> None:
    tf.check_save_bytes(data)


TARGETS: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
    "mutated stories": (st.tuples(tf.mutated_story(), st.integers(0, 2**32)), _story_check),
    "generated stories": (st.tuples(tf.generated_story(), st.integers(0, 2**32)), _story_check),
    "random bytes as a story file": (
        st.tuples(
            (st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode)).map(
                lambda b: tf.StoryCase("mini", {**tf.CORPORA["mini"], "scenes.toml": b})
            ),
            st.just(0),
        ),
        _story_check,
    ),
    "damaged saves": (tf.mutated_save(), _save_check),
    "valid saves": (tf.valid_save().map(lambda p: tf.json.dumps(p).encode()), _save_check),
}


class Crash:
    def __init__(self, example: Any, error: BaseException) -> None:
        self.example = example
        self.error = error
        self.count = 1
        self.trace = "".join(traceback.format_exception(error))

    @property
    def size(self) -> int:
        return len(repr(self.example))


def signature(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/game/" in f.filename] or frames[-1:]
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(error).__name__} at {where}"


def survey(name: str, seconds: float, batch: int) -> dict[str, Crash]:
    strategy, check = TARGETS[name]
    crashes: dict[str, Crash] = {}
    runs = 0

    @settings(
        max_examples=batch,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(example: Any) -> None:
        nonlocal runs
        runs += 1
        try:
            check(example)
        except Exception as error:
            key = signature(error)
            seen = crashes.get(key)
            if seen is None:
                crashes[key] = Crash(example, error)
            else:
                seen.count += 1
                if len(repr(example)) < seen.size:
                    seen.example, seen.error = example, error
                    seen.trace = "".join(traceback.format_exception(error))

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run()
    print(f"- {name}: {runs:,} examples, {len(crashes)} distinct failure(s)", flush=True)
    return crashes


def keep(out: Path, name: str, index: int, crash: Crash) -> Path:
    folder = out / f"{name.replace(' ', '-')}-{index}"
    folder.mkdir(parents=True, exist_ok=True)
    example = crash.example
    if isinstance(example, tuple):
        example = example[0]
    if isinstance(example, dict):
        tf.write_story(folder / "story", dict(example))
    else:
        (folder / "slot.json").write_bytes(example)
    (folder / "traceback.txt").write_text(crash.trace)
    return folder


def fuzz(minutes: float, out: Path | None = None, batch: int = 200, verbose: bool = True) -> int:
    """Run every target for an equal share of `minutes`; the number of distinct failures.
    Each is printed (briefly unless `verbose`) and, with `out`, kept there."""
    share = minutes * 60 / len(TARGETS)
    total = 0
    for name in TARGETS:
        crashes = survey(name, share, batch)
        for index, (key, crash) in enumerate(sorted(crashes.items()), 1):
            total += 1
            if not verbose:
                print(f"  failure: {key} ({crash.count} times)")
                continue
            print(f"\n### {name}: {key} ({crash.count} times)\n")
            print(crash.trace.rstrip()[-3000:])
            print(f"\nsmallest input:\n{crash.example!r}"[:4000])
            if out is not None:
                print(f"\nkept in {keep(out, name, index, crash)}")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=None, help="keep failing inputs here")
    args = parser.parse_args()
    failures = fuzz(args.minutes, args.out)
    print(f"\n{failures} distinct failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
