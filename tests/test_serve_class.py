"""`serve` for a class: the page loads nothing from outside the classroom network (the
font is served locally), and the teacher's console is served at a token address printed
only in the teacher's terminal."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from test_serve import START_TIMEOUT, fetch, free_port

from support import MINI, ROOT


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    root = tmp_path_factory.mktemp("serve-class")
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
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve exited:\n{log.read_text()}")
            try:
                fetch(url + "/", timeout=1.0)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer:\n{log.read_text()}")
                time.sleep(0.1)
        yield url, log, saves_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_the_page_loads_nothing_from_outside(served: tuple[str, Path, Path]) -> None:
    url, _, _ = served
    _, page = fetch(url + "/")
    outside = [
        link
        for link in re.findall(r'(?:href|src)="([^"]+)"', page)
        if not link.startswith(url + "/")
    ]
    assert outside == []
    assert "fonts.googleapis.com" not in page
    font = re.search(r'url\("([^"]+RobotoMono-VariableFont_wght\.ttf)"\)', page)
    assert font is not None and font.group(1).startswith(url + "/static/fonts/")
    status, _ = fetch(font.group(1))
    assert status == 200


def teacher_url(log: Path) -> str:
    match = re.search(r"keep this address to yourself\): (\S+)", log.read_text())
    assert match is not None, log.read_text()
    return match.group(1)


def test_the_teacher_console_is_served_at_a_token_address(
    served: tuple[str, Path, Path],
) -> None:
    url, log, _ = served
    address = teacher_url(log)
    assert address.startswith(url + "/teacher/") and len(address) > len(url) + 25
    status, page = fetch(address)
    assert status == 200
    assert f'data-session-websocket-url="ws://127.0.0.1:{url.rsplit(":", 1)[1]}' in page
    assert "/teacher/" in page and "Class console" in page
    with pytest.raises(urllib.error.HTTPError) as wrong:
        fetch(url + "/teacher/guess")
    assert wrong.value.code == 404

    async def console_screen() -> bytes:
        screen = b""
        ws_url = address.replace("http://", "ws://") + "/ws?width=120&height=30"
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=40)) as session,
            session.ws_connect(ws_url) as ws,
        ):
            await ws.send_json(["resize", {"width": 120, "height": 30}])
            deadline = asyncio.get_running_loop().time() + 30
            while b"Endings so far" not in screen:
                if asyncio.get_running_loop().time() > deadline:
                    break
                try:
                    message = await ws.receive(timeout=5)
                except TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    screen += message.data
                elif message.type != aiohttp.WSMsgType.TEXT:
                    break
        return screen

    assert b"Endings so far" in asyncio.run(console_screen()), log.read_text()
