"""Saves and their folder under hostile conditions, through the real commands.

A saves folder whose path is too long (or runs through a file, or loops); a FIFO or a
link to /dev/zero named like a save; a save with a time no clock can show; a game
longer than a save may hold; temp files left by killed saves; slot names Windows keeps
for devices or that differ only by case. Nothing may hang, eat memory, print a
traceback, or leave a save that cannot be read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.core import engine
from game.format.loader import load_story
from game.persist import files, journal, saves, validate, writing
from support import MINI, ROOT

SECONDS = 60
#: a path no file system takes (each name under 255 bytes, the whole over PATH_MAX)
TOO_LONG = "/tmp/" + "/".join(["d" * 200] * 25)
MEMORY = 1024 * 1024 * 1024


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(*args: str, stdin: str = "", timeout: float = SECONDS) -> subprocess.CompletedProcess[str]:
    """`mar-a-lago ARGS` with a time and a memory cap; no traceback may reach the user."""
    result = subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        preexec_fn=_cap_memory,
    )
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    assert "MemoryError" not in result.stderr
    return result


@pytest.fixture(scope="module")
def story():
    return load_story(MINI)


def played(story, choices=("warm",)):
    state = engine.new_game(story, "alice")
    for choice in choices:
        state = engine.choose(story, state, choice)
    return state


# -- a saves folder that cannot be used ------------------------------------------------

BAD_FOLDERS = {
    "too long": lambda tmp: Path(TOO_LONG),
    "through a file": lambda tmp: _file(tmp) / "saves",
    "a link loop": lambda tmp: _loop(tmp),
}


def _file(tmp: Path) -> Path:
    (tmp / "afile").write_text("x")
    return tmp / "afile"


def _loop(tmp: Path) -> Path:
    link = tmp / "loop"
    link.symlink_to(link)
    return link / "saves"


@pytest.mark.parametrize("how", sorted(BAD_FOLDERS))
def test_a_write_to_an_unusable_folder_is_a_message(tmp_path, story, how):
    folder = BAD_FOLDERS[how](tmp_path)
    with pytest.raises(saves.SaveError, match="could not save to"):
        saves.write(folder, "one", story, played(story))
    assert saves.slots(folder) == []
    assert saves.resolve(folder, "one") == folder / "one.json"


@pytest.mark.parametrize("how", sorted(BAD_FOLDERS))
def test_plain_mode_plays_on_with_an_unusable_saves_folder(tmp_path, how):
    folder = BAD_FOLDERS[how](tmp_path)
    result = run(
        "play", "--plain", "--story", str(MINI), "--role", "alice", "--saves-dir", str(folder),
        stdin="1\n2\n",
    )  # fmt: skip
    assert result.returncode == 0
    assert "THE END" in result.stdout
    assert "could not save" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["play", "--plain", "--load", "one"],
        ["play", "--plain", "--load", "autosave"],
        ["transcript", "one"],
        ["report", "{folder}"],
        ["report", "{folder}/one.json"],
    ],
    ids=["load", "continue", "transcript", "report", "report-file"],
)
def test_every_command_given_a_too_long_path_says_so(args):
    args = [a.replace("{folder}", TOO_LONG) for a in args]
    result = run(*args, "--story", str(MINI), "--saves-dir", TOO_LONG, stdin="q\n")
    assert result.returncode != 0 or "Goodbye" in result.stdout
    assert result.stderr.strip()


def test_the_saves_folder_from_the_environment_too(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--story", str(MINI), "--role", "bob"],
        input="1\n",
        capture_output=True,
        text=True,
        timeout=SECONDS,
        cwd=ROOT,
        env={**os.environ, "MAR_A_LAGO_SAVES_DIR": TOO_LONG},
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 0


def test_file_checks_never_raise(tmp_path):
    for path in (Path(TOO_LONG), _loop(tmp_path), _file(tmp_path) / "x"):
        assert not files.exists(path) and not files.is_dir(path) and not files.is_file(path)
        assert files.entries(path, ".json") == []
        assert files.try_write(path)


# -- files that are not saves --------------------------------------------------------


@pytest.fixture
def traps(tmp_path: Path) -> Path:
    """A saves folder holding a FIFO, a link to /dev/zero and a folder named *.json."""
    folder = tmp_path / "saves"
    folder.mkdir()
    os.mkfifo(folder / "fifo.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    (folder / "dir.json").mkdir()
    return folder


def test_reading_a_fifo_or_a_device_never_blocks_or_grows(traps):
    started = time.monotonic()
    for name, reason in [
        ("fifo", "named pipe"),
        ("zero", "device"),
        ("dir", "folder"),
    ]:
        with pytest.raises(saves.SaveError, match=reason):
            saves.read(traps / f"{name}.json")
    listed = {info.name: info for info in saves.slots(traps)}
    assert set(listed) == {"fifo", "zero", "dir"}
    assert all(info.save is None and info.error for info in listed.values())
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("slot", ["fifo", "zero", "autosave"])
def test_play_plain_with_a_fifo_in_the_saves_folder_does_not_hang(traps, slot):
    result = run(
        "play", "--plain", "--story", str(MINI), "--saves-dir", str(traps), "--load", slot,
        stdin="1\n2\n", timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Cannot load" in result.stderr


def test_play_plain_plays_beside_the_traps(traps):
    result = run(
        "play", "--plain", "--story", str(MINI), "--saves-dir", str(traps), "--role", "alice",
        stdin="1\n2\n", timeout=30,
    )  # fmt: skip
    assert result.returncode == 0 and "THE END" in result.stdout


def test_a_file_growing_past_the_limit_is_refused_after_limit_plus_one_bytes(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 100)
    with pytest.raises(files.NotReadable, match="too large"):
        files.read_regular(path, 99)
    assert files.read_regular(path, 100) == b"x" * 100


# -- every field checked -------------------------------------------------------------


def format_1(payload: dict) -> bytes:
    """A format-1 save (one JSON object) with the checksum it needs."""
    body = {k: v for k, v in payload.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return json.dumps({**body, "checksum": hashlib.sha256(canonical.encode()).hexdigest()}).encode()


def payload_of(story, state) -> dict:
    return {**saves._converter.unstructure(saves.make_save(story, state)), "format": 1}


def test_an_old_format_1_save_still_loads(tmp_path, story):
    state = played(story, ("warm", "wait"))
    path = tmp_path / "old.json"
    path.write_bytes(format_1(payload_of(story, state)))
    assert saves.load(story, path).state == state


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"saved_at": "9999-12-31T23:59:59-23:59"}, "saved_at is not a time"),
        ({"saved_at": "2999-01-01T00:00:00+00:00"}, "not a time this save could have been made"),
        ({"saved_at": "yesterday"}, "saved_at is not a time"),
        ({"saved_at": "2026-01-01T10:00:00"}, "saved_at is not a time"),
        ({"role": 5}, "role is of the wrong kind"),
        ({"role": True}, "role is of the wrong kind"),
        ({"role": "alice\x1b]0;x\x07"}, "role holds control characters"),
        ({"choices": [["hall", "warm", "x"]]}, "choices"),
        ({"summary": {"scene": "yard", "ending": None, "meters": {}, "steps": 7}}, "summary"),
        ({"news": [{"step": 9, "id": "x"}]}, "news[0]"),
        ({"closed": 12}, "closed after 12"),
        ({"story": {"id": "mini", "version": "1", "digest": "x" * 300}}, "story.digest"),
    ],
)
def test_every_field_is_checked_on_read(tmp_path, story, change, reason):
    payload = {**payload_of(story, played(story)), **change}
    (tmp_path / "odd.json").write_bytes(format_1(payload))
    (tmp_path / "fine.json").write_bytes(format_1(payload_of(story, played(story))))
    with pytest.raises(saves.SaveError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        saves.read(tmp_path / "odd.json")
    # it is listed as damaged, and never the save Continue resumes
    assert saves.newest(tmp_path, story).name == "fine"
    (odd,) = [info for info in saves.slots(tmp_path) if info.name == "odd"]
    assert odd.save is None and reason.split("[")[0] in odd.error


def test_the_newest_save_is_the_latest_time_whatever_its_offset(tmp_path, story):
    early = {**payload_of(story, played(story)), "saved_at": "2026-01-01T12:00:00+09:00"}
    late = {**payload_of(story, played(story)), "saved_at": "2026-01-01T04:00:00+00:00"}
    (tmp_path / "a.json").write_bytes(format_1(late))
    (tmp_path / "b.json").write_bytes(format_1(early))  # 03:00 UTC, written last
    assert saves.newest(tmp_path, story).name == "a"


def test_the_load_dialog_time_of_every_readable_save_can_be_shown(tmp_path, story):
    for text in ("0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"):
        assert validate.parse_time(text) is None


# -- a game longer than a save may hold; the cost of a choice ----------------------------

CYCLE = """
[scenes.a]
title = "A"
text = "A."
roles = ["r"]
[[scenes.a.choices]]
id = "on"
text = "On."
goto = "b"
[scenes.b]
title = "B"
text = "B."
[[scenes.b.choices]]
id = "back"
text = "Back."
goto = "a"
"""

STORY = """
[story]
id = "cycle"
title = "Cycle"
version = "1"
format = 1
[meters.m]
label = "M"
min = 0
max = 10
start = 5
[roles.r]
label = "R"
start = "a"
[endings.e]
title = "E"
text = "E."
"""


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycle")
    (folder / "story.toml").write_text(STORY)
    (folder / "scenes.toml").write_text(CYCLE)
    return load_story(folder)


def walk(story, state, n):
    for _ in range(n):
        state = engine.choose(story, state, engine.open_choices(story, state)[0])
    return state


def test_each_choice_appends_one_line_to_the_same_file(tmp_path, cycle):
    state = walk(cycle, engine.new_game(cycle, "r"), 3)
    path = saves.write(tmp_path, "s", cycle, state)
    inode, size = path.stat().st_ino, path.stat().st_size
    for _ in range(50):
        state = walk(cycle, state, 1)
        saves.write(tmp_path, "s", cycle, state)
        grown = path.stat().st_size - size
        assert path.stat().st_ino == inode  # appended, not rewritten
        assert 0 < grown < 400  # one line, whatever the length of the game
        size += grown
    assert saves.load(cycle, path).state == state
    # an undo rewrites the file (atomically), and appending goes on from there
    state = engine.undo(cycle, state)
    saves.write(tmp_path, "s", cycle, state)
    assert path.stat().st_ino != inode
    assert saves.load(cycle, path).state == state
    state = walk(cycle, state, 1)
    inode = path.stat().st_ino
    saves.write(tmp_path, "s", cycle, state)
    assert path.stat().st_ino == inode
    assert saves.load(cycle, path).state == state


def test_a_save_never_copies_the_history():
    story = load_story(MINI)
    state = played(story, ("warm",))
    assert saves.make_save(story, state).choices is state.history


def test_a_line_cut_short_by_a_crash_leaves_the_save_before_it(tmp_path, cycle):
    state = walk(cycle, engine.new_game(cycle, "r"), 2)
    path = saves.write(tmp_path, "s", cycle, state)
    before = state
    state = walk(cycle, state, 1)
    saves.write(tmp_path, "s", cycle, state)
    whole = path.read_bytes()
    for cut in (1, 5, 40):
        path.write_bytes(whole[:-cut])
        assert saves.load(cycle, path).state == before
    # a line in the middle that does not verify is damage, not a crash
    lines = whole.split(b"\n")
    lines[1] = b'["b","back"]'
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(saves.SaveError, match="edited by hand or damaged"):
        saves.read(path)


def test_another_process_replacing_the_file_is_never_appended_to(tmp_path, cycle):
    state = walk(cycle, engine.new_game(cycle, "r"), 2)
    path = saves.write(tmp_path, "s", cycle, state)
    other = walk(cycle, engine.new_game(cycle, "r"), 7)
    data, _ = journal.encode(
        {k: v for k, v in saves._converter.unstructure(saves.make_save(cycle, other)).items()
         if k not in ("choices", "saved_at", "summary", "checksum", "format")},
        other.history, "2026-01-01T00:00:00+00:00", {"scene": other.scene, "ending": None,
                                                     "meters": dict(other.meters), "steps": 7},
    )  # fmt: skip
    path.write_bytes(data)  # another process wrote its own game here
    state = walk(cycle, state, 1)
    saves.write(tmp_path, "s", cycle, state)
    assert saves.load(cycle, path).state == state


def test_a_game_too_long_to_load_is_refused_before_writing(tmp_path, cycle, monkeypatch):
    monkeypatch.setattr(validate, "MAX_CHOICES", 40)
    state = walk(cycle, engine.new_game(cycle, "r"), 40)
    path = saves.write(tmp_path, "s", cycle, state)
    kept = path.read_bytes()
    with pytest.raises(saves.SaveError, match="41 choices long, too long"):
        saves.write(tmp_path, "s", cycle, walk(cycle, state, 1))
    assert path.read_bytes() == kept
    assert saves.load(cycle, path).state == state


def test_a_game_too_large_in_bytes_is_refused_before_writing(tmp_path, cycle, monkeypatch):
    monkeypatch.setattr(saves, "MAX_SAVE_BYTES", 3_000)
    state = engine.new_game(cycle, "r")
    path = None
    with pytest.raises(saves.SaveError, match="too long for a save to be read back"):
        while True:
            state = walk(cycle, state, 1)
            path = saves.write(tmp_path, "s", cycle, state)
    assert path is not None
    assert path.stat().st_size <= 3_000
    assert len(saves.read(path).choices) == len(state.history) - 1


def test_line_mode_says_not_saved_when_the_game_grew_too_long(tmp_path, cycle):
    """Through the real command: past the limit, plain mode says the save failed, and
    the last save still loads."""
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.toml").write_text(STORY)
    (folder / "scenes.toml").write_text(CYCLE)
    code = (
        "import sys; from game.persist import validate; validate.MAX_CHOICES = 30; "
        "from game.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "play", "--plain", "--story", str(folder),
         "--saves-dir", str(tmp_path / "s"), "--autosave-slot", "long"],
        input="1\n" * 40 + "q\n", capture_output=True, text=True, timeout=SECONDS, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "31 choices long, too long" in result.stderr
    assert "could not be saved" in result.stdout
    assert len(saves.read(tmp_path / "s" / "long.json").choices) == 30


# -- temp files of killed saves ------------------------------------------------------


def test_stale_temp_files_are_removed_and_fresh_ones_kept(tmp_path, story):
    old = time.time() - 3600
    stale = [tmp_path / f".autosave.x{i}abcdef.tmp" for i in range(50)]
    for path in stale:
        path.write_text("{")
        os.utime(path, (old, old))
    fresh = tmp_path / ".other.k2j3h4g5.tmp"
    fresh.write_text("{")
    mine = tmp_path / "notes.tmp"  # not a save's temp file
    mine.write_text("keep")
    os.utime(mine, (old, old))
    writing._swept.discard(str(tmp_path))
    saves.write(tmp_path, "autosave", story, played(story))
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and mine.exists()


def test_a_new_game_cleans_the_temp_files_left_by_killed_saves(tmp_path):
    folder = tmp_path / "saves"
    folder.mkdir()
    old = time.time() - 3600
    for i in range(50):
        path = folder / f".autosave.{i:08d}.tmp"
        path.write_text("{")
        os.utime(path, (old, old))
    result = run(
        "play", "--plain", "--story", str(MINI), "--role", "alice", "--saves-dir", str(folder),
        stdin="1\n2\n",
    )  # fmt: skip
    assert result.returncode == 0
    assert not list(folder.glob(".*.tmp"))


# -- names Windows keeps, names that differ by case -------------------------------------


@pytest.mark.parametrize("name", ["CON", "nul", "Aux", "com1", "LPT9", "prn"])
def test_device_names_are_refused(tmp_path, story, name):
    with pytest.raises(saves.SaveError, match="Windows keeps for a device"):
        saves.write(tmp_path, name, story, played(story))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["console", "nul1", "com10", "auxiliary"])
def test_names_near_device_names_are_fine(name):
    assert saves.check_slot_name(name) == name


def test_a_slot_differing_only_by_case_never_overwrites_another(tmp_path, story):
    first = played(story, ("warm",))
    saves.write(tmp_path, "mine", story, first)
    with pytest.raises(saves.SaveError, match="the slot 'mine' is in this folder"):
        saves.write(tmp_path, "Mine", story, played(story, ("cold",)))
    assert saves.load(story, tmp_path / "mine.json").state == first
    assert [p.name for p in tmp_path.glob("*.json")] == ["mine.json"]


def test_line_mode_refuses_a_device_name(tmp_path):
    result = run(
        "play", "--plain", "--story", str(MINI), "--role", "alice", "--saves-dir", str(tmp_path),
        stdin="s CON\ns con\nq\n",
    )  # fmt: skip
    assert result.stdout.count("Windows keeps for a device") == 2
    assert not (tmp_path / "CON.json").exists()


def test_times_are_checked_against_now():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    base = {"choices": [], "role": "r", "summary": {"steps": 0}}
    assert validate.problem({**base, "saved_at": "2026-01-01T10:00:00+00:00"}, now) == ""
    assert "could have been made" in validate.problem(
        {**base, "saved_at": "2026-01-05T10:00:00+00:00"}, now
    )


# -- a format-2 save damaged at random ---------------------------------------------------

MINI_STORY = load_story(MINI)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.data())
def test_a_journal_damaged_anywhere_is_refused_or_a_prefix_of_the_game(data):
    story = MINI_STORY
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = played(story, ("warm",))
        path = saves.write(folder, "s", story, first)
        last = engine.choose(story, first, "wait")
        saves.write(folder, "s", story, last)
        raw = bytearray(path.read_bytes())
        for _ in range(data.draw(st.integers(1, 3))):
            how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
            at = data.draw(st.integers(0, max(0, len(raw) - 1)))
            if how == "flip" and raw:
                raw[at] ^= data.draw(st.integers(1, 255))
            elif how == "cut":
                del raw[at:]
            else:
                raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        path.write_bytes(bytes(raw))
        try:
            loaded = saves.load(story, path)
        except saves.SaveError:
            return
        assert loaded.state in (first, last)


def test_a_folder_that_cannot_be_read_is_a_message_not_a_traceback(tmp_path, story, monkeypatch):
    """Root reads any folder; a user's EACCES is simulated on every look at the folder."""
    folder = tmp_path / "locked"
    real_stat, real_scandir, real_mkdir = os.stat, os.scandir, Path.mkdir

    def denied(path, *args, **kwargs):
        if str(path).startswith(str(folder)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    def scandir(path="."):
        if str(path).startswith(str(folder)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def mkdir(self, *args, **kwargs):
        if str(self).startswith(str(folder)):
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(os, "stat", denied)
    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(saves.SaveError, match="Permission denied"):
        saves.write(folder, "one", story, played(story))
    assert saves.slots(folder) == []
    assert saves.newest(folder, story) is None
    assert not files.exists(folder) and files.try_write(folder) == "Permission denied"
