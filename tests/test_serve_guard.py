"""`mar-a-lago serve` under attack and fault, through a real server and real websockets.

A huge terminal asked for in the /ws query and in a resize; a page of another site
opening a game; more tabs than the server takes; a tab that goes (or a game that
hangs); a saves folder that cannot be written, at start and later; a game over its
memory cap. Each test starts the real command and talks to it as the page's script
does (aiohttp, textual-serve's protocol).
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from game.web import guard
from support import MINI, ROOT

START_TIMEOUT = 30.0
#: what a served game's first screen shows: the title menu, or the dialog asking a name
MARKERS = ("New game", "Your name")
ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=$!]*[ -/]*[@-~]|\x1b[P^_X][^\x1b]*\x1b\\|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|\x1b[ -/]*[0-~]"
)


def visible(output: bytes) -> str:
    return ESCAPES.sub(b"", output).decode("utf-8", "replace")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def children_of(pid: int, deep: bool = True) -> list[int]:
    """Every process under `pid` (or its children only)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            parents.setdefault(parent, []).append(int(entry))
    found, todo = [], list(parents.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += parents.get(child, []) if deep else []
    return found


def status(pid: int, field: str) -> int:
    """A /proc/PID/status field in kB (VmRSS, VmHWM...); 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Served:
    """A real `mar-a-lago serve` on a free port."""

    def __init__(self, tmp: Path, *args: str, preexec=None, wrap: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.saves = tmp / "saves"
        argv = [*wrap, sys.executable, "-m", "game", "serve", "--port", str(self.port)]
        argv += ["--story", str(MINI), "--role", "alice", "--saves-dir", str(self.saves)]
        argv += args  # (no game started ahead unless asked: tests/conftest.py)
        # through a pipe (a file limit the server runs under would cut a log file short)
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, preexec_fn=preexec
        )
        self._lines: list[bytes] = []
        threading.Thread(target=self._collect, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}/ws"

    def wait_ready(self) -> Served:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"serve exited with {self.proc.returncode}:\n{self.output()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer:\n{self.output()}")
                time.sleep(0.1)

    def _collect(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.append(line)

    def output(self) -> str:
        return b"".join(self._lines).decode(errors="replace")

    def games(self) -> list[int]:
        """The game processes (under the zygote, or under the server without one)."""
        zygotes = [p for p in children_of(self.proc.pid, deep=False) if "--fd" in _cmdline(p)]
        return [p for p in children_of(self.proc.pid) if p not in zygotes]

    def stop(self) -> None:
        if self.proc.poll() is None:  # (SIGINT is ignored by a background process)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as raw:
            return raw.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    started: list[Served] = []

    def start(*args: str, **options) -> Served:
        server = Served(tmp_path, *args, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("served")).wait_ready()
    yield server
    server.stop()


async def first_screen(ws: aiohttp.ClientWebSocketResponse, timeout: float = 30) -> bytes:
    screen = b""
    deadline = time.monotonic() + timeout
    while not any(marker in visible(screen[-32768:]) for marker in MARKERS):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no first screen: {visible(screen)[-500:]!r}")
        message = await ws.receive(timeout=remaining)
        if message.type == aiohttp.WSMsgType.BINARY:
            screen += message.data
        elif message.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"closed before the first screen: {message}")
    return screen


def run(coroutine):
    return asyncio.run(coroutine)


def wait_until(test, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


# -- terminal sizes ----------------------------------------------------------------------


def test_sizes_are_clamped():
    assert guard.clamp_size(20000, 10000) == guard.MAX_SIZE
    assert guard.clamp_size("20000", "10000") == guard.MAX_SIZE
    assert guard.clamp_size(-5, 0) == guard.MIN_SIZE
    assert guard.clamp_size("1e9", None) == guard.DEFAULT_SIZE
    assert guard.clamp_size(True, 3.5) == (80, 24)
    assert guard.clamp_size(100.0, "30") == (100, 30)
    assert guard.clamp_size({"x": 1}, [2]) == guard.DEFAULT_SIZE


def test_a_huge_terminal_asked_for_leaves_the_game_small(shared):
    """20000x10000 in the query and in a resize took a game to 1.5 GB; now the game
    draws at most 500x200 and stays small, and ends when its tab closes."""

    async def huge() -> int:
        async with aiohttp.ClientSession() as session:
            url = f"{shared.ws}?width=20000&height=10000"
            async with session.ws_connect(url) as ws:
                await first_screen(ws)
                before = set(shared.games())
                await ws.send_json(["resize", {"width": 20000, "height": 10000}])
                await ws.send_json(["resize", {"width": "x", "height": -1}])
                await ws.send_str("not json")
                await ws.send_json(["resize", {"width": 20000, "height": 10000}])
                await asyncio.sleep(3)
                (game,) = before
                assert status(game, "VmHWM") < 300_000, status(game, "VmHWM")  # kB
                return game

    game = run(huge())
    wait_until(lambda: not status(game, "VmRSS"), what="the game to end with its tab")
    assert "Traceback" not in shared.output()


# -- origins ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),
        ("http://127.0.0.1:{port}", True),
        ("http://localhost:{port}", False),  # asked for as 127.0.0.1: another origin
        ("http://evil.example", False),
        ("http://127.0.0.1:{port}.evil.example", False),
        ("null", False),
        ("http://127.0.0.1:1", False),
    ],
)
def test_origins(origin, allowed):
    port = 8000
    given = origin.format(port=port) if origin else None
    public = f"http://192.168.1.20:{port}"
    assert guard.origin_allowed(given, f"127.0.0.1:{port}", "http", public) is allowed
    assert guard.origin_allowed(public, f"127.0.0.1:{port}", "http", public)


def test_a_page_of_another_site_cannot_start_a_game(shared):
    async def attempt(origin: str) -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(shared.ws, headers={"Origin": origin}) as ws:
                    await first_screen(ws)
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    games = set(shared.games())
    assert run(attempt("http://evil.example")) == 403
    assert run(attempt("https://attacker.test:8443")) == 403
    assert set(shared.games()) == games  # no game was started for them
    assert "Refused a game asked for by a page of another site" in shared.output()
    # the page the server served itself opens its game
    assert run(attempt(f"http://127.0.0.1:{shared.port}")) == 101


# -- how many games ---------------------------------------------------------------------


def test_a_full_class_says_so_and_takes_the_next_tab_when_one_leaves(serve):
    server = serve("--max-games", "2").wait_ready()

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            one = await session.ws_connect(server.ws)
            two = await session.ws_connect(server.ws)
            await first_screen(one)
            await first_screen(two)
            async with session.get(server.url + "/") as page:
                assert page.status == 503
                assert "The class is full: 2 games" in await page.text()
            three = await session.ws_connect(server.ws)
            message = await three.receive(timeout=10)
            assert b"The class is full" in message.data
            assert (await three.receive(timeout=10)).type == aiohttp.WSMsgType.CLOSE
            await one.close()
            for _ in range(100):
                async with session.get(server.url + "/") as page:
                    if page.status == 200:
                        break
                await asyncio.sleep(0.1)
            four = await session.ws_connect(server.ws)
            await first_screen(four)
            await two.close()
            await four.close()

    run(scenario())
    assert "Traceback" not in server.output()


# -- a tab that goes --------------------------------------------------------------------


def test_a_tab_gone_ends_its_game_even_a_hung_one(shared):
    async def open_and_drop(hang: bool) -> int:
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(shared.ws)
        await first_screen(ws)
        (game,) = shared.games()
        if hang:
            os.kill(game, signal.SIGSTOP)  # a game that no longer answers
        ws._response.connection.transport.abort()  # the tab is gone, no goodbye
        await session.close()
        return game

    for hang in (False, True):
        started = time.monotonic()
        game = run(open_and_drop(hang))
        wait_until(lambda g=game: not status(g, "VmRSS"), what=f"hung={hang}: the game to end")
        assert time.monotonic() - started < 15
    wait_until(lambda: not shared.games(), what="no game left")


# -- games started ahead ----------------------------------------------------------------


def test_games_started_ahead_take_the_first_tabs_and_are_made_again(serve):
    server = serve("--ready-games", "2").wait_ready()
    wait_until(lambda: len(server.games()) == 2, what="two games started ahead")
    ahead = set(server.games())

    async def tab() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"{server.ws}?width=60&height=20") as ws:
                started = time.monotonic()
                await first_screen(ws)
                assert time.monotonic() - started < 5
                now = set(server.games())
                assert now <= ahead and len(now) == 2  # a waiting game took the tab
                await ws.send_json(["stdin", "Ana\r"])
                await asyncio.sleep(0.5)
                wait_until(lambda: len(server.games()) == 3, what="one more started ahead")
            wait_until(lambda: len(server.games()) == 2, what="the tab's game ended")

    run(tab())
    waiting = server.games()
    server.stop()
    assert not any(status(pid, "VmRSS") for pid in waiting)  # none outlives the server
    assert "Traceback" not in server.output()


# -- the saves folder -------------------------------------------------------------------


def _no_file_may_grow() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _unshare_works() -> bool:
    try:
        result = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


@pytest.mark.parametrize("how", ["no byte can be written", "through a file", "too long"])
def test_serve_refuses_to_start_without_a_writable_saves_folder(tmp_path, how):
    folder, preexec = tmp_path / "saves", None
    if how == "no byte can be written":
        folder.mkdir()
        preexec = _no_file_may_grow
    elif how == "through a file":
        (tmp_path / "file").write_text("x")
        folder = tmp_path / "file" / "saves"
    else:
        folder = Path("/tmp/" + "/".join(["d" * 200] * 25))
    result = subprocess.run(
        [sys.executable, "-m", "game", "serve", "--port", str(free_port()),
         "--story", str(MINI), "--saves-dir", str(folder)],
        capture_output=True, text=True, timeout=60, cwd=ROOT, preexec_fn=preexec,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Cannot save games in" in result.stderr
    assert "the server was not started" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Students open" not in result.stdout


@pytest.mark.skipif(not _unshare_works(), reason="needs `unshare -m` for a read-only tmpfs")
def test_serve_refuses_a_read_only_saves_folder(tmp_path):
    folder = tmp_path / "saves"
    folder.mkdir()
    script = f'mount -t tmpfs -o ro,size=64k tmpfs "{folder}" && exec "$@"'
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
         sys.executable, "-m", "game", "serve", "--port", str(free_port()),
         "--story", str(MINI), "--saves-dir", str(folder)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Read-only file system" in result.stderr
    assert "the server was not started" in result.stderr


def test_every_failed_save_is_on_the_teacher_s_console(serve):
    """The folder takes the start's test write (a few bytes) but no save: each game's
    failed autosave is said in the terminal running `serve`, not only in the browser."""

    def small_files_only() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    server = serve(preexec=small_files_only).wait_ready()

    async def play() -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(server.ws) as ws:
            await first_screen(ws)
            # a name; no team; no code: play; New game (the role is fixed); a choice
            for keys in ("Ana\r", "\r", "\r", "\r", "1", "1"):
                await ws.send_json(["stdin", keys])
                await asyncio.sleep(1.0)

    run(play())
    wait_until(lambda: "A game could not save" in server.output(), what=server.output())
    assert "File too large" in server.output()
    assert "Traceback" not in server.output()


# -- memory -----------------------------------------------------------------------------


def test_each_game_has_a_memory_ceiling(serve):
    server = serve("--game-memory", "700").wait_ready()

    async def game_limit() -> str:
        async with aiohttp.ClientSession() as session, session.ws_connect(server.ws) as ws:
            await first_screen(ws)
            (game,) = server.games()
            with open(f"/proc/{game}/limits") as limits:
                return next(line for line in limits if line.startswith("Max address space"))

    line = run(game_limit())
    assert line.split()[3:5] == [str(700 * 1024 * 1024)] * 2
    assert "each with up to 700 MB of memory" in server.output()


def test_a_game_over_its_ceiling_stops_alone():
    """In a forked child, the cap turns an allocation past it into MemoryError."""
    code = (
        "import os, sys\n"
        "from game.web.zygote import set_memory_ceiling\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    set_memory_ceiling(300)\n"
        "    try:\n"
        "        b = bytearray(600 * 1024 * 1024)\n"
        "    except MemoryError:\n"
        "        os._exit(7)\n"
        "    os._exit(0)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "sys.exit(os.waitstatus_to_exitcode(status))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert result.returncode == 7


@pytest.mark.parametrize(
    "host, allowed",
    [
        ("127.0.0.1:8000", True),
        ("[::1]:8000", True),
        ("192.168.1.5:8000", True),
        ("localhost:8000", True),
        ("LOCALHOST", True),
        ("class.localhost:8000", True),
        ("teacher-laptop.school.example:8000", True),  # allowed by name (below)
        ("evil.example:8000", False),
        ("evil.example.:8000", False),
        ("127.0.0.1.evil.example", False),
        (None, True),  # no Host: not a browser
    ],
)
def test_hosts(host, allowed):
    names = guard.own_names("http://192.168.1.5:8000", ["Teacher-Laptop.school.example"])
    assert guard.host_allowed(host, names) is allowed


def test_a_page_under_a_name_of_its_own_cannot_reach_the_server(serve):
    """DNS rebinding: a page of evil.example points its name at this machine; its
    requests then say `Host: evil.example` (and its websocket the same `Origin`). The
    server answers only to its addresses, its own names and those given with
    --allow-host; it says so on the console, once."""
    server = serve("--allow-host", "class-laptop.example").wait_ready()

    async def scenario() -> dict[str, int]:
        statuses: dict[str, int] = {}
        async with aiohttp.ClientSession() as session:
            for name in ("evil.example", "class-laptop.example", f"127.0.0.1:{server.port}"):
                async with session.get(server.url + "/", headers={"Host": name}) as page:
                    statuses[name] = page.status
                    if page.status == 421:
                        assert "does not answer to the name" in await page.text()
            try:
                headers = {"Host": "evil.example", "Origin": "http://evil.example"}
                async with session.ws_connect(server.ws, headers=headers):
                    statuses["ws"] = 101
            except aiohttp.WSServerHandshakeError as refused:
                statuses["ws"] = refused.status
        return statuses

    statuses = run(scenario())
    assert statuses == {
        "evil.example": 421,
        "class-laptop.example": 200,
        f"127.0.0.1:{server.port}": 200,
        "ws": 421,
    }
    assert server.games() == []
    wait_until(lambda: "--allow-host evil.example" in server.output(), what="the console line")
    assert server.output().count("Refused a request for the name 'evil.example'") == 1
