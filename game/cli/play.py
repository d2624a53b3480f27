"""`mar-a-lago play`: the game in the terminal (Textual) or in line mode (`--plain`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli.common import load_or_report, role_exists, saves_dir
from game.persist.locations import shipped_story_dir
from game.plain.flags import with_flag

if TYPE_CHECKING:
    from game.core.engine import Start
    from game.core.model import Story
    from game.persist.saves import Loaded, Player


def parse_assignments(pairs: list[str]) -> dict[str, int]:
    """`METER=N` strings (for `play --set`) -> a dict; raises ValueError with a message."""
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            result[name.strip()] = int(value)
        except ValueError:
            raise ValueError(f"--set {pair!r}: write METER=N, e.g. --set <meter>=5") from None
        if not sep:
            raise ValueError(f"--set {pair!r}: write METER=N, e.g. --set <meter>=5")
    return result


def start_point(args: argparse.Namespace, story: Story) -> Start | None:
    """The `--from/--set/--flag` start, or None; raises ValueError with a message."""
    from game.core.engine import Start

    if args.from_scene is None:
        if args.set_meters or args.flags:
            raise ValueError("--set and --flag need --from SCENE")
        return None
    if args.from_scene not in story.scenes:
        raise ValueError(f"--from: no scene '{args.from_scene}' in the story")
    meters = parse_assignments(args.set_meters)
    for name in meters:
        if name not in story.meters:
            raise ValueError(f"--set: no meter '{name}'; meters: {', '.join(story.meters)}")
    return Start(args.from_scene, meters, frozenset(args.flags))


def autosave_slot(name: str | None) -> str | None:
    """The fixed autosave slot, if any: None gives each game a slot of its own; "unique"
    a slot for this process (served classroom games: one browser tab)."""
    if name != "unique":
        return name
    import datetime as dt
    import secrets

    return f"game-{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def cmd_play(args: argparse.Namespace) -> int:
    story = load_or_report(args.story)
    if story is None:
        return 1
    if not role_exists(story, args.role):
        return 2
    try:
        start = start_point(args, story)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    folder = saves_dir(args)
    if args.duo or args.room is not None:
        from game.cli.duo import play_duo

        return play_duo(args, story, folder)
    loaded = None
    loaded_from = None
    if args.load is not None:
        from game.persist import saves

        loaded_from = load_path(folder, story, args.load)
        try:
            loaded = saves.load(story, loaded_from)
        except saves.SaveError as exc:
            print(f"Cannot load: {with_flag(exc)}", file=sys.stderr)
            return 1
        if loaded.notice:
            print(loaded.notice, file=sys.stderr)
    if loaded is not None and loaded.duo is not None:
        from game.cli.duo import resume_duo

        return resume_duo(args, story, folder, loaded)
    if args.plain:
        return play_plain(args, story, folder, loaded, start, loaded_from)
    from game.tui.app import run_app

    return run_app(
        story,
        folder,
        story_dir=args.story,
        role=args.role,
        loaded=loaded,
        loaded_from=loaded_from,
        start=start,
        watch=args.watch,
        autosave_slot=autosave_slot(args.autosave_slot),
        # a served classroom game (one slot per browser) sees only its own saves
        private_saves=args.autosave_slot == "unique",
        player=player(args),
        served=getattr(args, "served", False),
        debug=getattr(args, "debug", False),
    )


def load_path(folder: Path, story: Story, slot: str) -> Path:
    """The save `--load SLOT` names: 'autosave' is the newest autosave of this story (each
    game has its own); any other name is that slot, or a save file's path."""
    from game.persist import saves

    if slot == saves.AUTOSAVE:
        from game.session.slots import is_autosave_slot, newest_autosave

        newest = newest_autosave(folder, story)
        if newest is not None:
            return newest.path
        # none of this story loads: the newest autosave still gets its precise refusal
        for info in saves.slots(folder):
            if is_autosave_slot(info.name):
                return info.path
    return saves.resolve(folder, slot)


def player(args: argparse.Namespace) -> Player | None:
    """Who plays (`--name NAME [--team TEAM]`), or None when no name was given."""
    from game.persist.saves import Player

    name, team = getattr(args, "name", None), getattr(args, "team", None)
    if not name and not team:
        return None
    return Player(name or "", team or "")


def play_plain(
    args: argparse.Namespace,
    story: Story,
    folder: Path,
    loaded: Loaded | None,
    start: Start | None,
    loaded_from: Path | None = None,
) -> int:
    from game.core import engine
    from game.plain.linegame import PlainGame

    game = PlainGame(
        story,
        folder,
        offer_transcript=True,
        autosave_slot=autosave_slot(args.autosave_slot),
        debug=getattr(args, "debug", False),
        player=player(args),
        watch=(args.story or shipped_story_dir()) if args.watch else None,
    )
    state = loaded.state if loaded is not None else None
    # a game loaded from an autosave goes on in it (the session decides)
    slot = game.session.slot_of(loaded_from) if loaded_from is not None else None
    if state is None and start is not None:
        role = args.role or game.pick_role()
        if role is None:
            return 0
        state = engine.new_game(story, role, start)
    info = loaded.save.game if loaded is not None else None
    return game.run(state, role=args.role, slot=slot, game=info)
