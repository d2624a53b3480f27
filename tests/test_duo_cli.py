"""The duo summit through real processes: `mar-a-lago play --plain --role R --room NAME`
pairs on one saves folder, hot-seat (`--duo`), a side killed and rejoined, a third
player refused; `check --deep` and `explore` of a duo story."""

from __future__ import annotations

import codecs
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.format.loader import load_story
from game.persist import saves
from game.persist.classstore import ClassStore
from support import FIXTURES, ROOT

DUO = FIXTURES / "duo"
TIMEOUT = 60


class Side:
    """One `play --plain` process; its output read as it comes."""

    def __init__(self, saves_dir: Path, *args: str) -> None:
        argv = [sys.executable, "-m", "game", "play", "--plain", "--story", str(DUO)]
        argv += ["--saves-dir", str(saves_dir), *args]
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        """Every byte as it comes (a prompt has no line end to wait for)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        decoder = codecs.getincrementaldecoder("utf-8")()
        while chunk := os.read(fd, 4096):
            self.lines.append(decoder.decode(chunk))

    @property
    def out(self) -> str:
        return "".join(self.lines)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def wait_for(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + TIMEOUT
        while self.out.count(text) < count:
            if self.proc.poll() is not None and self.out.count(text) < count:
                self.reader.join(timeout=5)
                if self.out.count(text) >= count:
                    return
                raise AssertionError(f"exited {self.proc.returncode} before {text!r}:\n{self.out}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} in {TIMEOUT} s:\n{self.out}")
            time.sleep(0.05)

    def finish(self, text: str = "") -> tuple[int, str, str]:
        if text:
            self.send(text)
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=TIMEOUT)
        self.reader.join(timeout=5)
        assert self.proc.stderr is not None
        return code, self.out, self.proc.stderr.read()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def sides() -> Iterator[list[Side]]:
    started: list[Side] = []
    yield started
    for side in started:
        side.kill()


def play(saves_dir: Path, started: list[Side], *args: str) -> Side:
    side = Side(saves_dir, *args)
    started.append(side)
    return side


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=ROOT,
    )


def test_two_processes_play_one_room_to_the_same_ending(tmp_path, sides):
    host = play(tmp_path, sides, "--role", "host", "--room", "R1")
    guest = play(tmp_path, sides, "--role", "guest", "--room", "R1")
    host.send("1\n1\n1\n")
    guest.send("1\n1\n1\n")
    host_code, host_out, host_err = host.finish()
    guest_code, guest_out, guest_err = guest.finish()
    assert (host_code, guest_code) == (0, 0), host_err + guest_err
    for out in (host_out, guest_out):
        assert "== THE END: Deal ==" in out
    assert "Host: your side made it." in host_out and "Host: your side" not in guest_out
    assert "Guest: your offer on the runway made it." in guest_out
    assert "You (Adviser to the Host): Greet them warmly." in host_out
    assert "Adviser to the Host: Greet them warmly." in guest_out
    assert "The guests have offered talks." in host_out  # the other side's move, in text
    story = load_story(DUO)
    host_save = saves.load(story, tmp_path / "duo-R1-host.json")
    guest_save = saves.load(story, tmp_path / "duo-R1-guest.json")
    assert host_save.duo == guest_save.duo and host_save.duo is not None
    assert host_save.duo.ending == "deal" and len(host_save.duo.moves) == 6


def test_a_side_waits_and_says_so(tmp_path, sides):
    host = play(tmp_path, sides, "--role", "host", "--room", "W1")
    host.wait_for("Choice (1-2")
    assert "Adviser to the Guest has not joined the room yet" in host.out
    host.send("2\n")
    host.wait_for("Waiting for Adviser to the Guest to choose...")
    guest = play(tmp_path, sides, "--role", "guest", "--room", "W1")
    host.wait_for("Adviser to the Guest has joined the room.")
    guest.send("1\n")
    host.wait_for("== Arrival: what each side did ==")
    assert "Adviser to the Guest: Offer talks." in host.out
    guest.wait_for("== The table, cold (Adviser to the Guest) ==")  # routed by the host's move


def test_hot_seat_in_line_mode(tmp_path):
    result = run(
        "play",
        "--duo",
        "--plain",
        "--story",
        str(DUO),
        "--saves-dir",
        str(tmp_path),
        stdin="\n2\n\n1\n\n2\n\n2\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Hand over to Adviser to the Host") == 2
    assert out.count("Hand over to Adviser to the Guest") == 2
    assert "== THE END: Boom ==" in out
    loaded = saves.load(load_story(DUO), tmp_path / "duo-hotseat.json")
    assert loaded.duo is not None and loaded.duo.ending == "boom"
    # a one-screen game stopped halfway goes on with --load
    result = run(
        "play",
        "--duo",
        "--plain",
        "--story",
        str(DUO),
        "--saves-dir",
        str(tmp_path / "b"),
        stdin="\n1\nq\n",
    )
    assert result.returncode == 0 and "Goodbye." in result.stdout
    result = run(
        "play",
        "--duo",
        "--plain",
        "--story",
        str(DUO),
        "--saves-dir",
        str(tmp_path / "b"),
        "--load",
        "duo-hotseat",
        stdin="\n1\n\n3\n\n1\n",
    )
    assert result.returncode == 0, result.stderr
    assert "== THE END: Walkout ==" in result.stdout


def test_a_side_killed_mid_game_rejoins_and_the_game_goes_on(tmp_path, sides):
    host = play(tmp_path, sides, "--role", "host", "--room", "K1")
    guest = play(tmp_path, sides, "--role", "guest", "--room", "K1")
    host.wait_for("Choice (1-2")
    guest.wait_for("Choice (1-2")
    host.send("1\n")  # warm
    guest.send("1\n")  # offer: round 1 resolves
    host.wait_for("== The table (Adviser to the Host) ==")
    host.send("1\n")  # deal, then the host's process dies
    store = ClassStore.open(tmp_path)
    deadline = time.monotonic() + TIMEOUT
    while len(store.moves("K1")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    host.kill()
    guest.wait_for("== The table (Adviser to the Guest) ==")
    guest.send("1\n")  # agree: round 2 resolves with the dead side's move from the room
    guest.wait_for("== The Talks: what each side did ==")
    assert "Adviser to the Host: Take their offer." in guest.out
    guest.send("1\n")  # thanks, and the guest waits for the host
    guest.wait_for("Waiting for Adviser to the Host to choose...", count=1)
    guest.wait_for("Adviser to the Host has left the room")
    again = play(tmp_path, sides, "--role", "host", "--room", "K1")
    again.wait_for("== Goodbye (Adviser to the Host) ==")
    assert "Resuming the game of room 'K1'." in again.out
    guest.wait_for("Adviser to the Host is back in the room.")
    code, out, err = again.finish("1\n")
    assert code == 0, err
    guest_code, guest_out, _ = guest.finish()
    assert guest_code == 0
    assert "== THE END: Deal ==" in out and "== THE END: Deal ==" in guest_out


def test_a_third_player_and_a_taken_role_are_refused(tmp_path, sides):
    host = play(tmp_path, sides, "--role", "host", "--room", "T1")
    host.wait_for("Choice (1-2")
    story, folder = str(DUO), str(tmp_path)
    second = run(
        "play", "--plain", "--story", story, "--saves-dir", folder, "--role", "host", "--room", "T1"
    )
    assert second.returncode == 1
    assert (
        "Adviser to the Host is already being played in room 'T1'; the free side there is "
        "Adviser to the Guest." in second.stderr
    )
    guest = play(tmp_path, sides, "--room", "T1")  # no role: the free side
    guest.wait_for("you advise as Adviser to the Guest")
    third = run("play", "--plain", "--story", story, "--saves-dir", folder, "--room", "T1")
    assert third.returncode == 1
    assert (
        "room 'T1' is full: Adviser to the Host and Adviser to the Guest are both being played"
        in third.stderr
    )
    assert "Traceback" not in third.stderr + second.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duo", "--room", "X"], "Choose one: --duo"),
        (["--room", "a/b"], "--room: 'a/b' is not a room name"),
        (["--room", "X", "--role", "nobody"], "--role: no role 'nobody'"),
        (["--duo", "--from", "host_solo"], "--from, --set and --flag are for one-player games"),
    ],
)
def test_duo_options_are_checked(tmp_path, args, message):
    result = run("play", "--plain", "--story", str(DUO), "--saves-dir", str(tmp_path), *args)
    assert result.returncode == 2 and message in result.stderr


def test_a_story_without_a_duo_says_so(tmp_path):
    result = run(
        "play", "--plain", "--duo", "--story", str(FIXTURES / "mini"), "--saves-dir", str(tmp_path)
    )
    assert result.returncode == 2 and "has no duo summit" in result.stderr


def test_explore_searches_every_joint_state(tmp_path):
    result = run("explore", str(DUO))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Duo summit (Adviser to the Host and Adviser to the Guest):" in out
    assert "deal: in 3 round(s)" in out and "boom: in 2 round(s)" in out
    assert "host: host_arrival/warm -> host_talks/deal -> host_farewell/thanks" in out
    assert "Dead ends: none" in out
    # one-player search: the duo scenes are not "never reached" by a role alone
    assert "Scenes never reached: none" in out
    data = run("explore", str(DUO), "--json")
    import json

    duo = json.loads(data.stdout)["duo"]
    assert duo["complete"] and duo["unreachable_endings"] == []
    assert duo["endings"]["walkout"]["host"][-1] == ["host_talks", "walk"]


def test_check_deep_warns_of_a_duo_dead_end(tmp_path):
    import shutil

    folder = tmp_path / "story"
    shutil.copytree(DUO, folder)
    path = folder / "guest.toml"
    text = path.read_text()
    text = text.replace(
        'id = "bristle"\ntext = "Bristle."',
        'id = "bristle"\ntext = "Bristle."\nrequires = { trust = { min = 9 } }',
    ).replace(
        'id = "swallow"\ntext = "Swallow it."',
        'id = "swallow"\ntext = "Swallow it."\nrequires = { trust = { min = 9 } }',
    )
    path.write_text(text)
    result = run("check", "--deep", str(folder))
    assert result.returncode == 0
    assert "Duo summit:" in result.stdout and "1 dead end(s)" in result.stdout
    assert (
        "duo dead end (one side can move and the other cannot): host at 'host_talks', guest at 'guest_pressed'; guest has nothing open"
        in result.stderr
    )
    assert run("check", "--deep", "--strict", str(folder)).returncode == 1
    assert run("check", "--deep", "--strict", str(DUO)).returncode == 0, run(
        "check", "--deep", str(DUO)
    ).stderr


def test_a_duo_save_loaded_without_duo_goes_on_as_a_duo_game(tmp_path):
    run(
        "play",
        "--duo",
        "--plain",
        "--story",
        str(DUO),
        "--saves-dir",
        str(tmp_path),
        stdin="\n1\nq\n",
    )
    result = run(
        "play",
        "--plain",
        "--story",
        str(DUO),
        "--saves-dir",
        str(tmp_path),
        "--load",
        "duo-hotseat",
        stdin="\n1\n\n1\n\n1\n\n1\n\n1\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Hand over to Adviser to the Guest" in result.stdout  # went on as a duo game
    assert os.path.exists(tmp_path / "duo-hotseat.json")


def test_transcript_and_report_read_duo_saves(tmp_path, sides):
    host = play(tmp_path, sides, "--role", "host", "--room", "D1")
    guest = play(tmp_path, sides, "--role", "guest", "--room", "D1")
    host.send("1\n1\n1\n")
    guest.send("1\n1\n1\n")
    assert host.finish()[0] == 0 and guest.finish()[0] == 0
    result = run("transcript", "duo-D1-guest", "--story", str(DUO), "--saves-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert (
        "transcript of a duo summit" in text
        and "**This transcript is for:** Adviser to the Guest" in text
    )
    assert "Round 3: Farewell" in text and "Guest: your offer on the runway made it." in text
    html = run(
        "transcript",
        "duo-D1-host",
        "--story",
        str(DUO),
        "--saves-dir",
        str(tmp_path),
        "--format",
        "html",
    )
    assert (
        html.returncode == 0 and "<svg" in html.stdout and "Host: your side made it." in html.stdout
    )
    report = run("report", str(tmp_path), "--story", str(DUO))
    assert report.returncode == 0, report.stderr
    assert "## Duo summits" in report.stdout
    assert (
        "1 duo game(s) (Adviser to the Host and Adviser to the Guest), 1 finished." in report.stdout
    )
    assert "| D1 | Deal | 3 |" in report.stdout
    folder = run("transcript", str(tmp_path), "--story", str(DUO), "-o", str(tmp_path / "out"))
    assert folder.returncode == 0, folder.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "duo-D1-guest-transcript.md",
        "duo-D1-host-transcript.md",
    ]
