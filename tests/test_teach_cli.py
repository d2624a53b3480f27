"""`mar-a-lago teach DIR` from the shell, as real processes: the clock, the list of games,
and clear messages for what cannot be done."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from game.persist.classstore import ClassStore, GameRecord
from support import MINI, ROOT


def teach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "teach", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_pause_resume_and_a_time_limit_from_the_shell(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    done = teach(str(tmp_path), "--story", str(MINI), "--time-limit", "10")
    assert done.returncode == 0, done.stderr
    assert "10 minutes left for every game." in done.stdout
    remaining = store.clock().remaining
    assert remaining is not None and 590 < remaining <= 600
    assert teach(str(tmp_path), "--story", str(MINI), "--pause").returncode == 0
    assert store.clock().paused
    assert teach(str(tmp_path), "--story", str(MINI), "--resume").returncode == 0
    assert not store.clock().paused
    assert teach(str(tmp_path), "--story", str(MINI), "--time-limit", "0").returncode == 0
    assert store.clock().remaining is None


def test_list_prints_every_game(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    now = time.time()
    store.put_game(GameRecord("g1", "mini", "alice", now, now, name="Ana", scene="hall"))
    store.put_game(GameRecord("g2", "mini", "bob", now, now, name="Bo", ending="draw", steps=1))
    done = teach(str(tmp_path), "--story", str(MINI), "--list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["Name", "Team"]
    assert any(line.startswith("Ana") and "Hall" in line for line in lines)
    assert any(line.startswith("Bo") and "Draw" in line for line in lines)
    assert "Alice: 1 playing" in done.stdout and "Bob: Draw 1" in done.stdout


def test_what_cannot_be_done_is_said_clearly(tmp_path: Path) -> None:
    done = teach(str(tmp_path / "nothing"), "--story", str(MINI), "--pause")
    assert done.returncode == 1
    assert "is not a class folder yet" in done.stderr and "Traceback" not in done.stderr
    ClassStore.open(tmp_path)
    done = teach(str(tmp_path), "--story", str(MINI), "--inject", "missile")
    assert done.returncode == 2
    assert "has no news 'missile'" in done.stderr
    done = teach(str(tmp_path), "--story", str(MINI), "--room", "r1")
    assert done.returncode == 2 and "--room goes with --inject" in done.stderr
    done = teach(str(tmp_path), "--time-limit", "soon")
    assert done.returncode == 2 and "not a number of minutes" in done.stderr
