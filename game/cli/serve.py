"""`mar-a-lago serve`: the game in web browsers (textual-serve)."""

from __future__ import annotations

import argparse
import shlex
import sys

from game.cli.common import load_or_report, role_exists, saves_dir
from game.core.text import shown
from game.web.partner import partner_lines
from game.web.server import WARNING, game_command, public_url


def run_serve(args: argparse.Namespace) -> int:

    story = load_or_report(args.story)
    if story is None:
        return 1
    if not role_exists(story, args.role):
        return 2
    folder = saves_dir(args).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(
            f"Cannot use {folder} for saves ({exc.strerror or exc}); choose another with "
            "--saves-dir DIR",
            file=sys.stderr,
        )
        return 1
    command = game_command(folder, args.role, args.story)
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
        command,
        host=args.host,
        port=args.port,
        title=story.title,
        public_url=url,
        teacher_command=teach_command(folder, args.story),
    )
    print(shown(f"Teacher's console: mar-a-lago teach {shlex.quote(str(folder))}"))
    print(shown(f"  or in a browser (keep this address to yourself): {server.teacher_url()}"))
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
