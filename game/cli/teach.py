"""`mar-a-lago teach DIR`: the teacher's side of a class session.

Without an action it opens the live console (Textual). With one it acts from the shell
and exits: `--inject ID [--room R]` sends news to every running game of the folder (or
one duo room), `--pause`, `--resume`, `--time-limit MINUTES`, and `--list` prints the
games as text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli.common import load_or_report

if TYPE_CHECKING:
    from game.core.model import Story
    from game.persist.classstore import ClassStore


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1.0
    if not 0 <= minutes <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes (0 to 1440)")
    return minutes


def add_arguments(teach: argparse.ArgumentParser) -> None:
    teach.add_argument(
        "--inject",
        metavar="ID",
        help="send this news (an [injects.ID] of the story) to every running game, and exit",
    )
    teach.add_argument(
        "--room", default="", metavar="ROOM", help="with --inject: only the games of this room"
    )
    clock = teach.add_mutually_exclusive_group()
    clock.add_argument("--pause", action="store_true", help="pause every game, and exit")
    clock.add_argument("--resume", action="store_true", help="let every game go on, and exit")
    teach.add_argument(
        "--time-limit",
        type=_minutes,
        metavar="MINUTES",
        default=None,
        help="give every game this many minutes from now (0: no limit), and exit",
    )
    teach.add_argument(
        "--list", action="store_true", help="print every game of the folder as text, and exit"
    )


def run_teach(args: argparse.Namespace) -> int:
    from game.persist.classstore import STORE_FILE, ClassStore, StoreError

    folder: Path = args.folder
    story = load_or_report(args.story)
    if story is None:
        return 1
    acting = args.inject or args.pause or args.resume or args.time_limit is not None
    if args.room and not args.inject:
        print("--room goes with --inject ID", file=sys.stderr)
        return 2
    if args.inject and args.inject not in story.injects:
        known = ", ".join(story.injects) or "none"
        print(
            f"--inject: the story '{story.id}' has no news '{args.inject}'; its injects: {known}",
            file=sys.stderr,
        )
        return 2
    if (acting or args.list) and not (folder / STORE_FILE).is_file():
        print(
            f"{folder} is not a class folder yet (no {STORE_FILE}): games played with "
            f"--saves-dir {folder}, or served from it, make it",
            file=sys.stderr,
        )
        return 1
    if not acting and not args.list:
        from game.teach.app import run_console

        if not folder.is_dir() and not folder.parent.is_dir():
            print(f"No folder {folder}", file=sys.stderr)
            return 1
        return run_console(folder, story)
    try:
        store = ClassStore.open(folder)
        if args.inject:
            store.send_inject(args.inject, args.room)
            where = f"the games of room '{args.room}'" if args.room else "every running game"
            running = sum(1 for g in store.games() if not g.finished)
            print(
                f"Sent '{story.injects[args.inject].title}' to {where} in {folder} "
                f"({running} running now); each shows it at its next scene."
            )
        if args.pause:
            store.pause()
            print("Every game is paused.")
        if args.resume:
            store.resume()
            print("Every game goes on.")
        if args.time_limit is not None:
            seconds = args.time_limit * 60 if args.time_limit > 0 else None
            store.set_time_limit(seconds)
            print(
                f"{args.time_limit:g} minutes left for every game." if seconds else "No time limit."
            )
        if args.list:
            print_games(store, story)
    except StoreError as exc:
        print(f"Class store: {exc}", file=sys.stderr)
        return 1
    return 0


def print_games(store: ClassStore, story: Story) -> None:
    from game.teach.roster import COLUMNS, clock_text, ending_counts, rows

    games = store.games()
    table = [tuple(h for _, h in COLUMNS)] + [r.cells for r in rows(story, games, time.time())]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for line in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    print(f"Clock: {clock_text(store.clock())}")
    for label, text in ending_counts(story, games):
        print(f"{label}: {text}")
