"""`mar-a-lago serve`: the game in web browsers through textual-serve."""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.cli.serve import run_serve
from game.web.server import WARNING, game_command, public_url
from support import MINI, ROOT

START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def fetch(url: str, timeout: float = 2.0) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8", "replace")


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int, log: Path, saves: Path) -> None:
        self.proc, self.port, self.log, self.saves = proc, port, log, saves
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real server on a free port, stopped (and waited for) at the end."""
    root = tmp_path_factory.mktemp("serve")
    saves_dir, log = root / "saves", root / "serve.log"
    port = free_port()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "game",
                "serve",
                "--port",
                str(port),
                "--story",
                str(MINI),
                "--saves-dir",
                str(saves_dir),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
    server = Served(proc, port, log, saves_dir)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}:\n{server.output()}")
            try:
                fetch(server.url + "/", timeout=1.0)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer in {START_TIMEOUT} s:\n{server.output()}")
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_serve_answers_with_the_page_that_loads_the_app(served):
    status, page = fetch(served.url + "/")
    assert status == 200
    assert f'src="{served.url}/static/js/textual.js"' in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    assert "Mini" in page  # the story's title names the page


def test_serve_serves_the_terminal_script(served):
    status, script = fetch(served.url + "/static/js/textual.js")
    assert status == 200
    assert len(script) > 10_000


def test_serve_prints_the_url_the_saves_folder_and_the_warning(served):
    out = served.output()
    assert f"Students open: {served.url}" in out
    assert f"Each game saves to its own slot in: {served.saves.resolve()}" in out
    assert WARNING in out
    assert served.saves.is_dir()


def test_a_browser_connection_starts_a_game_of_its_own(served):
    """Through the websocket, as the page's script does: the game draws its screen."""
    if importlib.util.find_spec("game.tui.app") is None:
        pytest.skip("the TUI (game.tui.app) is not there yet")
    import asyncio

    import aiohttp

    async def first_screen() -> bytes:
        screen = b""
        timeout = aiohttp.ClientTimeout(total=30)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=100&height=30") as ws,
        ):
            await ws.send_json(["resize", {"width": 100, "height": 30}])
            deadline = asyncio.get_running_loop().time() + 20
            while b"Mini" not in screen and asyncio.get_running_loop().time() < deadline:
                try:
                    message = await ws.receive(timeout=5)
                except TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    screen += message.data
                elif message.type == aiohttp.WSMsgType.TEXT:
                    screen += message.data.encode()
                else:
                    break
        return screen

    # the app's first screen names the story
    assert b"Mini" in asyncio.run(first_screen()), served.output()


# -- without a server -------------------------------------------------------------------


def test_the_game_command_is_quoted_for_the_shell(tmp_path):
    folder = tmp_path / "class 7b's saves"
    story = tmp_path / "my story"
    command = game_command(folder, "alice", story)
    assert shlex.split(command) == [
        sys.executable,
        "-m",
        "game",
        "play",
        "--autosave-slot",
        "unique",
        "--served",
        "--saves-dir",
        str(folder.resolve()),
        "--role",
        "alice",
        "--story",
        str(story.resolve()),
    ]
    assert "--role" not in game_command(folder)
    assert "--story" not in game_command(folder)


def test_the_game_command_plays_in_plain_mode(tmp_path):
    """The command serve runs, plus --plain: it plays and saves to a unique slot."""
    argv = [*shlex.split(game_command(tmp_path, "bob", MINI)), "--plain"]
    result = subprocess.run(argv, input="2\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("game-*.json"))) == 1
    assert "THE END" in result.stdout


def test_public_url():
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8000) == "http://[::1]:8000"
    url = public_url("0.0.0.0", 8123)
    assert url.startswith("http://") and url.endswith(":8123") and "0.0.0.0" not in url


def serve_args(**changes: object) -> argparse.Namespace:
    args = argparse.Namespace(
        host="127.0.0.1", port=free_port(), role=None, story=MINI, saves_dir=None
    )
    for key, value in changes.items():
        setattr(args, key, value)
    return args


def test_serve_refuses_a_broken_story_before_serving(tmp_path, capsys):
    (tmp_path / "story.toml").write_text("[story]\nid = 'x'\n")
    assert run_serve(serve_args(story=tmp_path)) == 1
    err = capsys.readouterr().err
    assert "cannot be played" in err


def test_serve_refuses_an_unknown_role(tmp_path, capsys):
    assert run_serve(serve_args(role="carol", saves_dir=tmp_path)) == 2
    assert "no role 'carol'" in capsys.readouterr().err


def test_serve_on_a_port_in_use_says_so(tmp_path, capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "game",
                "serve",
                "--port",
                str(port),
                "--story",
                str(MINI),
                "--saves-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
    assert result.returncode == 1
    assert "is the port in use?" in result.stderr
    assert "Traceback" not in result.stderr
