"""The game in web browsers: `mar-a-lago serve` (textual-serve), hardened for a class.

Each browser tab gets a game of its own: a process forked from a zygote that has
loaded the game already (`zygote.py`, `pool.py`), or started afresh where it cannot
fork. Every served game autosaves to a slot of its own in one saves folder, which the
teacher collects with `mar-a-lago report`. `GameServer` refuses pages of other sites,
clamps terminal sizes, caps the games at once and each game's memory, ends a game
whose tab has gone, and prints what the class store's events say (a failed
autosave) on the teacher's console. There is no authentication and no TLS: serve on
a trusted network only.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from game.core.text import shown
from game.persist import files
from game.persist.classstore import STORE_FILE, ClassStore, Event, StoreError
from game.web.guard import (
    MAX_INPUT,
    clamp_size,
    host_allowed,
    host_name,
    message,
    origin_allowed,
    own_names,
)
from game.web.limits import (  # noqa: F401 (the server's names for them)
    DEFAULT_GAME_MEMORY_MB,
    DEFAULT_MAX_GAMES,
    DEFAULT_READY_GAMES,
    READY_GAMES_VARIABLE,
)
from game.web.pool import ExecLauncher, LauncherError, Launchers
from game.web.service import GameService

WARNING = (
    "WARNING: anyone who can reach this address can play and fill the saves folder; "
    "there is no password and no encryption. Serve only on a trusted network "
    "(a classroom LAN), never on the open internet."
)
#: hosts that mean "every interface": the page must name an address browsers can reach
ANY_HOST = ("0.0.0.0", "::", "")


def play_args(saves_dir: Path, role: str | None = None, story_dir: Path | None = None) -> list[str]:
    """The `mar-a-lago` arguments of one served game: its own slot in the saves folder."""
    args = [
        "play",
        "--autosave-slot",
        "unique",
        "--served",
        "--saves-dir",
        str(saves_dir.resolve()),
    ]
    if role is not None:
        args += ["--role", role]
    if story_dir is not None:
        args += ["--story", str(story_dir.resolve())]
    return args


def game_argv(saves_dir: Path, role: str | None = None, story_dir: Path | None = None) -> list[str]:
    """The command that starts one served game afresh (no zygote)."""
    return [sys.executable, "-m", "game", *play_args(saves_dir, role, story_dir)]


def game_command(saves_dir: Path, role: str | None = None, story_dir: Path | None = None) -> str:
    """`game_argv` as one shell command line."""
    argv = game_argv(saves_dir, role, story_dir)
    if os.name == "nt":  # textual-serve runs it through the shell; cmd.exe quotes differently
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


def lan_address() -> str | None:
    """This machine's address on the local network (no packet is sent), or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing is sent
            address: str = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("0.") else address


def public_url(host: str, port: int) -> str:
    """The address students type; for "every interface", this machine's LAN address."""
    if host in ANY_HOST:
        host = lan_address() or socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


# -- the server ------------------------------------------------------------------------

