"""The class store: one SQLite file shared by many game processes of a class folder."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.persist.classstore import (
    STORE_FILE,
    ClassStore,
    GameRecord,
    SeatTaken,
    StoreError,
)
from support import ROOT


def test_the_store_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    ClassStore.open(tmp_path)
    db = sqlite3.connect(tmp_path / STORE_FILE)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_games_keep_their_progress(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    game = GameRecord("g1", "story", "trump", 1.0, 2.0, name="Ana", meters={"trust": 3})
    store.put_game(game)
    store.put_game(GameRecord("g2", "story", "xi", 1.0, 5.0, name="Bo"))
    store.put_game(GameRecord("g1", "story", "trump", 1.0, 9.0, name="Ana", steps=4, ending="e"))
    games = store.games()
    assert [g.id for g in games] == ["g1", "g2"]  # most recently active first
    assert games[0].steps == 4 and games[0].finished and games[0].meters == {}
    assert store.game("g2") is not None and store.game("g2").name == "Bo"  # type: ignore[union-attr]


def test_injects_reach_the_folder_or_one_room(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    first = store.send_inject("missile")
    store.send_inject("coal", room="r1")
    assert [i.inject_id for i in store.injects()] == ["missile"]
    assert [i.inject_id for i in store.injects("r1")] == ["missile", "coal"]
    assert [i.inject_id for i in store.injects("r1", since=first)] == ["coal"]


def test_the_clock_pauses_and_counts_down(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    assert store.clock().remaining is None and not store.clock().paused
    clock = store.set_time_limit(600)
    assert clock.remaining is not None and 598 < clock.remaining <= 600
    paused = store.pause()
    assert paused.paused and paused.remaining is not None
    time.sleep(0.05)
    assert store.clock().remaining == paused.remaining  # a paused clock does not run
    resumed = store.resume()
    assert not resumed.paused and resumed.remaining is not None
    assert resumed.remaining <= paused.remaining
    assert store.set_time_limit(0).expired


def test_a_seat_is_held_until_its_holder_leaves(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    store.take_seat("r", "trump", "alice", "story", "g-a")
    store.take_seat("r", "xi", "bob", "story", "g-b")
    with pytest.raises(SeatTaken, match="trump seat of room 'r' is taken"):
        store.take_seat("r", "trump", "carol", "story")
    assert store.take_seat("r", "trump", "alice", "story").game_id == "g-a"  # rejoin
    store.leave_seat("r", "trump", "alice")
    seat = store.take_seat("r", "trump", "alice-again", "story")
    assert seat.game_id == "g-a"  # the same game, resumed by a new process
    with pytest.raises(StoreError, match="another story"):
        store.take_seat("r", "xi", "bob", "other-story")


def test_moves_are_append_only_and_a_retry_is_harmless(tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    store.add_move("r", "trump", "s1", "a", 0)
    store.add_move("r", "trump", "s1", "a", 0)  # the same write again: no double
    store.add_move("r", "xi", "s2", "b", 1)
    with pytest.raises(StoreError, match="move 2 is already xi's 'b'"):
        store.add_move("r", "trump", "s3", "c", 1)
    with pytest.raises(StoreError, match="move 5 before move 3"):
        store.add_move("r", "trump", "s3", "c", 4)
    assert [(m.seq, m.role, m.choice) for m in store.moves("r")] == [
        (0, "trump", "a"),
        (1, "xi", "b"),
    ]


WRITER = """
import sys
from pathlib import Path
from game.persist.classstore import ClassStore, StoreError
store = ClassStore.open(Path(sys.argv[1]))
me = sys.argv[2]
for i in range(40):
    store.record_event("note", me, f"{me} {i}")
    while True:
        n = len(store.moves("room"))
        try:
            store.add_move("room", me, "s", f"{me}{i}", n)
            break
        except StoreError:
            continue
"""


def test_many_processes_write_at_once_and_lose_nothing(tmp_path: Path) -> None:
    ClassStore.open(tmp_path)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"p{k}"], cwd=ROOT)
        for k in range(4)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    store = ClassStore.open(tmp_path)
    assert len(store.events_since(0)) == 160
    moves = store.moves("room")
    assert [m.seq for m in moves] == list(range(160))
    assert len({m.choice for m in moves}) == 160


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    ClassStore.open(tmp_path)
    db = sqlite3.connect(tmp_path / STORE_FILE)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer version"):
        ClassStore.open(tmp_path)


def test_a_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot use"):
        ClassStore.open(tmp_path / "file")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / STORE_FILE).write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="class store"):
        ClassStore.open(tmp_path / "d")


def test_a_new_store_opened_by_many_at_once_never_says_locked(tmp_path):
    """Two games that start together both turn a new class store to WAL; SQLite answers
    the loser "database is locked" at once (no busy wait for a journal change), which
    once failed a duo room's first join under load. Each one now waits its turn."""
    import threading

    from game.persist.classstore import ClassStore

    failures: list[str] = []
    for trial in range(120):
        folder = tmp_path / f"class{trial}"
        gate = threading.Barrier(8)

        def join(folder=folder, gate=gate) -> None:
            gate.wait()
            try:
                ClassStore.open(folder).seats("ROOM")
            except Exception as exc:  # any failure is the finding
                failures.append(repr(exc))

        threads = [threading.Thread(target=join) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert failures == []
