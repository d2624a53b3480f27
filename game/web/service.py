"""One browser tab's game: textual-serve's AppService, made to end and to be quiet.

- The game process comes from the server's launchers (a zygote fork, or a new process).
- `stop()` asks the game to quit, and ends it (SIGTERM, then SIGKILL) when it does not
  within a few seconds: a tab that has gone never leaves its game running.
- A terminal size is clamped (`guard.clamp_size`) however it comes.
- What the game writes on stderr is kept (its last lines), not copied to the teacher's
  console: a game that ends badly is one line there, `on_end(service, code, last_line)`;
  an event line (a save that could not be written) is `on_event(service, kind, text)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from game.web.guard import clamp_size
from game.web.pool import GameProcess, Launchers
from game.web.zygote import parse_event

log = logging.getLogger("mar-a-lago.serve")

#: seconds a game has to quit when asked, then to end when told (SIGTERM)
QUIT_WAIT = 3.0
TERM_WAIT = 2.0
#: how much of a game's stderr is kept (its end says why it stopped)
STDERR_KEPT = 16 * 1024


class GameService(AppService):
    def __init__(
        self,
        launchers: Launchers,
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[Any]],
        download_manager: DownloadManager,
        on_end: Callable[[GameService, int | None, str], None] | None = None,
        on_event: Callable[[GameService, str, str], None] | None = None,
    ) -> None:
        super().__init__(
            "",
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.launchers = launchers
        self.on_end = on_end
        self.on_event = on_event
        self.game: GameProcess | None = None
        self.stderr_tail = b""
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self.game.pid if self.game is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        """A game started ahead (then told this tab's size), or a new one at it."""
        width, height = clamp_size(width, height)
        game = self.launchers.take_ready()
        ready = game is not None
        if game is None:
            game = await self.launchers.start(width, height)
        assert game.stdin is not None
        self.game = game
        self._process = game  # type: ignore[assignment]  # the streams AppService reads
        self._stdin = game.stdin
        if ready:
            await self.set_terminal_size(width, height)
        return game

    async def set_terminal_size(self, width: int, height: int) -> None:
        width, height = clamp_size(width, height)
        await super().set_terminal_size(width, height)

    async def stop(self) -> None:
        """Ask the game to quit; end it if it has not within QUIT_WAIT + TERM_WAIT s."""
        if self._stopping:
            return
        self._stopping = True
        game, task = self.game, self._task
        if task is not None:
            with contextlib.suppress(Exception):
                await self._download_manager.cancel_app_downloads(
                    app_service_id=self.app_service_id
                )
            if self._stdin is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.send_meta({"type": "quit"}), 1.0)
        if game is not None:
            await self._end(game)
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), TERM_WAIT)
            except TimeoutError:
                task.cancel()
            self._task = None

    @staticmethod
    async def _end(game: GameProcess) -> None:
        for wait, act in ((QUIT_WAIT, game.terminate), (TERM_WAIT, game.kill)):
            try:
                await asyncio.wait_for(game.wait(), wait)
                return
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError, OSError):
                    act()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(game.wait(), TERM_WAIT)

    async def run(self) -> None:
        """AppService.run: relay the game's packets to the browser; keep its stderr."""
        game = self.game
        assert game is not None and game.stdout is not None and game.stderr is not None
        stdout, stderr = game.stdout, game.stderr
        kept = io.BytesIO()

        async def read_stderr() -> None:
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                partial = b""
                while data := await stderr.read(4096):
                    *lines, partial = (partial + data).split(b"\n")
                    for line in lines:
                        self._stderr_line(line, kept)
                    if len(partial) > STDERR_KEPT:  # no line end: keep the end of it
                        partial = partial[-STDERR_KEPT:]
                if partial:
                    self._stderr_line(partial, kept)

        stderr_task = asyncio.create_task(read_stderr())
        try:
            for _ in range(10):  # the prelude says the game started
                line = await stdout.readline()
                if not line or line == b"__GANGLION__\n":
                    break
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == b"D":
                    await self.on_data(payload)
                elif kind == b"M":
                    await self.on_meta(payload)
                elif kind == b"P":
                    await self.on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        except Exception as exc:  # a broken packet: end this game, not the server
            log.debug("game %s: %r", game.pid, exc)
        finally:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(stderr_task, 1.0)
            stderr_task.cancel()
        self.stderr_tail = kept.getvalue()[-STDERR_KEPT:]
        code = None
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            code = await asyncio.wait_for(game.wait(), QUIT_WAIT)
        if self.on_end is not None:
            self.on_end(self, code, last_line(self.stderr_tail))

    def _stderr_line(self, line: bytes, kept: io.BytesIO) -> None:
        """An event for the console (`zygote.event_line`), or a line kept for the end."""
        event = parse_event(line)
        if event is not None:
            if self.on_event is not None:
                self.on_event(self, *event)
            return
        kept.write(line + b"\n")
        if kept.tell() > 2 * STDERR_KEPT:
            tail = kept.getvalue()[-STDERR_KEPT:]
            kept.seek(0)
            kept.truncate()
            kept.write(tail)


def last_line(data: bytes) -> str:
    """The last non-empty line of a game's stderr (a traceback's is the error)."""
    for line in reversed(data.decode("utf-8", "replace").splitlines()):
        if line.strip():
            return line.strip()[:300]
    return ""
