"""Duo rooms in a class: two `mar-a-lago play --plain --role R --room NAME --name ...`
processes on one class folder, seen by the teacher through `teach DIR --list` and the
console (TeachApp through Pilot): each room with both players and sides, the round,
whose move is awaited and the ending; then `report` (the room once, with its players)
and `transcript`. The pause holds a room's moves; news and the time limit do not reach
duo rooms, and `teach` says so (never silently)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import attrs
from duo_support import STORY
from test_duo_cli import TIMEOUT, Side, run
from textual.widgets import DataTable, OptionList, Static

from game.core.model import Inject
from game.format.loader import load_story
from game.persist.classstore import ClassStore, GameRecord, Room, Seat
from game.persist.saves import Player
from game.session.duo import DuoSession
from game.teach import duorooms
from game.teach.app import InjectScreen, TeachApp
from support import FIXTURES, ROOT

DUO = FIXTURES / "duo"
SHIPPED = ROOT / "story"


def teach(folder: Path, *args: str, story: Path = DUO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "teach", str(folder), "--story", str(story), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=ROOT,
    )


def listed(folder: Path, story: Path = DUO) -> str:
    done = teach(folder, "--list", story=story)
    assert done.returncode == 0, done.stderr
    return done.stdout


def room_row(text: str, room: str) -> str:
    """The `--list` line of a duo room (under its 'Duo rooms' heading)."""
    rooms = text.split("Duo rooms (", 1)[1]
    return next(line for line in rooms.splitlines() if line.startswith(room + " "))


def cells(app: TeachApp, table_id: str) -> list[list[str]]:
    table = app.query_one(table_id, DataTable)
    return [[str(cell) for cell in table.get_row(key)] for key in table.rows]


def text_of(app: TeachApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_a_room_of_two_processes_is_seen_by_the_teacher_from_start_to_end(
    tmp_path: Path,
) -> None:
    started: list[Side] = []
    try:
        host = Side(tmp_path, "--role", "host", "--room", "R1", "--name", "Ann", "--team", "Red")
        started.append(host)
        host.wait_for("Choice (1-2")
        guest = Side(tmp_path, "--role", "guest", "--room", "r1", "--name", "Bob")
        started.append(guest)
        guest.wait_for("Choice (1-2")

        text = listed(tmp_path)
        row = room_row(text, "R1")
        assert re.search(r"Ann \(Red\)\s+Bob\s+Round 1 of 3: Arrival\s+both sides", row), row
        header = text.split("Duo rooms (")[1].splitlines()[1]
        assert "Adviser to the Host" in header and "Adviser to the Guest" in header
        # the sides are the room's row, not two one-player games
        assert "Ann" not in text.split("Duo rooms (")[0]
        assert "Duo summits: 1 playing" in text

        host.send("1\n")
        host.wait_for("Waiting for Adviser to the Guest")
        assert re.search(r"Round 1 of 3: Arrival\s+Bob\s", room_row(listed(tmp_path), "R1"))

        # the teacher's pause holds the room's moves: Bob's choice waits for the resume
        paused = teach(tmp_path, "--pause")
        assert paused.returncode == 0 and "duo rooms too" in paused.stdout
        guest.send("1\n")
        guest.wait_for("[Class clock] The teacher has paused the game")
        time.sleep(1.0)
        assert len(ClassStore.open(tmp_path).moves("R1")) == 1
        assert "Arrival: what each side did" not in host.out
        assert teach(tmp_path, "--resume").returncode == 0
        for side in (host, guest):
            side.wait_for("== Arrival: what each side did ==")
        host.wait_for("Choice (1-3")
        guest.wait_for("Choice (1-2", 2)

        story = load_story(DUO)
        news = Inject("storm", "Storm", "Heat rises.", {"heat": 1})
        app = TeachApp(tmp_path, attrs.evolve(story, injects={"storm": news}))
        async with app.run_test(size=(160, 40)) as pilot:
            [line] = cells(app, "#rooms")
            assert line[:5] == ["R1", "Ann (Red)", "Bob", "Round 2 of 3: The Talks", "both sides"]
            assert "Trust 6" in line[5] and line[6] == ""
            assert cells(app, "#games") == []
            assert "1 duo room(s): 1 playing, 0 finished" in text_of(app, "#status")
            assert "news and the time limit do not reach them" in text_of(app, "#rooms-title")
            assert "Duo summits: 1 playing" in text_of(app, "#endings")

            # news from the console: sent to the one-player games, and said not to reach R1
            await pilot.press("i")
            assert isinstance(app.screen, InjectScreen)
            assert "Duo rooms do not take news" in str(app.screen.query_one("Label").render())
            app.screen.query_one("#injects", OptionList).focus()
            await pilot.press("enter")
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert any(
                "Duo rooms do not take news: 1 duo room(s) playing (R1) do not get it" in m
                for m in said
            ), said

            host.send("1\n1\n")  # round 2: take the offer; round 3: thanks
            guest.send("1\n1\n")
            for side in (host, guest):
                side.wait_for("== THE END: Deal ==")
            await pilot.pause(1.5)  # the console looks every second
            [line] = cells(app, "#rooms")
            assert line[3:7] == ["Ended in round 3 of 3: Farewell", "-", line[5], "Deal"]
            assert "Duo summits: Deal 1" in text_of(app, "#endings")
            assert "1 duo room(s): 0 playing, 1 finished" in text_of(app, "#status")

        for side in (host, guest):
            code, out, err = side.finish("\n")
            assert code == 0, err
            assert "NEWS FLASH" not in out  # the news did not reach the room
        row = room_row(listed(tmp_path), "R1")
        assert re.search(r"Ann \(Red\) · left\s+Bob · left\s+Ended in round 3 of 3", row), row
    finally:
        for side in started:
            side.kill()

    # afterwards: the class report has the room once, with its players; a transcript a side
    report = run("report", str(tmp_path), "--story", str(DUO))
    assert report.returncode == 0, report.stderr
    [line] = [line for line in report.stdout.splitlines() if line.startswith("| R1 |")]
    assert "| Ann, team Red: Adviser to the Host · Bob: Adviser to the Guest | Deal | 3 |" in line
    out = tmp_path / "transcripts"
    done = run("transcript", str(tmp_path), "--story", str(DUO), "-o", str(out))
    assert done.returncode == 0, done.stderr
    for side in ("host", "guest"):
        assert "**Outcome:** Deal (after 3 rounds)" in (
            out / f"duo-R1-{side}-transcript.md"
        ).read_text(encoding="utf-8")


def test_news_and_the_time_limit_say_the_rooms_they_leave_out(tmp_path: Path) -> None:
    """The shipped story: news and a time limit go to one-player games only, and say so;
    `--room` is refused (duo rooms take no news), and nothing is sent."""
    started: list[Side] = []
    try:
        trump = Side(tmp_path, "--story", str(SHIPPED), "--role", "trump", "--room", "K7")
        started.append(trump)
        xi = Side(tmp_path, "--story", str(SHIPPED), "--role", "xi", "--room", "K7")
        started.append(xi)
        for side in (trump, xi):
            side.wait_for("Choice (")
        sent = teach(tmp_path, "--inject", "icbm_warning", story=SHIPPED)
        assert sent.returncode == 0, sent.stderr
        assert "to every running game" in sent.stdout
        assert "Duo rooms do not take news: 1 duo room(s) playing (K7) do not get it." in (
            sent.stdout
        )
        refused = teach(tmp_path, "--inject", "icbm_warning", "--room", "K7", story=SHIPPED)
        assert refused.returncode == 2
        assert "duo rooms do not take news" in refused.stderr and "nothing was sent" in (
            refused.stderr
        )
        assert len(ClassStore.open(tmp_path).injects()) == 1
        limit = teach(tmp_path, "--time-limit", "5", story=SHIPPED)
        assert limit.returncode == 0
        assert "5 minutes left for every game." in limit.stdout
        assert "Duo rooms have no time limit: 1 duo room(s) playing (K7)" in limit.stdout
        trump.send("1\n")
        xi.send("1\n")
        for side in (trump, xi):
            side.wait_for("what each side did ==")
            side.wait_for("Choice (", 2)
        for side in (trump, xi):
            code, out, _ = side.finish("q\n")
            assert code == 0 and "NEWS FLASH" not in out and "Class clock" not in out
    finally:
        for side in started:
            side.kill()


def test_a_side_that_rejoins_keeps_its_name(tmp_path: Path) -> None:
    story = load_story(DUO)
    ann = DuoSession.join(story, tmp_path, "R2", "host", holder="t:1:a", player=Player("Ann"))
    ann.move("warm")
    ann.leave()
    again = DuoSession.join(story, tmp_path, "R2", "host", holder="t:2:a")
    again.leave()
    store = ClassStore.open(tmp_path)
    [line] = duorooms.room_lines(story, store.rooms(), store.games())
    assert [side.cell() for side in line.sides] == ["Ann · left", "(not joined)"]
    assert line.waiting == ("guest",) and line.waiting_text() == "Adviser to the Guest"
    assert again.player == Player("Ann")


def test_a_room_of_another_story_shows_what_its_sides_reported(tmp_path: Path) -> None:
    story = load_story(DUO)
    now = time.time()
    room = Room("Z9", "other-story", now, (Seat("Z9", "host", "g1", "h", now),), ())
    games = [GameRecord("g1", "other-story", "host", now, now, name="Cy", ending="deal")]
    [line] = duorooms.room_lines(story, [room], games, now)
    assert line.sides[0].cell() == "Cy" and line.ending == "deal"
    assert "other-story" in line.problem
    row = duorooms.cells(story, line, now)
    assert row[0] == "Z9" and row[3].startswith("? (it plays the story 'other-story'")
    # a console of a story whose sides are others: the room's own sides, each named
    [line] = duorooms.room_lines(STORY, [room], games, now)
    assert [side.cell() for side in line.sides] == ["Cy as host", "(not joined)"]
    assert len(duorooms.cells(STORY, line, now)) == len(duorooms.columns(STORY, [room]))
    # a side's record without a room of its own stays a one-player row
    lone = GameRecord("g2", "duo-mini", "host", now, now, room="QQ")
    assert duorooms.one_player([games[0], lone], [room]) == [games[0], lone]
