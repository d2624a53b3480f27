"""The zygote: one process that has imported the game and loaded the story, and forks a
game for each browser tab.

Starting Python and importing Textual takes most of a game's start-up, and each game
started from nothing holds its own copy of every module (28 MB of PSS). A fork of a
process that has done it all starts at once and shares those pages with its siblings
(copy on write; `gc.freeze()` keeps the collector from touching them).

The server talks to the zygote over a Unix datagram socket, one JSON message a datagram:

    server -> zygote  {"op": "spawn", "columns": 80, "rows": 24}  + 3 fds (stdin, stdout, stderr)
                      {"op": "signal", "pid": 123, "signal": 15}
    zygote -> server  {"op": "spawned", "pid": 123} | {"op": "failed", "error": "..."}
                      {"op": "exited", "pid": 123, "status": 0}

Only the zygote reaps its children, so a signal is sent only to a game still running
(never to a process that took over the number of one that ended). When the server goes
(its end of the socket closes) the zygote ends every game and itself; on Linux each
game also dies with the zygote (PR_SET_PDEATHSIG), so no game outlives the server.
This module never imports Textual: the zygote's program (`game.cli.served`) prepares
the game and hands `serve` the function a forked child runs.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import selectors
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any, NoReturn

#: one datagram is at most this long (a message is a few dozen bytes)
DATAGRAM = 4096
#: a line of a game's stderr that is a message for the server (then JSON)
EVENT_PREFIX = b"@mar-a-lago-event "


def event_line(kind: str, message: str) -> bytes:
    """A line for a game's stderr that the server reads as an event for its console."""
    return EVENT_PREFIX + json.dumps({"kind": kind, "message": message[:2000]}).encode() + b"\n"


def parse_event(line: bytes) -> tuple[str, str] | None:
    """(kind, message) of an event line; None for any other line."""
    if not line.startswith(EVENT_PREFIX):
        return None
    try:
        data = json.loads(line[len(EVENT_PREFIX) :])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("kind", "")), str(data.get("message", ""))


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.send(data)


def receive(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """One message and the fds that came with it; (None, []) when the peer is gone."""
    data, fds, _, _ = socket.recv_fds(sock, DATAGRAM, 3)
    if not data:
        return None, list(fds)
    try:
        message = json.loads(data)
    except ValueError:
        message = {}
    return (message if isinstance(message, dict) else {}), list(fds)


def set_memory_ceiling(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS): past it, allocations fail and the
    game ends with MemoryError instead of taking the machine's memory. 0: no cap."""
    if megabytes <= 0:
        return
    import resource

    limit = megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def die_with_parent() -> None:
    """On Linux, have the kernel end this process when its parent ends."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it ended before the call took
            os._exit(1)


def serve(control: socket.socket, child: Callable[[], int], memory_mb: int) -> NoReturn:
    """The zygote's loop: fork a game per request until the server goes."""
    children: set[int] = set()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's; it ends us
    signal.signal(signal.SIGTERM, lambda *_: _end(children))
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj == wake_r:
                with contextlib.suppress(OSError):
                    os.read(wake_r, 4096)
                _reap(control, children)
                continue
            try:
                message, fds = receive(control)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                message, fds = None, []
            if message is None:
                _end(children)
            if message.get("op") == "spawn" and len(fds) == 3:
                _spawn(control, children, message, fds, child, memory_mb)
            elif message.get("op") == "signal":
                pid, number = message.get("pid"), message.get("signal")
                if pid in children and isinstance(number, int):
                    with contextlib.suppress(OSError):
                        os.kill(pid, number)
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)


def _spawn(
    control: socket.socket,
    children: set[int],
    message: dict[str, Any],
    fds: list[int],
    child: Callable[[], int],
    memory_mb: int,
) -> None:
    columns, rows = message.get("columns", 80), message.get("rows", 24)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as exc:
        send(control, {"op": "failed", "error": exc.strerror or str(exc)})
        return
    if pid == 0:  # pragma: no cover - the game (its own tests run it through the server)
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
                signal.signal(number, signal.SIG_DFL)
            die_with_parent()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            os.closerange(3, _max_fd())  # the control socket, other games' pipes
            os.environ["COLUMNS"], os.environ["ROWS"] = str(columns), str(rows)
            set_memory_ceiling(memory_mb)
            code = child()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    children.add(pid)
    send(control, {"op": "spawned", "pid": pid})


def _max_fd() -> int:
    try:
        return min(int(os.sysconf("SC_OPEN_MAX")), 1 << 20)
    except (ValueError, OSError):
        return 1024


def _reap(control: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(OSError):
            send(control, {"op": "exited", "pid": pid, "status": code})


def _end(children: set[int]) -> NoReturn:
    """The server is gone: end every game, then the zygote."""
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    os._exit(0)
