"""Where a browser tab's game process comes from.

- `ZygoteLauncher` (POSIX): asks the zygote (`zygote.py`), a process that has imported
  the game and loaded the story already, to fork one. A tab sees its first screen in
  a fraction of a cold start, and the games share the zygote's memory.
- `ExecLauncher`: starts `python -m game play ...` afresh per tab, as textual-serve does
  (Windows, or when the zygote cannot start or dies: `Launchers` falls back to it).

Either way a game process has `stdin`, `stdout`, `stderr` streams, `pid`, `terminate()`,
`kill()` and `wait()`, and its address space is capped at `memory_mb` (RLIMIT_AS).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from typing import Any, Protocol

from game.web import zygote

#: what a game gets besides its size: textual-serve's environment for the web driver
WEB_ENVIRONMENT = {
    "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
    "TEXTUAL_FPS": "60",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
    "TERM_PROGRAM": "textual",
}
#: seconds the zygote may take to start before games are started afresh instead
ZYGOTE_START = 30.0


class LauncherError(Exception):
    """No game process could be had this way."""


class GameProcess(Protocol):
    pid: int
    stdin: asyncio.StreamWriter | None
    stdout: asyncio.StreamReader | None
    stderr: asyncio.StreamReader | None

    @property
    def returncode(self) -> int | None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...

    async def wait(self) -> int: ...


def web_environment(width: int = 80, height: int = 24) -> dict[str, str]:
    environment = {**os.environ, **WEB_ENVIRONMENT}
    with contextlib.suppress(Exception):
        environment["TERM_PROGRAM_VERSION"] = version("textual-serve")
    environment["COLUMNS"], environment["ROWS"] = str(width), str(height)
    # fewer malloc arenas: less address space reserved, so the memory cap means memory
    environment.setdefault("MALLOC_ARENA_MAX", "2")
    return environment


class ExecLauncher:
    """A new Python process per game: `argv` (the `play` command)."""

    description = "a new process per game"

    def __init__(self, argv: list[str], memory_mb: int) -> None:
        self.argv = argv
        self.memory_mb = memory_mb

    async def start(self, width: int, height: int) -> GameProcess:
        cap = None
        if os.name == "posix":

            def cap() -> None:
                zygote.set_memory_ceiling(self.memory_mb)

        try:
            return await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=web_environment(width, height),
                preexec_fn=cap,
            )
        except OSError as exc:
            raise LauncherError(f"cannot start a game ({exc.strerror or exc})") from None

    async def close(self) -> None:
        return None


class ForkedGame:
    """A game the zygote forked: its pipes, and its end as the zygote reports it."""

    def __init__(
        self,
        pid: int,
        launcher: ZygoteLauncher,
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
        ended: asyncio.Future[int],
    ) -> None:
        self.pid = pid
        self.launcher = launcher
        self.stdin: asyncio.StreamWriter | None = stdin
        self.stdout: asyncio.StreamReader | None = stdout
        self.stderr: asyncio.StreamReader | None = stderr
        self._ended = ended

    @property
    def returncode(self) -> int | None:
        return self._ended.result() if self._ended.done() else None

    def terminate(self) -> None:
        self.launcher.signal(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        self.launcher.signal(self.pid, signal.SIGKILL)

    async def wait(self) -> int:
        code = await asyncio.shield(self._ended)
        if self.stdin is not None:
            self.stdin.close()
        return code


class ZygoteLauncher:
    """Games forked by a zygote process: `zygote_argv --fd N --memory-mb M -- play_args`."""

    description = "forked from a process that has loaded the game (a zygote)"

    def __init__(self, zygote_argv: list[str], play_args: list[str], memory_mb: int) -> None:
        self.zygote_argv = zygote_argv
        self.play_args = play_args
        self.memory_mb = memory_mb
        self.process: asyncio.subprocess.Process | None = None
        self._socket: socket.socket | None = None
        self._pending: collections.deque[asyncio.Future[int]] = collections.deque()
        self._ended: dict[int, asyncio.Future[int]] = {}
        #: why the zygote is gone ("" while it runs)
        self.lost = ""

    async def open(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            self.process = await asyncio.create_subprocess_exec(
                *self.zygote_argv,
                "--fd",
                str(theirs.fileno()),
                "--memory-mb",
                str(self.memory_mb),
                "--",
                *self.play_args,
                stdin=asyncio.subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env=web_environment(),
            )
        except OSError as exc:
            ours.close()
            raise LauncherError(f"cannot start the zygote ({exc.strerror or exc})") from None
        finally:
            theirs.close()
        ours.setblocking(False)
        self._socket = ours
        asyncio.get_running_loop().add_reader(ours.fileno(), self._read)

    def _read(self) -> None:
        sock = self._socket
        while sock is not None:
            try:
                message, fds = zygote.receive(sock)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                message, fds = None, []
            for fd in fds:
                os.close(fd)
            if message is None:
                self._lose("the zygote ended")
                return
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        op, pid = message.get("op"), message.get("pid")
        if op == "spawned" and isinstance(pid, int) and self._pending:
            self._ended[pid] = asyncio.get_running_loop().create_future()
            self._set(self._pending.popleft(), pid)
        elif op == "failed" and self._pending:
            future = self._pending.popleft()
            if not future.done():
                future.set_exception(LauncherError(str(message.get("error", "fork failed"))))
        elif op == "exited" and isinstance(pid, int):
            ended = self._ended.pop(pid, None)
            if ended is not None:
                self._set(ended, int(message.get("status", 0)))

    @staticmethod
    def _set(future: asyncio.Future[int], value: int) -> None:
        if not future.done():
            future.set_result(value)

    def _lose(self, why: str) -> None:
        self.lost = self.lost or why
        if self._socket is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._socket.fileno())
            self._socket.close()
            self._socket = None
        while self._pending:
            future = self._pending.popleft()
            if not future.done():
                future.set_exception(LauncherError(self.lost))
        for ended in self._ended.values():  # they die with the zygote (or are ended)
            self._set(ended, -signal.SIGKILL)
        self._ended.clear()

    def signal(self, pid: int, number: int) -> None:
        if self._socket is not None and pid in self._ended:
            with contextlib.suppress(OSError):
                zygote.send(self._socket, {"op": "signal", "pid": pid, "signal": number})

    async def start(self, width: int, height: int) -> GameProcess:
        if self._socket is None:
            raise LauncherError(self.lost or "the zygote is not running")
        loop = asyncio.get_running_loop()
        child_in, stdin_w = os.pipe()
        stdout_r, child_out = os.pipe()
        stderr_r, child_err = os.pipe()
        future: asyncio.Future[int] = loop.create_future()
        try:
            self._pending.append(future)
            message = {"op": "spawn", "columns": width, "rows": height}
            zygote.send(self._socket, message, [child_in, child_out, child_err])
        except OSError as exc:
            self._lose(f"the zygote cannot be reached ({exc.strerror or exc})")
        finally:
            for fd in (child_in, child_out, child_err):
                os.close(fd)
        try:
            pid = await asyncio.wait_for(future, ZYGOTE_START)
        except (LauncherError, TimeoutError) as exc:
            for fd in (stdin_w, stdout_r, stderr_r):
                os.close(fd)
            raise LauncherError(str(exc) or "the zygote did not answer") from None
        stdout = await _reader(stdout_r)
        stderr = await _reader(stderr_r)
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin,
            os.fdopen(stdin_w, "wb", buffering=0),
        )
        stdin = asyncio.StreamWriter(transport, protocol, None, loop)
        return ForkedGame(pid, self, stdin, stdout, stderr, self._ended[pid])

    async def close(self) -> None:
        """End the zygote (and so every game it forked)."""
        self._lose("the server stopped")
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()


async def _reader(fd: int) -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**16, loop=loop)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(fd, "rb", buffering=0)
    )
    return reader


class Launchers:
    """Where games come from: the zygote while it runs, else a new process per game
    (`say` tells the console once when the zygote is lost); and `ready` games started
    ahead, at READY_SIZE, waiting for a tab (`take_ready`). The ready ones are made
    again only when no tab has come for QUIET seconds: never while a class is joining.
    """

    #: the size a game started ahead draws at (a tab then resizes it), and the seconds
    #: without a new tab before more are started ahead
    READY_SIZE = (100, 30)
    QUIET = 2.0

    def __init__(
        self,
        fallback: ExecLauncher,
        zygote_launcher: ZygoteLauncher | None,
        say: Callable[[str], None],
        ready: int = 0,
    ) -> None:
        self.fallback = fallback
        self.zygote = zygote_launcher
        self.say = say
        self.ready = ready
        self._told = False
        self._waiting: collections.deque[GameProcess] = collections.deque()
        self._last_taken = 0.0
        self._filler: asyncio.Task[None] | None = None

    @property
    def description(self) -> str:
        if self.zygote is not None and not self.zygote.lost:
            return self.zygote.description
        return self.fallback.description

    async def open(self) -> None:
        if self.zygote is not None:
            try:
                await self.zygote.open()
            except LauncherError as exc:
                self._fall_back(str(exc))
        if self.ready > 0:
            self._filler = asyncio.create_task(self._fill())

    async def start(self, width: int, height: int) -> GameProcess:
        """A new game at this size, for a tab (the zygote's fork, else a new process)."""
        self._last_taken = time.monotonic()
        return await self._new(width, height)

    async def _new(self, width: int, height: int) -> GameProcess:
        if self.zygote is not None and not self.zygote.lost:
            try:
                return await self.zygote.start(width, height)
            except LauncherError as exc:
                self._fall_back(str(exc))
        return await self.fallback.start(width, height)

    def take_ready(self) -> GameProcess | None:
        """A game started ahead (at READY_SIZE: resize it), or None."""
        self._last_taken = time.monotonic()
        while self._waiting:
            game = self._waiting.popleft()
            if game.returncode is None:
                return game
        return None

    async def _fill(self) -> None:
        """Keep `ready` games waiting, started one at a time when no tab is coming."""
        while True:
            await asyncio.sleep(0.5)
            quiet = time.monotonic() - self._last_taken >= self.QUIET
            if not quiet or len(self._waiting) >= self.ready:
                continue
            try:
                game = await self._new(*self.READY_SIZE)
            except LauncherError:
                await asyncio.sleep(5)
                continue
            self._waiting.append(game)

    def _fall_back(self, why: str) -> None:
        if self.zygote is not None:
            self.zygote.lost = self.zygote.lost or why
        if not self._told:
            self._told = True
            self.say(f"Note: {why}; each game now starts as a new process (slower).")

    async def close(self) -> None:
        if self._filler is not None:
            self._filler.cancel()
        while self._waiting:
            game = self._waiting.popleft()
            with contextlib.suppress(ProcessLookupError, OSError):
                game.kill()
        if self.zygote is not None:
            await self.zygote.close()


def can_fork() -> bool:
    return os.name == "posix" and hasattr(os, "fork") and sys.platform != "emscripten"
