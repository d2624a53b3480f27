"""A class session end to end, through real processes: students play in line mode with
names into one class folder, the teacher sends news from the shell while they play, the
console lists the running games, and the records come out right (one CSV row per game,
the news in the transcript). A second game of the same name never touches the first."""

from __future__ import annotations

import csv
import io
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from textual.widgets import DataTable

from game.format.loader import load_story
from game.persist import saves
from game.teach.app import TeachApp
from support import FIXTURES, ROOT

CLASSROOM = FIXTURES / "classroom"
WAIT = 60.0


class LineGame:
    """`mar-a-lago play --plain` as a student runs it, read as it prints."""

    def __init__(self, folder: Path, role: str, name: str, team: str = "") -> None:
        argv = [sys.executable, "-m", "game", "play", "--plain", "--story", str(CLASSROOM)]
        argv += ["--role", role, "--saves-dir", str(folder), "--name", name]
        if team:
            argv += ["--team", team]
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
        self.seen = ""
        #: where the next `wait_for` begins to look
        self.mark = 0
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            chunk = self.proc.stdout.read(1)
            if not chunk:
                return
            self._lines.put(chunk)

    def wait_for(self, text: str) -> str:
        """What was printed since the last wait, up to `text` (which must come within WAIT
        seconds)."""
        deadline = time.monotonic() + WAIT
        while text not in self.seen[self.mark :]:
            try:
                self.seen += self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"never printed {text!r}; printed:\n{self.seen}") from None
        start, end = self.mark, self.seen.index(text, self.mark) + len(text)
        self.mark = end
        return self.seen[start:end]

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def finish(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=WAIT)
        while not self._lines.empty():
            self.seen += self._lines.get()
        return code


def mar_a_lago(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=WAIT,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


async def test_a_class_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    # Ana and Bo begin; the console (made by the teacher) sees them as they play
    ana = LineGame(folder, "alice", "Ana", "Red")
    ana.wait_for("? for help): ")  # the hall: warm, cold (the secret way is locked)
    bo = LineGame(folder, "bob", "Bo")
    bo.wait_for("? for help): ")
    ana.type("1")  # warm: to the yard
    ana.wait_for("? for help): ")  # the yard

    story = load_story(CLASSROOM)
    app = TeachApp(folder, story)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause(1.5)
        table = app.query_one("#games", DataTable)
        names = [str(table.get_cell(key, "name")) for key in table.rows]
        scenes = [str(table.get_cell(key, "scene")) for key in table.rows]
        assert sorted(names) == ["Ana", "Bo"]
        assert sorted(scenes) == ["Yard", "Yard"]  # where each stands now

    # the teacher sends news from the shell, while both games run
    sent = mar_a_lago("teach", str(folder), "--story", str(CLASSROOM), "--inject", "calm")
    assert sent.returncode == 0, sent.stderr
    assert "Sent 'Calm news' to every running game" in sent.stdout
    ana.type("3")  # the hidden door: to the garden, where the news flash comes
    shown = ana.wait_for("? for help): ")
    assert "NEWS FLASH: Calm news" in shown and "Things calm down." in shown
    assert shown.index("NEWS FLASH") > shown.index("Last choice")
    ana.type("1")  # finish: the end
    ana.wait_for("t or Enter")
    ana.type("t")  # the transcript
    assert ana.finish() == 0
    assert "Transcript written to" in ana.seen
    transcript = next(folder.glob("autosave-mini-Ana-alice-*-transcript.md")).read_text()
    assert "**News flash:** Calm news" in transcript and "**Player:** Ana (team Red)" in transcript

    # a second game of the same name: a save of its own; the first is not touched
    first = next(folder.glob("autosave-mini-Ana-alice-*.json"))
    before = first.read_bytes()
    again = LineGame(folder, "alice", "Ana", "Red")
    again.wait_for("? for help): ")
    again.type("2")  # cold
    again.wait_for("? for help): ")
    assert again.finish() == 0
    assert first.read_bytes() == before
    anas = sorted(folder.glob("autosave-mini-Ana-alice-*.json"))
    assert len(anas) == 2
    ids = {saves.read(p).game.id for p in anas}  # type: ignore[union-attr]
    assert len(ids) == 2

    bo.type("2")  # wait: the end (Bo had news too: none for his game reached an end)
    bo.wait_for("THE END")
    assert bo.finish() == 0

    # the records: one row per game, with the columns a gradebook needs
    done = mar_a_lago("report", str(folder), "--story", str(CLASSROOM), "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 3
    assert list(rows[0])[:6] == ["name", "team", "role", "room", "ending", "steps"]
    assert {"final_trust", "final_heat", "finished", "started", "last_move", "game_id"} <= set(
        rows[0]
    )
    by_name = sorted((r["name"], r["finished"], r["ending"]) for r in rows)
    assert by_name == [("Ana", "no", ""), ("Ana", "yes", "Good"), ("Bo", "yes", "Draw")]
    ana_row = next(r for r in rows if r["finished"] == "yes" and r["name"] == "Ana")
    assert ana_row["team"] == "Red" and ana_row["final_heat"] == "0" and ana_row["steps"] == "3"

    # every game's transcript at once
    out = tmp_path / "transcripts"
    done = mar_a_lago("transcript", str(folder), "--story", str(CLASSROOM), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("*.md"))) == 3
