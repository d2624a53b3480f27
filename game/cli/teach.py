"""`mar-a-lago teach DIR`: the teacher's side of a class session.

Without an action it opens the live console (Textual). With one it acts from the shell
and exits: `--inject ID` sends news to every running one-player game of the folder,
`--pause`, `--resume`, `--time-limit MINUTES`, and `--list` prints the games (and the
duo rooms) as text. Duo rooms take no news and no time limit (each message says which
rooms it leaves out); the pause holds them too.
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
        help="send this news (an [injects.ID] of the story) to every running one-player "
        "game, and exit (duo rooms take no news)",
    )
    teach.add_argument("--room", default="", metavar="ROOM", help=argparse.SUPPRESS)
    clock = teach.add_mutually_exclusive_group()
    clock.add_argument(
        "--pause", action="store_true", help="pause every game (duo rooms too), and exit"
    )
    clock.add_argument("--resume", action="store_true", help="let every game go on, and exit")
    teach.add_argument(
        "--time-limit",
        type=_minutes,
        metavar="MINUTES",
        default=None,
        help="give every one-player game this many minutes from now (0: no limit), and "
        "exit (duo rooms have no time limit)",
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
    if args.room:
        print(
            f"--room {args.room}: duo rooms do not take news (a class's news reaches its "
            "one-player games only); nothing was sent. Send it without --room.",
            file=sys.stderr,
        )
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
    from game.teach import duorooms

    try:
        store = ClassStore.open(folder)
        rooms = store.rooms()
        games = store.games()
        lines = duorooms.room_lines(story, rooms, games)
        if args.inject:
            store.send_inject(args.inject)
            running = sum(1 for g in duorooms.one_player(games, rooms) if not g.finished)
            print(
                f"Sent '{story.injects[args.inject].title}' to every running game in {folder} "
                f"({running} running now); each shows it at its next scene."
            )
            if left_out := duorooms.not_reached(lines, "news"):
                print(left_out)
        if args.pause:
            store.pause()
            print("Every game is paused, duo rooms too.")
        if args.resume:
            store.resume()
            print("Every game goes on.")
        if args.time_limit is not None:
            seconds = args.time_limit * 60 if args.time_limit > 0 else None
            store.set_time_limit(seconds)
            print(
                f"{args.time_limit:g} minutes left for every game." if seconds else "No time limit."
            )
            if seconds and (left_out := duorooms.not_reached(lines, "clock")):
                print(left_out)
        if args.list:
            print_games(store, story)
    except StoreError as exc:
        print(f"Class store: {exc}", file=sys.stderr)
        return 1
    return 0


def print_games(store: ClassStore, story: Story) -> None:
    from game.teach import duorooms
    from game.teach.roster import COLUMNS, clock_text, ending_counts, rows

    now = time.time()
    every, rooms = store.games(), store.rooms()
    games = duorooms.one_player(every, rooms)
    print_table(tuple(h for _, h in COLUMNS), [r.cells for r in rows(story, games, now)])
    lines = duorooms.room_lines(story, rooms, every, now)
    if lines:
        print()
        print(f"Duo rooms ({len(lines)}). {duorooms.RULES}")
        headers = tuple(h for _, h in duorooms.columns(story, rooms))
        print_table(headers, [duorooms.cells(story, line, now) for line in lines])
    print(f"Clock: {clock_text(store.clock())}")
    for label, text in ending_counts(story, games):
        print(f"{label}: {text}")
    if lines:
        print(f"Duo summits: {duorooms.ending_count(story, lines)}")


def print_table(headers: tuple[str, ...], cells: list[tuple[str, ...]]) -> None:
    table = [headers, *cells]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for line in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
