"""Faults: a save killed mid-write, a read-only or full saves folder, an unreadable story
file, a story folder replaced while playing, a terminal shrunk to 10x5.

The game must go on, or stop with a message: never a traceback, never a damaged save.
We run as root here, so "read-only" and "full" are real file systems (tmpfs) mounted
in a private mount namespace (`unshare -m`) where that works, and simulated in-process
(errno from os.fsync / tempfile.mkstemp) everywhere.
"""

from __future__ import annotations

import errno
import io
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from game.core import engine
from game.core.engine import GameState
from game.core.frozenmap import FrozenMap
from game.core.model import Story
from game.format.loader import check_story, load_story
from game.persist import saves
from game.plain.linegame import PlainGame
from support import MINI, ROOT

#: mini-story inputs that play alice to an ending: warm, then wait
TO_THE_END = "1\n2\n"


def mini_states(story: Story) -> list[GameState]:
    start = engine.new_game(story, "alice")
    warm = engine.choose(story, start, "warm")
    return [start, warm, engine.choose(story, start, "cold"), engine.choose(story, warm, "wait")]


# -- SIGKILL during a save ------------------------------------------------------------


def kill_saves(folder: Path, kills: int, seed: int = 0) -> dict[str, int]:
    """Fork a writer looping `saves.write` to one slot, SIGKILL it after a random delay,
    and check the slot: always one of the states written whole. `kills` times."""
    story = load_story(MINI)
    states = mini_states(story)
    saves.write(folder, "slot", story, states[0])
    rng = random.Random(seed)
    seen = {i: 0 for i in range(len(states))}
    for _ in range(kills):
        start = rng.randrange(len(states))
        pid = os.fork()
        if pid == 0:  # the writer: never returns
            try:
                i = start
                while True:
                    saves.write(folder, "slot", story, states[i % len(states)])
                    i += 1
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        loaded = saves.load(story, folder / "slot.json")  # SaveError would fail here
        seen[states.index(loaded.state)] += 1  # ValueError: a state nobody wrote
        (info,) = saves.slots(folder)
        assert info.save is not None, info.error
    return seen


def test_a_save_killed_at_random_moments_is_old_or_new_never_damaged(tmp_path: Path) -> None:
    seen = kill_saves(tmp_path, kills=40, seed=1)
    assert sum(seen.values()) == 40
    assert sum(1 for n in seen.values() if n) >= 2, seen  # the kills landed mid-loop
    # what a kill leaves: hidden temp files only, which no slot list shows
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "slot.json"]
    assert all(n.startswith(".slot.") and n.endswith(".tmp") for n in leftovers), leftovers


# -- read-only and full saves folders ----------------------------------------------------


def unshare_works() -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True, timeout=10
    )
    return probe.returncode == 0


needs_unshare = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not unshare_works(),
    reason="needs `unshare -m` (root or a user namespace) to mount a small tmpfs",
)


def play_plain(
    *args: str, stdin: str, preexec: Callable[[], None] | None = None, wrap: list[str] = ()
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*wrap, sys.executable, "-m", "game", "play", "--plain", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        preexec_fn=preexec,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def in_tmpfs(folder: Path, options: str, then: str = "") -> list[str]:
    """A command prefix: run in a private mount namespace with a tmpfs at `folder`."""
    script = f'mount -t tmpfs -o {options} tmpfs "{folder}" && {then or "true"} && exec "$@"'
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]


def assert_played_on(result: subprocess.CompletedProcess[str], why: str) -> None:
    assert result.returncode == 0, result.stderr
    assert "THE END" in result.stdout  # the game went on to its ending
    notices = [line for line in result.stderr.splitlines() if line.startswith("Notice:")]
    assert len(notices) == 1, result.stderr  # said once, though every autosave failed
    assert why in notices[0]
    assert "the previous save is unharmed" in notices[0]


