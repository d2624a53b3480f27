"""`mar-a-lago play --duo` (one screen) and `play --role R --room NAME` (one side of a
room): the duo summit in the terminal (Textual) or in line mode (`--plain`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.core.duo import DuoState
    from game.core.model import Story
    from game.persist.saves import Loaded


def _refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def play_duo(args: argparse.Namespace, story: Story, folder: Path) -> int:
    """Check the duo options, then play; the exit code."""
    if story.duo is None:
        return _refuse(
            f"The story '{story.id}' has no duo summit (no [duo] table): --duo and --room "
            "need one. Play it alone with --role, or choose a duo story with --story DIR."
        )
    if args.duo and args.room is not None:
        return _refuse(
            "Choose one: --duo (both players at this screen) or --room NAME (one side "
            "here, the other in another terminal)."
        )
    if args.from_scene is not None or args.set_meters or args.flags:
        return _refuse("--from, --set and --flag are for one-player games, not a duo summit.")
    roles = story.duo.roles
    if args.role is not None and args.role not in roles:
        return _refuse(
            f"--role: '{args.role}' is not a side of the duo summit; sides: {', '.join(roles)}"
        )
    if args.duo and args.role is not None:
        return _refuse(
            "--duo plays both sides at this screen; leave out --role (or use --room NAME)."
        )
    if args.room is not None:
        from game.session.duo import DuoError, check_room_name

        try:
            check_room_name(args.room)
        except DuoError as exc:
            return _refuse(f"--room: {exc}")
        if args.load is not None:
            return _refuse(
                "--load: a room's game resumes from the room's own moves; join the room "
                "again with the same --role and --room (no --load)."
            )
    resume = None
    if args.load is not None:
        resume = _load_hotseat(story, folder, args.load)
        if resume is None:
            return 1
    return _play(args, story, folder, resume)


def resume_duo(args: argparse.Namespace, story: Story, folder: Path, loaded: Loaded) -> int:
    """`play --load SLOT` of a duo save: a one-screen game goes on; a room's is rejoined."""
    mark = loaded.save.duo
    assert mark is not None and loaded.duo is not None
    if mark.room:
        args.room, args.role, args.duo = mark.room, mark.side or args.role, False
        print(
            f"This is side '{args.role}' of room '{mark.room}': joining the room again.",
            file=sys.stderr,
        )
        return _play(args, story, folder, None)
    args.duo = True
    return _play(args, story, folder, loaded.duo)


def _load_hotseat(story: Story, folder: Path, slot: str) -> DuoState | None:
    from game.persist import saves

    try:
        loaded = saves.load(story, saves.resolve(folder, slot))
    except saves.SaveError as exc:
        print(f"Cannot load: {exc}", file=sys.stderr)
        return None
    if loaded.duo is None:
        print(
            f"Cannot load: '{slot}' is a one-player game; load it without --duo.", file=sys.stderr
        )
        return None
    if loaded.save.duo is not None and loaded.save.duo.room:
        print(
            f"Cannot load: '{slot}' is a game of room '{loaded.save.duo.room}'; "
            "join the room again with --role and --room.",
            file=sys.stderr,
        )
        return None
    if loaded.notice:
        print(loaded.notice, file=sys.stderr)
    return loaded.duo


def _play(args: argparse.Namespace, story: Story, folder: Path, resume: DuoState | None) -> int:
    from game.persist.saves import Player

    room = args.room
    # --name/--team: the teacher's console shows a room's players
    name, team = getattr(args, "name", None) or "", getattr(args, "team", None) or ""
    who = Player(name, team) if name or team else None
    if args.plain:
        from game.plain.duogame import run_plain_duo

        return run_plain_duo(
            story,
            folder,
            room=room,
            role=args.role,
            resume=resume,
            player=who,
            debug=getattr(args, "debug", False),
        )
    from game.tui.duo_app import DuoLaunch, run_duo_app

    return run_duo_app(
        story,
        folder,
        DuoLaunch(room=room, role=args.role, resume=resume),
        story_dir=args.story,
        debug=getattr(args, "debug", False),
        player=who,
    )
