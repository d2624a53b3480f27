"""The program of served games: `python -m game.cli.served [--fd N --memory-mb M] -- play ARGS`.

With `--fd` (how `serve` starts it once, on POSIX) it is the zygote: it does what
every served game would do first (import Textual, the game and every screen; load and
check the story; draw a first screen headless), freezes what it holds for the garbage
collector (so forks share those pages), then forks a game for each browser tab on
request (`game.web.zygote.serve`); each runs `mar-a-lago play ARGS` on the story
already loaded. Without `--fd` it runs one game (a new process per tab).

Either way a game tells the server what the teacher should hear on its stderr, one
line each (`game.web.zygote.event_line`): every save that could not be written.
The environment (`TEXTUAL_DRIVER` for the web driver...) is set by the server before
this starts: Textual reads it once, when imported.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import importlib
import logging
import os
import socket
import sys
from collections.abc import Sequence


def warm(play_args: Sequence[str]) -> argparse.Namespace:
    """Import what a game will import, load its story, run the app once (headless) to
    its first screen, and parse the game's arguments, before any fork."""
    from game.cli import common
    from game.cli.main import build_parser
    from game.tui import warm as tui

    tui.import_all()
    tui.share_parsed_css()  # the warm-up's parsed CSS serves every game forked after it
    for name in ("game.session.session", "game.persist.saves", "game.core.engine"):
        importlib.import_module(name)
    args = build_parser().parse_args(list(play_args))
    story = common.preload(getattr(args, "story", None))
    if story is not None:
        with contextlib.suppress(Exception):  # a warm-up only: the games say what fails
            tui.first_screen(story, role=args.role, served=getattr(args, "served", False))
    return args


def report_failed_saves() -> None:
    """Send every save that could not be written to the server (the teacher's console)."""
    from game.persist import saves
    from game.web.zygote import event_line

    class ToServer(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            with contextlib.suppress(Exception):
                os.write(2, event_line("save_failed", record.getMessage()))

    saves.log.addHandler(ToServer(logging.WARNING))
    saves.log.setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    split = args.index("--") if "--" in args else len(args)
    parser = argparse.ArgumentParser(prog="python -m game.cli.served")
    parser.add_argument("--fd", type=int, default=None, help="the zygote's socket to the server")
    parser.add_argument("--memory-mb", type=int, default=0, help="each game's memory cap")
    options = parser.parse_args(args[:split])
    play_args = args[split + 1 :]
    report_failed_saves()
    if options.fd is None:  # one game
        from game.cli.main import main as game_main

        return game_main(play_args)
    from game.web import zygote

    control = socket.socket(fileno=options.fd)
    zygote.die_with_parent()
    game_args = warm(play_args)
    gc.collect()
    gc.freeze()  # what is here now is shared with every game: never touched by the GC

    def child() -> int:
        from game.cli.play import cmd_play

        sys.argv = ["mar-a-lago", *play_args]
        return cmd_play(copy.copy(game_args))  # what `mar-a-lago play ARGS` runs, parsed once

    zygote.serve(control, child, options.memory_mb)


if __name__ == "__main__":
    raise SystemExit(main())