@needs_unshare
def test_plain_mode_plays_on_with_a_read_only_saves_folder(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    result = play_plain(
        "--story",
        str(MINI),
        "--role",
        "alice",
        "--saves-dir",
        str(folder),
        stdin=TO_THE_END,
        wrap=in_tmpfs(folder, "ro,size=64k"),
    )
    assert_played_on(result, "Read-only file system")


@needs_unshare
def test_plain_mode_plays_on_with_a_full_saves_folder(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    fill = f'(dd if=/dev/zero of="{folder}/filler" bs=4k 2>/dev/null; true)'
    result = play_plain(
        "--story",
        str(MINI),
        "--role",
        "alice",
        "--saves-dir",
        str(folder),
        stdin=TO_THE_END,
        wrap=in_tmpfs(folder, "size=64k", then=fill),
    )
    assert_played_on(result, "No space left on device")


def _no_file_may_grow() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then write() fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_plain_mode_plays_on_when_no_byte_can_be_written(tmp_path: Path) -> None:
    # the same without privileges: a file size limit of 0 makes every write fail
    result = play_plain(
        "--story",
        str(MINI),
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin=TO_THE_END,
        preexec=_no_file_may_grow,
    )
    assert_played_on(result, "File too large")
    assert [p.name for p in tmp_path.iterdir()] == []  # no temp file left behind


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("mkstemp", errno.EROFS),
        ("mkstemp", errno.EACCES),
        ("fsync", errno.ENOSPC),
        ("fsync", errno.EDQUOT),
        ("replace", errno.EIO),
    ],
)
def test_a_failed_autosave_is_a_notice_and_the_game_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: int
) -> None:
    story = load_story(MINI)
    saves.write(tmp_path, "autosave", story, engine.new_game(story, "bob"))
    before = (tmp_path / "autosave.json").read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    target = {"mkstemp": tempfile, "fsync": os, "replace": os}[where]
    monkeypatch.setattr(target, where, fail)
    out, err = io.StringIO(), io.StringIO()
    game = PlainGame(story, tmp_path, stdin=io.StringIO(TO_THE_END), stdout=out, stderr=err)
    assert game.run(role="alice") == 0
    assert "THE END: Good" in out.getvalue()
    assert err.getvalue().count("Notice: could not save") == 1  # said once, not after every choice
    assert os.strerror(error) in err.getvalue()
    monkeypatch.undo()
    assert (tmp_path / "autosave.json").read_bytes() == before  # the old save is unharmed
    assert [p.name for p in tmp_path.iterdir()] == ["autosave.json"]


def test_saving_to_a_folder_that_cannot_exist_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = play_plain(
        "--story",
        str(MINI),
        "--role",
        "alice",
        "--saves-dir",
        str(blocker / "saves"),
        stdin="s mine\n" + TO_THE_END,
    )
    assert result.returncode == 0
    assert "Not saved: could not save to" in result.stdout
    assert "Not a directory" in result.stdout
    assert "THE END" in result.stdout


# -- an unreadable story file ------------------------------------------------------------


def test_an_unreadable_story_file_is_a_problem_with_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    # /proc/self/mem is a regular file whose first page no process can read (EIO), even
    # root, which chmod 000 cannot stop
    (folder / "scenes.toml").unlink()
    (folder / "scenes.toml").symlink_to("/proc/self/mem")
    story, problems = check_story(folder)
    assert story is None
    assert [(p.path, p.line) for p in problems] == [(f"{folder}/scenes.toml", 1)]
    assert "cannot read this file (Input/output error)" in problems[0].message
    result = play_plain("--story", str(folder), "--saves-dir", str(tmp_path), stdin="1\n")
    assert result.returncode == 1
    assert f"{folder}/scenes.toml:1: cannot read this file" in result.stderr


def test_a_story_file_without_read_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    target = folder / "endings.toml"
    if os.geteuid() != 0:
        target.chmod(0)
    else:  # root reads anything: make this one file refuse
        original = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self == target:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    story, problems = check_story(folder)
    target.chmod(0o644)
    assert story is None
    assert [str(p) for p in problems] == [
        f"{target}:1: cannot read this file (Permission denied); check its permissions"
    ]


