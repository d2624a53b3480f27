"""The classroom's web server: textual-serve's, with two changes for a class.

- The page loads nothing from outside the classroom network: textual-serve's page
  fetches its web font from the internet; ours (`templates/app_index.html`) serves the
  copy of Roboto Mono that textual-serve ships.
- The teacher's console can be opened in a browser (for a projector) at
  `/teacher/<token>`: the token is made when the server starts and printed only in the
  teacher's terminal; any other address under /teacher/ is not found.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import to_int

from game.web.guard import clamp_size
from game.web.server import GameServer

TEMPLATES = Path(__file__).resolve().parent / "templates"
log = logging.getLogger("textual-serve")


def teacher_token() -> str:
    """A token no one guesses: 16 random bytes, URL-safe."""
    return secrets.token_urlsafe(16)


def teach_command(folder: Path, story_dir: Path | None = None) -> str:
    """The shell command the teacher's page runs: the console of the class folder."""
    argv = [sys.executable, "-m", "game", "teach", str(folder.resolve())]
    if story_dir is not None:
        argv += ["--story", str(story_dir.resolve())]
    if os.name == "nt":
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


class ClassServer(GameServer):
    """The game server (`GameServer`: hardened for a class) with a local font, and the
    teacher's console at `/teacher/<token>` when a `teacher_command` is given."""

    def __init__(
        self,
        command: str,
        *,
        teacher_command: str | None = None,
        token: str | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("templates_path", TEMPLATES)
        super().__init__(command, **options)
        self.teacher_command = teacher_command
        self.token = token or teacher_token()

    def teacher_url(self) -> str:
        return f"{self.public_url}/teacher/{self.token}"

    def extra_routes(self) -> list[web.RouteDef]:
        routes = super().extra_routes()
        if self.teacher_command is not None:
            routes += [
                web.get(f"/teacher/{self.token}", self.handle_teacher, name="teacher"),
                web.get(
                    f"/teacher/{self.token}/ws",
                    self.handle_teacher_websocket,
                    name="teacher-websocket",
                ),
            ]
        return routes

    async def handle_teacher(self, request: web.Request) -> web.StreamResponse:
        """The page of the teacher's console: the game's page, on the console's socket."""
        router = request.app.router
        ws_path = router["teacher-websocket"].url_for()
        ws_url = f"{self.public_url}{ws_path}"
        ws_url = ("wss:" if self.public_url.startswith("https") else "ws:") + ws_url.split(":", 1)[
            1
        ]
        static = f"{self.public_url}{router['static'].url_for(filename='/')}".rstrip("/") + "/"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ws_url,
            "config": {"static": {"url": static}},
            "application": {"name": "Class console"},
        }
        response: web.StreamResponse = aiohttp_jinja2.render_template(
            "app_index.html", request, context
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_teacher_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """The console's process for one browser tab (as textual-serve runs a game)."""
        assert self.teacher_command is not None
        self.check_origin(request)  # a page of another site never opens it
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = AppService(
                self.teacher_command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # as textual-serve does
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # as textual-serve does: log it, keep serving
            log.exception(error)
        finally:
            if service is not None:
                await service.stop()
        return websocket