#: seconds between two looks at the class store's events (failed autosaves...)
EVENTS_EVERY = 1.0
FULL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: the class is full</title>
<meta http-equiv="refresh" content="30">
<style>body {{ background: #0c181f; color: #eee; font: 18px/1.5 sans-serif; margin: 3em; }}
</style></head>
<body><h1>{title}</h1>
<p>The class is full: {games} games are being played, the most this server runs at once.</p>
<p>This page tries again every 30 seconds; a game starts as soon as another one ends
(close any tab with a finished game). If it stays full, tell your teacher.</p>
</body></html>
"""
FULL_TERMINAL = (
    "\r\n  The class is full: {games} games are being played, the most this server runs"
    "\r\n  at once. Reload this page in a minute, or tell your teacher.\r\n"
)


class GameServer(Server):
    """textual-serve's server, hardened for a class (see game/web/guard.py):

    - a websocket from a page of another site is refused (403);
    - terminal sizes are clamped, in the `/ws` query and in every `resize`;
    - at most `max_games` games at once; past it, a page (or a line in the terminal)
      says the class is full;
    - a game whose tab has gone is ended (asked, then SIGTERM, then SIGKILL);
    - games come from `launchers` (a zygote's forks, or new processes), each with a
      memory cap;
    - the class store's events (a failed autosave...) are printed on the console.

    Subclasses add their pages with `extra_routes()` (the teacher's console...).
    """

    def __init__(
        self,
        command: str,
        *,
        launchers: Launchers | None = None,
        max_games: int = DEFAULT_MAX_GAMES,
        saves_dir: Path | None = None,
        say: Callable[[str], None] | None = None,
        allow_hosts: Iterable[str] = (),
        **options: Any,
    ) -> None:
        super().__init__(command, **options)
        #: the names a request's `Host` may give (besides addresses): see game/web/guard.py
        self.host_names = own_names(self.public_url, allow_hosts)
        if launchers is None:
            argv = shlex.split(command, posix=os.name != "nt")
            launchers = Launchers(ExecLauncher(argv, DEFAULT_GAME_MEMORY_MB), None, self.say)
        self.launchers = launchers
        self.max_games = max_games
        self.saves_dir = saves_dir
        self._say = say
        self.games: set[GameService] = set()
        self._events: asyncio.Task[None] | None = None
        self._refused: dict[str, float] = {}
        #: per game, the last failed save said and how often it came again since
        self._said: dict[GameService, tuple[str, int]] = {}

    # -- the console ----------------------------------------------------------------

    def say(self, line: str) -> None:
        """A line on the teacher's console (no control characters)."""
        if self._say is not None:
            self._say(shown(line))
        else:
            print(shown(line), flush=True)

    def initialize_logging(self) -> None:
        """Plain, quiet logging: warnings only, one line each, no request log."""
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(_ShownFormatter("%(message)s"))
        logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)

    # -- the app --------------------------------------------------------------------

    def extra_routes(self) -> list[web.RouteDef]:
        """More pages, for a subclass (the routes of textual-serve are always there)."""
        return []

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()
        app.add_routes(self.extra_routes())
        app.middlewares.append(self._host_guard)
        return app

    @web.middleware
    async def _host_guard(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Refuse a request asked under a name this server does not know (DNS rebinding:
        a page of another site that points its own name at this machine)."""
        if host_allowed(request.host, self.host_names):
            return await handler(request)
        name = host_name(request.host)[:80]
        now = time.monotonic()
        if now - self._refused.get("host:" + name, -60.0) > 60.0:  # once a minute each
            self._refused["host:" + name] = now
            self.say(
                f"Refused a request for the name '{name}', which this server does not know "
                f"as its own. If students reach it by that name, restart with "
                f"--allow-host {name}"
            )
        raise web.HTTPMisdirectedRequest(
            text=f"This game server does not answer to the name '{name}': use the address "
            "your teacher gave you."
        )

    async def on_startup(self, app: web.Application) -> None:
        await self.launchers.open()
        if self.saves_dir is not None:
            self._events = asyncio.create_task(self._watch_events(self.saves_dir))

    async def on_shutdown(self, app: web.Application) -> None:
        if self._events is not None:
            self._events.cancel()
        await asyncio.gather(*(g.stop() for g in list(self.games)), return_exceptions=True)
        await self.launchers.close()

    @property
    def full(self) -> bool:
        return len(self.games) >= self.max_games

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full:
            page = FULL_PAGE.format(title=html.escape(self.title), games=len(self.games))
            return web.Response(
                text=page, status=503, content_type="text/html", headers={"Retry-After": "30"}
            )
        response: web.StreamResponse = await super().handle_index(request)
        return response

    # -- a game ---------------------------------------------------------------------

    def check_origin(self, request: web.Request) -> None:
        """Raise 403 for a websocket opened by a page of another site."""
        origin = request.headers.get("Origin")
        if origin_allowed(origin, request.host, request.scheme, self.public_url):
            return
        now = time.monotonic()
        if now - self._refused.get(origin or "", -60.0) > 60.0:  # once a minute each
            self._refused[origin or ""] = now
            self.say(
                f"Refused a game asked for by a page of another site ({(origin or '')[:80]}): "
                "only pages of this server may start games."
            )
        raise web.HTTPForbidden(text="This game server only serves its own pages.")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A browser tab's game, from its first screen to its end."""
        self.check_origin(request)
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=4 * MAX_INPUT)
        await websocket.prepare(request)
        if self.full:
            await websocket.send_bytes(FULL_TERMINAL.format(games=len(self.games)).encode())
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"the class is full")
            return websocket
        service = GameService(
            self.launchers,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            on_end=self._ended,
            on_event=self._event,
        )
        self.games.add(service)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except LauncherError as exc:
            self.say(f"Could not start a game: {exc}")
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            await asyncio.shield(self._close(service, websocket))
        return websocket

    async def _close(self, service: GameService, websocket: web.WebSocketResponse) -> None:
        try:
            await service.stop()
        finally:
            self.games.discard(service)
            with contextlib.suppress(Exception):
                await websocket.close()

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """The browser's messages: keys, sizes (clamped), focus; anything else is ignored."""
        async for received in websocket:
            if received.type != WSMsgType.TEXT:
                continue
            parsed = message(received.data)
            if parsed is None:
                continue
            kind, data = parsed
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data[:MAX_INPUT].encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = clamp_size(data.get("width"), data.get("height"))
                await app_service.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data if isinstance(data, str) else ""])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    def _event(self, service: GameService, kind: str, text: str) -> None:
        """What a game says the teacher should hear: every save it could not write (the
        same failure again from the same game is counted, and said when it changes)."""
        if kind != "save_failed":
            return
        said = self._said.get(service)
        if said is not None and said[0] == text:
            self._said[service] = (text, said[1] + 1)
            return
        self._say_again(service)
        self._said[service] = (text, 0)
        when = time.strftime("%H:%M:%S")
        self.say(f"{when} A game could not save (process {service.pid}): {text}")

    def _say_again(self, service: GameService) -> None:
        said = self._said.pop(service, None)
        if said is not None and said[1]:
            self.say(f"  ... and {said[1]} more time(s) the same way (process {service.pid})")

    def _ended(self, service: GameService, code: int | None, last: str) -> None:
        """A game's process ended: a line on the console when it was not asked to."""
        self._say_again(service)
        if code == 0 or (service._stopping and (code is None or code < 0)):
            return
        if "MemoryError" in last:
            self.say(
                f"A game (process {service.pid}) used more memory than a game may "
                "(--game-memory) and was stopped; its last save stays."
            )
        elif code is not None:
            self.say(f"A game (process {service.pid}) stopped with an error: {last or code}")

    # -- the class store's events ----------------------------------------------------

    async def _watch_events(self, folder: Path) -> None:
        """Print the events games record in the class store (a failed autosave...)."""
        loop = asyncio.get_running_loop()
        seq: int | None = None
        told = False
        while True:
            try:
                events = await loop.run_in_executor(None, _events_since, folder, seq or 0)
            except StoreError as exc:
                if not told:
                    told = True
                    self.say(f"Note: cannot read the class store ({exc}); its events "
                             "are not shown here (failed saves still are).")  # fmt: skip
                events = []
            else:
                told = False
            if seq is None:  # at start: only what happens from now on
                seq = max((e.seq for e in events), default=0)
                events = []
            for event in events:
                seq = max(seq, event.seq)
                if event.kind == "autosave":  # the game itself said it (`_event`)
                    continue
                when = time.strftime("%H:%M:%S", time.localtime(event.at))
                game = f" game {event.game_id}:" if event.game_id else ""
                self.say(f"{when} {event.kind}:{game} {event.message}")
            await asyncio.sleep(EVENTS_EVERY)


def _events_since(folder: Path, seq: int) -> list[Event]:
    store = ClassStore(folder / STORE_FILE)
    if not files.is_file(store.path):
        return []
    return store.events_since(seq)


class _ShownFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return shown(super().format(record))