# -- a story folder replaced while playing ---------------------------------------------


class Player:
    """`mar-a-lago play --plain` in a subprocess, answered one prompt at a time."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "game", "play", "--plain", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        self.out = b""
        self.err = b""
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, "out"), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, "err"), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _pump(self, stream: io.BufferedReader, name: str) -> None:
        while chunk := stream.read1(65536):
            setattr(self, name, getattr(self, name) + chunk)

    def wait_for(self, text: str, count: int = 1, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while self.out.decode(errors="replace").count(text) < count:
            assert self.proc.poll() is None, self.out.decode()[-2000:] + self.err.decode()
            assert time.monotonic() < end, f"no {text!r} in time:\n{self.out.decode()[-2000:]}"
            time.sleep(0.01)

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def finish(self) -> tuple[int, str, str]:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        for reader in self._readers:
            reader.join(timeout=10)
        return code, self.out.decode(), self.err.decode()


@pytest.mark.parametrize("replacement", ["removed", "garbage", "another-story"])
def test_plain_mode_keeps_the_loaded_story_when_its_folder_is_replaced(
    tmp_path: Path, replacement: str
) -> None:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    saves_dir = tmp_path / "saves"
    player = Player("--story", str(folder), "--role", "alice", "--saves-dir", str(saves_dir))
    player.wait_for("Choice (")
    shutil.rmtree(folder)
    if replacement == "garbage":
        folder.mkdir()
        (folder / "story.toml").write_bytes(b"[story\n\xff\xfe not toml")
    elif replacement == "another-story":
        shutil.copytree(ROOT / "story", folder)
    player.say("1")  # warm
    player.wait_for("Choice (", 2)
    player.say("s mid")
    player.wait_for("Saved to slot 'mid'")
    player.say("2")  # wait
    code, out, err = player.finish()
    assert code == 0, err
    assert "Traceback" not in err
    assert "== THE END: Good ==" in out and "Warmth helped." in out
    story = load_story(MINI)
    assert saves.load(story, saves_dir / "mid.json").state.scene == "yard"
    [autosave] = saves_dir.glob("autosave-*.json")  # the game's own autosave slot
    assert saves.load(story, autosave).state.ending == "good"


async def test_the_tui_plays_on_when_the_watched_folder_is_replaced(tmp_path: Path) -> None:
    pytest.importorskip("game.tui.app")
    from game.tui.app import make_app

    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    app = make_app(load_story(folder), tmp_path / "saves", story_dir=folder, watch=True)
    app.WATCH_INTERVAL = 0.05  # type: ignore[misc]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")  # new game, the first role
        assert app.state is not None and app.state.scene == "hall"
        shutil.rmtree(folder)
        folder.mkdir()
        (folder / "story.toml").write_bytes(b"[story\n")
        await pilot.pause(0.3)  # the watcher sees it, and keeps the last good story
        await pilot.press("1")
        assert app.state.scene == "yard"
        shutil.rmtree(folder)
        await pilot.pause(0.3)
        await pilot.press("2")
        await pilot.pause()
        assert app.state.ending == "good"


# -- a terminal resized to 10x5 ------------------------------------------------------------


async def test_the_tui_survives_a_10x5_terminal(tmp_path: Path) -> None:
    pytest.importorskip("game.tui.app")
    from game.tui.app import make_app

    story = load_story(MINI)
    app = make_app(story, tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.resize_terminal(10, 5)  # the title screen, tiny
        await pilot.pause()
        await pilot.press("enter", "enter")  # new game, the first role
        await pilot.pause()
        assert app.state is not None and app.state.scene == "hall"
        await pilot.press("question_mark")  # help, tiny
        await pilot.pause()
        await pilot.press("escape")
        await pilot.resize_terminal(10, 5)
        await pilot.press("1")  # warm
        await pilot.pause()
        assert app.state.scene == "yard"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.resize_terminal(10, 5)
        await pilot.press("2")  # wait: the ending, tiny
        await pilot.pause()
        assert app.state.ending == "good"
        await pilot.resize_terminal(1, 1)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()


# -- the story cache: faster the second time, never a way to break the game -----------------


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from game.format import cache

    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    monkeypatch.setattr(cache, "MIN_STORY_BYTES", 0)  # cache even the mini story
    return folder


def play_through(story: Story) -> list[GameState]:
    """Every role, always the last open choice, to the end: a fingerprint of the story."""
    states = []
    for role in story.roles:
        state = engine.new_game(story, role)
        while not state.over and (opened := engine.open_choices(story, state)):
            state = engine.choose(story, state, opened[-1])
            states.append(state)
    return states


@pytest.mark.parametrize("folder", [MINI, ROOT / "story"], ids=["mini", "shipped"])
def test_the_cache_gives_back_the_same_story(folder: Path, cache_dir: Path) -> None:
    from game.format import cache

    story, problems = check_story(folder)
    assert story is not None and problems == []
    assert cache.loads(cache.dumps(story)) == story
    first, _ = cache.check_story(folder)  # a miss: loaded, then kept
    again, problems = cache.check_story(folder)  # a hit
    assert problems == []
    assert isinstance(again, Story) and isinstance(again.scenes, cache.LazyScenes)
    assert first == again == story
    assert play_through(again) == play_through(story)
    assert len(list(cache_dir.glob("*.bin"))) == 1


def test_an_edited_story_is_loaded_anew(tmp_path: Path, cache_dir: Path) -> None:
    from game.format import cache

    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    cache.check_story(folder)
    scenes = folder / "scenes.toml"
    scenes.write_text(scenes.read_text().replace('title = "Hall"', 'title = "Great Hall"'))
    story, _ = cache.check_story(folder)
    assert story is not None and story.scenes["hall"].title == "Great Hall"
    scenes.write_text(scenes.read_text().replace('goto = "yard"', 'goto = "nowhere"', 1))
    story, problems = cache.check_story(folder)
    assert story is None and "goto 'nowhere'" in problems[0].message  # problems: never cached
    assert len(list(cache_dir.glob("*.bin"))) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "foreign", "world-writable"])
def test_a_damaged_or_foreign_cache_entry_is_a_miss(cache_dir: Path, damage: str) -> None:
    from game.format import cache

    cache.check_story(MINI)
    (entry,) = cache_dir.glob("*.bin")
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        entry.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "foreign":
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(entry, os.getuid() + 1, -1)
    else:
        entry.chmod(0o666)
    story, problems = cache.check_story(MINI)
    assert story == load_story(MINI) and problems == []
    # loaded from the files (a read-only map made by the loader), not from the entry
    assert isinstance(story.scenes, FrozenMap) and not isinstance(story.scenes, cache.LazyScenes)
    assert entry.stat().st_uid == os.getuid() and entry.stat().st_mode & 0o077 == 0  # replaced


def test_a_cache_that_cannot_be_written_is_no_cache(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.format import cache

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "mkstemp", full)
    assert cache.check_story(MINI) == check_story(MINI)
    assert list(cache_dir.iterdir()) == []  # no entry, no temp file
    monkeypatch.setenv(cache.CACHE_ENV, "/proc/no/such/folder")
    assert cache.check_story(MINI) == check_story(MINI)


def test_the_cache_can_be_off_and_skips_small_stories(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.format import cache

    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.check_story(MINI) == check_story(MINI)
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_dir))
    monkeypatch.setattr(cache, "MIN_STORY_BYTES", 10**9)
    assert cache.check_story(MINI) == check_story(MINI)
    assert not cache_dir.exists()


def test_the_cache_keeps_the_newest_entries(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.format import cache

    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    for i in range(5):
        (folder / "story.toml").write_text((MINI / "story.toml").read_text() + f"# {i}\n")
        cache.check_story(folder)
    assert len(list(cache_dir.glob("*.bin"))) == 3
    story, _ = cache.check_story(folder)  # the newest is still there
    assert story is not None and isinstance(story.scenes, cache.LazyScenes)
