"""The `mar-a-lago` command: subcommands, arguments and exit codes.

Each subcommand imports what it needs when it runs, so the commands that need no
user interface (check, explore, graph, schema, transcript, report, play --plain)
never import Textual and start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from game import __version__

if TYPE_CHECKING:
    from game.engine import Start
    from game.model import Story
    from game.saves import Loaded

COMMANDS = ("play", "check", "explore", "graph", "schema", "transcript", "report", "serve")


def _story_arg(parser: argparse.ArgumentParser, *flags: str) -> None:
    if flags:
        parser.add_argument(
            *flags,
            dest="story",
            metavar="DIR",
            type=Path,
            default=None,
            help="story folder (default: the shipped story)",
        )
    else:
        parser.add_argument(
            "story",
            metavar="STORY_DIR",
            nargs="?",
            type=Path,
            default=None,
            help="story folder (default: the shipped story)",
        )


def _saves_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder of save slots (default: saves/ in a checkout, else your user data folder)",
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def _slot(text: str) -> str:
    from game.saves import SaveError, check_slot_name

    if text == "unique":
        return text
    try:
        return check_slot_name(text)
    except SaveError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mar-a-lago",
        description="Cooperate or Else! Advise Trump or Xi at the 2017 Mar-a-Lago summit.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game (the default command)")
    _story_arg(play, "--story")
    _saves_arg(play)
    play.add_argument("--role", help="play this role (skips role selection)")
    play.add_argument("--load", metavar="SLOT", help="resume the save in this slot")
    play.add_argument(
        "--plain",
        action="store_true",
        help="line mode without the full-screen UI (screen readers, pipes)",
    )
    play.add_argument(
        "--watch", action="store_true", help="reload the story when its files change (for authors)"
    )
    play.add_argument(
        "--from",
        dest="from_scene",
        metavar="SCENE",
        help="start at this scene (for authors; needs --role or asks)",
    )
    play.add_argument(
        "--set",
        dest="set_meters",
        metavar="METER=N",
        action="append",
        default=[],
        help="with --from: start with this meter value (repeatable)",
    )
    play.add_argument(
        "--flag",
        dest="flags",
        metavar="FLAG",
        action="append",
        default=[],
        help="with --from: start with this flag set (repeatable)",
    )

    play.add_argument("--autosave-slot", type=_slot, default="autosave", help=argparse.SUPPRESS)

    check = sub.add_parser("check", help="check a story for errors and print its statistics")
    _story_arg(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    explore = sub.add_parser("explore", help="search every path of a story (for authors)")
    _story_arg(explore)
    explore.add_argument("--role", help="only this role")
    explore.add_argument("--json", action="store_true", help="machine-readable output")
    explore.add_argument(
        "--random",
        type=int,
        metavar="N",
        default=None,
        help="play N random games instead of the exhaustive search",
    )
    explore.add_argument("--seed", type=int, default=0, help="seed for --random")
    explore.add_argument(
        "--max-states",
        type=int,
        default=2_000_000,
        metavar="N",
        help="stop the search after N states (default 2,000,000)",
    )

    graph = sub.add_parser("graph", help="print the story map as Mermaid or Graphviz DOT")
    _story_arg(graph)
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")

    sub.add_parser("schema", help="print the JSON Schema of a story file")

    transcript = sub.add_parser("transcript", help="write a playthrough as a document")
    transcript.add_argument("save", metavar="SAVE", help="a slot name or a save file's path")
    _story_arg(transcript, "--story")
    _saves_arg(transcript)
    transcript.add_argument("--format", choices=("md", "html"), default="md")
    transcript.add_argument("-o", "--output", metavar="FILE", type=Path, default=None)

    report = sub.add_parser("report", help="a class overview from many saves")
    report.add_argument(
        "saves", metavar="SAVES", nargs="+", type=Path, help="save files or folders of saves"
    )
    _story_arg(report, "--story")
    report.add_argument("--format", choices=("md", "html"), default="md")
    report.add_argument("-o", "--output", metavar="FILE", type=Path, default=None)

    serve = sub.add_parser("serve", help="serve the game to web browsers (textual-serve)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--role", help="fix the role for every player")
    _story_arg(serve, "--story")
    _saves_arg(serve)
    return parser


def load_or_report(folder: Path | None) -> Story | None:
    """The story, or None after printing every problem to stderr."""
    from game.cache import check_story  # the loader's, with a parse cache for big stories
    from game.locations import shipped_story_dir

    story, problems = check_story(folder if folder is not None else shipped_story_dir())
    for problem in problems:
        print(problem, file=sys.stderr)
    if story is None:
        print(f"{len(problems)} problem(s); the story cannot be played.", file=sys.stderr)
    return story


def role_exists(story: Story, role: str | None) -> bool:
    """True for no role or a role of the story; else says which roles there are."""
    if role is None or role in story.roles:
        return True
    print(f"--role: no role '{role}'; roles: {', '.join(story.roles)}", file=sys.stderr)
    return False


def saves_dir(args: argparse.Namespace) -> Path:
    from game.locations import default_saves_dir

    return args.saves_dir if args.saves_dir is not None else default_saves_dir()


def cmd_check(args: argparse.Namespace) -> int:
    story = load_or_report(args.story)
    if story is None:
        return 1
    print(
        f"OK: '{story.title}' ({story.id} v{story.version}): {len(story.scenes)} scenes, "
        f"{story.choice_count} choices, {len(story.endings)} endings, {len(story.roles)} roles"
    )
    from game.locations import shipped_story_dir
    from game.stats import run_check

    folder = args.story if args.story is not None else shipped_story_dir()
    return run_check(story, folder, strict=args.strict)


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
    from game.engine import Start

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


def autosave_slot(name: str) -> str:
    """The autosave slot; "unique" gives each game its own (served classroom games)."""
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
    loaded = None
    if args.load is not None:
        from game import saves

        try:
            loaded = saves.load(story, saves.resolve(folder, args.load))
        except saves.SaveError as exc:
            print(f"Cannot load: {exc}", file=sys.stderr)
            return 1
        if loaded.notice:
            print(loaded.notice, file=sys.stderr)
    if args.plain:
        return play_plain(args, story, folder, loaded, start)
    from game.tui.app import run_app

    return run_app(
        story,
        folder,
        story_dir=args.story,
        role=args.role,
        loaded=loaded,
        start=start,
        watch=args.watch,
        autosave_slot=autosave_slot(args.autosave_slot),
        # a served classroom game (one slot per browser) sees only its own saves
        private_saves=args.autosave_slot == "unique",
    )


def play_plain(
    args: argparse.Namespace,
    story: Story,
    folder: Path,
    loaded: Loaded | None,
    start: Start | None,
) -> int:
    from game import engine
    from game.plain import PlainGame
    from game.transcript import offer_transcript

    game = PlainGame(
        story, folder, on_end=offer_transcript, autosave_slot=autosave_slot(args.autosave_slot)
    )
    state = loaded.state if loaded is not None else None
    if state is None and start is not None:
        role = args.role or game.pick_role()
        if role is None:
            return 0
        state = engine.new_game(story, role, start)
    return game.run(state, role=args.role)


def _run_module(module: str, func: str, args: argparse.Namespace) -> int:
    import importlib

    result: int = getattr(importlib.import_module(module), func)(args)
    return result


HANDLERS = {
    "play": cmd_play,
    "check": cmd_check,
}
#: commands that live in modules of their own: (module, function)
MODULE_HANDLERS = {
    "explore": ("game.analysis", "run_explore"),
    "graph": ("game.graph", "run_graph"),
    "schema": ("game.schema", "run_schema"),
    "transcript": ("game.transcript", "run_transcript"),
    "report": ("game.report", "run_report"),
    "serve": ("game.serve", "run_serve"),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "play")
    args = build_parser().parse_args(argv)
    try:
        if args.command in HANDLERS:
            return HANDLERS[args.command](args)
        module, func = MODULE_HANDLERS[args.command]
        return _run_module(module, func, args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
