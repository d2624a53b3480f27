"""`mar-a-lago serve`: the game in web browsers (textual-serve), for a class."""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli.common import load_or_report, role_exists, saves_dir
from game.core.text import shown
from game.persist import files
from game.web.limits import (
    DEFAULT_GAME_MEMORY_MB,
    DEFAULT_MAX_GAMES,
    DEFAULT_READY_GAMES,
    READY_GAMES_VARIABLE,
)

if TYPE_CHECKING:
    from game.web.pool import Launchers


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give 1 or more")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("give 0 or more")
    return value


def add_arguments(serve: argparse.ArgumentParser) -> None:
    """`serve`'s options beyond where and what (`main.py` has --host, --port, --role...)."""
    serve.add_argument(
        "--max-games",
        type=_positive,
        default=DEFAULT_MAX_GAMES,
        metavar="N",
        help=f"games at once, at most (default {DEFAULT_MAX_GAMES}); past it, "
        "a page says the class is full",
    )
    serve.add_argument(
        "--game-memory",
        type=_positive,
        default=DEFAULT_GAME_MEMORY_MB,
        metavar="MB",
        help=f"the memory (address space) each game may take (default "
        f"{DEFAULT_GAME_MEMORY_MB} MB); a game past it stops, its last save kept",
    )
    ready = os.environ.get(READY_GAMES_VARIABLE, "")
    serve.add_argument(
        "--ready-games",
        type=_count,
        default=int(ready) if ready.isdigit() else DEFAULT_READY_GAMES,
        metavar="N",
        help=f"games started ahead, waiting for a tab (default {DEFAULT_READY_GAMES}, or "
        f"${READY_GAMES_VARIABLE}): the first N tabs of a class joining at once see "
        "their screen at once; 0 starts each game when its tab comes",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name students may reach this server by, besides its addresses and this "
        "machine's own names (repeat for more); other names are refused, so that no web "
        "page can reach the server under a name of its own",
    )
    # hidden: "exec" starts every game afresh (no zygote), for comparison and debugging
    serve.add_argument(
        "--spawn", choices=("auto", "fork", "exec"), default="auto", help=argparse.SUPPRESS
    )


def usable_folder(args: argparse.Namespace) -> Path | None:
    """The saves folder, after a real write in it; None after saying why it cannot be."""
    folder = saves_dir(args)
    with contextlib.suppress(OSError, RuntimeError, ValueError):
        folder = folder.resolve()
    problem = files.try_write(folder)
    if problem:
        print(
            shown(
                f"Cannot save games in {folder} ({problem}); the server was not started. "
                "Choose a folder you can write to with --saves-dir DIR"
            ),
            file=sys.stderr,
        )
        return None
    return folder


def run_serve(args: argparse.Namespace) -> int:
    story = load_or_report(args.story)
    if story is None:
        return 1
    if not role_exists(story, args.role):
        return 2
    folder = usable_folder(args)
    if folder is None:
        return 1
    # the server (aiohttp, textual-serve) only now: building the parser stays light
    from game.persist.classstore import ClassStore, StoreError
    from game.persist.writing import remove_stale_temp
    from game.web.partner import partner_lines
    from game.web.server import WARNING, game_command, public_url

    remove_stale_temp(folder)  # what saves killed in an earlier class left
    try:
        ClassStore.open(folder)  # the games' events come through it to this console
    except StoreError as exc:
        print(shown(f"Note: {exc}; the games' progress will not reach `teach`."), file=sys.stderr)
    url = getattr(args, "public_url", None) or public_url(args.host, args.port)
    role = f" as {story.roles[args.role].label}" if args.role else ""
    print(shown(f"Serving '{story.title}'{role} to web browsers."))
    print(shown(f"Students open: {url}"))
    if args.host in ("127.0.0.1", "localhost", "::1"):
        print(
            "  (only this computer can reach it; for a classroom, add --host 0.0.0.0 "
            "and give students this machine's address)"
        )
    print(shown(f"Each game saves to its own slot in: {folder}"))
    print(shown(f"Class report afterwards: mar-a-lago report {shlex.quote(str(folder))}"))
    for line in partner_lines(story, args.role):
        print(shown(line))
    from game.web.classroom import ClassServer, teach_command

    server = ClassServer(
        game_command(folder, args.role, args.story),
        launchers=launchers(args, folder),
        max_games=args.max_games,
        saves_dir=folder,
        host=args.host,
        port=args.port,
        title=story.title,
        public_url=url,
        teacher_command=teach_command(folder, args.story),
        allow_hosts=args.allow_host,
    )
    print(shown(f"Teacher's console: mar-a-lago teach {shlex.quote(str(folder))}"))
    print(shown(f"  or in a browser (keep this address to yourself): {server.teacher_url()}"))
    print(
        f"Up to {args.max_games} games at once (--max-games), each with up to "
        f"{args.game_memory} MB of memory (--game-memory); games are "
        f"{server.launchers.description}, {args.ready_games} started ahead (--ready-games)."
    )
    print(WARNING)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        server.serve()
    except OSError as exc:
        print(
            f"Cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); "
            "is the port in use? Choose another with --port N",
            file=sys.stderr,
        )
        return 1
    return 0


def launchers(args: argparse.Namespace, folder: Path) -> Launchers:
    """Where games come from: a zygote's forks (POSIX), else a new process each."""
    from game.web.pool import ExecLauncher, Launchers, ZygoteLauncher, can_fork
    from game.web.server import play_args

    memory = args.game_memory
    one_game = [sys.executable, "-m", "game.cli.served", "--"]
    fallback = ExecLauncher([*one_game, *play_args(folder, args.role, args.story)], memory)
    zygote = None
    if args.spawn != "exec" and (can_fork() or args.spawn == "fork"):
        zygote_argv = [sys.executable, "-m", "game.cli.served"]
        zygote = ZygoteLauncher(zygote_argv, play_args(folder, args.role, args.story), memory)
    say = lambda line: print(shown(line), flush=True)  # noqa: E731
    return Launchers(fallback, zygote, say, ready=args.ready_games)
