"""A duo game in two browser tabs: a real `mar-a-lago serve` of the duo fixture, and two
websocket clients speaking textual-serve's protocol (as the page's script does). One tab
makes a room with "Play with a partner", the other types its code; they play to an
ending, one key at a time."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.format.loader import load_story
from game.persist import saves
from support import FIXTURES, ROOT

aiohttp = pytest.importorskip("aiohttp")

DUO = FIXTURES / "duo"
START_TIMEOUT = 30.0
STEP_TIMEOUT = 30.0
ENTER, DOWN, SHIFT_TAB, BACKSPACE = "\r", "\x1b[B", "\x1b[Z", "\x7f"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, Path]]:
    root = tmp_path_factory.mktemp("duo-serve")
    saves_dir, log = root / "saves", root / "serve.log"
    port = free_port()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "game", "serve", "--port", str(port)),
                *("--story", str(DUO), "--saves-dir", str(saves_dir)),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1.0).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer:\n{log.read_text()}")
                time.sleep(0.1)
        yield port, saves_dir, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class Tab:
    """One browser tab: a websocket to the server, the bytes the game drew so far."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.screen = b""
        self.wide = False  # toggled to force a whole redraw (see shows)
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.screen += message.data.encode()

    async def keys(self, *keys: str) -> None:
        for key in keys:
            await self.ws.send_json(["stdin", key])
            await asyncio.sleep(0.15)

    async def shows(self, text: bytes, since: int = 0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STEP_TIMEOUT
        redraw = loop.time() + 5
        while text not in self.screen[since:]:
            if loop.time() > deadline:
                raise AssertionError(f"the tab never showed {text!r}")
            if loop.time() > redraw:
                # On a busy machine a screen may arrive as small updates that split the
                # text; a resize (as a browser sends) makes the app draw it whole again.
                self.wide = not self.wide
                size = {"width": 101 if self.wide else 100, "height": 32}
                await self.ws.send_json(["resize", size])
                redraw = loop.time() + 5
            await asyncio.sleep(0.05)


async def until(check, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + STEP_TIMEOUT
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def rooms(saves_dir: Path) -> list[str]:
    path = saves_dir / "class.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT code FROM rooms")]


def seats(saves_dir: Path, room: str) -> set[str]:
    with sqlite3.connect(saves_dir / "class.sqlite3") as db:
        rows = db.execute("SELECT role FROM seats WHERE room = ? AND left_at IS NULL", (room,))
        return {row[0] for row in rows}


def moves(saves_dir: Path, room: str) -> int:
    with sqlite3.connect(saves_dir / "class.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM moves WHERE room = ?", (room,)).fetchone()[0])


def test_two_tabs_play_one_duo_game(server):
    port, saves_dir, log = server

    async def scenario() -> str:
        timeout = aiohttp.ClientTimeout(total=180)
        url = f"ws://127.0.0.1:{port}/ws?width=100&height=32"
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.ws_connect(url) as ws_a,
            http.ws_connect(url) as ws_b,
        ):
            a, b = Tab(ws_a), Tab(ws_b)
            for tab in (a, b):
                await tab.ws.send_json(["resize", {"width": 100, "height": 32}])
            for tab, name in ((a, "Ana"), (b, "Bo")):  # a served game asks who plays first
                await tab.shows(b"Your name")
                await tab.keys(*name, ENTER, ENTER, ENTER)
            await a.shows(b"Play with a partner")  # the title offers it for a duo story
            await b.shows(b"Play with a partner")
            await a.keys("p")
            await a.shows(b"Whichever side is free")
            await a.keys(ENTER)  # the first side: the host; the fresh code is the room's
            await until(lambda: bool(rooms(saves_dir)), "the room")
            (room,) = rooms(saves_dir)
            await until(lambda: seats(saves_dir, room) == {"host"}, "the host's seat")
            await a.shows(b"Round 1 of 3")
            await b.keys("p")
            await b.shows(b"Whichever side is free")
            await b.keys(SHIFT_TAB, *([BACKSPACE] * 8), *room, ENTER, DOWN, DOWN, ENTER)
            await until(lambda: seats(saves_dir, room) == {"host", "guest"}, "both seats")
            mark = len(a.screen)
            await a.keys("1")  # warm
            await a.shows(b"Waiting for Adviser to the Guest", since=mark)
            await b.shows(b"Round 1 of 3")
            await b.keys("1")  # offer
            await until(lambda: moves(saves_dir, room) == 2, "round 1")
            await a.shows(b"Adviser to the Guest: Offer talks.", since=mark)
            for number in (2, 3):  # a key counts once its tab shows the round
                for tab in (a, b):
                    await tab.shows(f"Round {number} of 3".encode())
                    await tab.keys("1")
                await until(lambda n=number: moves(saves_dir, room) == 2 * n, f"round {number}")
            await a.shows(b"The end: Deal")
            await b.shows(b"The end: Deal")
            return room

    room = asyncio.run(scenario())
    story = load_story(DUO)
    host = saves.load(story, saves_dir / f"duo-{room}-host.json")
    guest = saves.load(story, saves_dir / f"duo-{room}-guest.json")
    assert host.duo is not None and host.duo == guest.duo
    assert host.duo.ending == "deal", log.read_text()
    assert "Duo summit (Adviser to the Host and Adviser to the Guest)" in log.read_text()
