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

from game import __version__

COMMANDS = (
    "play",
    "check",
    "explore",
    "graph",
    "schema",
    "transcript",
    "report",
    "serve",
    "init",
    "teach",
    "lsp",
)


def _story_arg(
    parser: argparse.ArgumentParser,
    *_flags: str,
    positional: bool = True,
    default: str = "the story that ships with the game",
) -> None:
    """`--story DIR` and, where the command has room for it, a positional STORY_DIR: every
    command takes the story folder either way (`_merge_story` joins the two)."""
    parser.add_argument(
        "--story",
        dest="story",
        metavar="DIR",
        type=Path,
        default=None,
        help=f"story folder (default: {default})",
    )
    if positional:
        parser.add_argument(
            "story_dir",
            metavar="STORY_DIR",
            nargs="?",
            type=Path,
            default=None,
            help="story folder, as --story DIR",
        )


def _is_story_folder(path: Path) -> bool:
    """A folder of .toml files and no saves: a story, not a folder of saves (`report`)."""
    try:
        return (
            path.is_dir()
            and next(path.rglob("*.toml"), None) is not None
            and next(path.glob("*.json"), None) is None
        )
    except OSError:
        return False


def _merge_story(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """One `args.story` from `--story DIR` or the positional folder (or, for `report`, a
    story folder among its paths)."""
    given = getattr(args, "story_dir", None)
    if args.command == "report" and given is None:
        folders = [p for p in args.saves if _is_story_folder(p)]
        if folders and len(folders) < len(args.saves):
            given = folders[0]
            args.saves = [p for p in args.saves if p != given]
    if given is None:
        return
    if getattr(args, "story", None) is not None and args.story != given:
        parser.error(f"two story folders ({args.story} and {given}): give one, as DIR or --story")
    args.story = given


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
    from game.persist.saves import SaveError, check_slot_name

    if text == "unique":
        return text
    try:
        return check_slot_name(text)
    except SaveError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _player(text: str) -> str:
    """A player's name or team: printable, 1 to 40 characters."""
    text = " ".join(text.split())
    if not text or len(text) > 40 or not text.isprintable():
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 to 40 printable characters")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mar-a-lago",
        description=(
            "Play, check and write branching role-play stories kept in TOML files. "
            "Every command takes a story folder (STORY_DIR or --story DIR); without one, "
            "it uses the story that ships with the game."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game (the default command)")
    _story_arg(play, "--story")
    _saves_arg(play)
    play.add_argument("--role", help="play this role (skips role selection)")
    play.add_argument(
        "--duo",
        action="store_true",
        help="a duo summit at this screen: two players, one for each side (hot-seat)",
    )
    play.add_argument(
        "--room",
        metavar="NAME",
        help="a duo summit in room NAME of the saves folder: your side here (--role), "
        "the other side in another terminal with the same --saves-dir",
    )
    play.add_argument(
        "--load",
        metavar="SLOT",
        help="resume the save in this slot ('autosave': the newest autosave of the story)",
    )
    play.add_argument(
        "--plain",
        action="store_true",
        help="line mode without the full-screen UI (screen readers, pipes)",
    )
    play.add_argument(
        "--watch", action="store_true", help="reload the story when its files change (for authors)"
    )
    play.add_argument(
        "--debug",
        action="store_true",
        help="show exact meter values, flags, the scene id and its file:line, visits and "
        "the random seed: in a panel (F12 or ctrl+d hides it), or under each scene with "
        "--plain (for authors)",
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

    play.add_argument(
        "--name",
        type=_player,
        metavar="NAME",
        default=None,
        help="your name, for a class: the teacher's console shows it; your saves and "
        "transcripts are named by it",
    )
    play.add_argument("--team", type=_player, metavar="TEAM", default=None, help="your team")
    # hidden: the game is served to a browser (it asks the player's name first)
    play.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    # hidden: None gives each game its own autosave; "unique" a slot per process (served)
    play.add_argument("--autosave-slot", type=_slot, default=None, help=argparse.SUPPRESS)

    check = sub.add_parser("check", help="check a story for errors and print its statistics")
    _story_arg(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--deep",
        action="store_true",
        help="also search every state and play random games (reachability, dead ends, "
        "reading time); slower",
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="json: one object with every diagnostic (file, line, column, severity, code)",
    )
    check.add_argument(
        "--all", action="store_true", help="list every warning, not grouped when many"
    )

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
    graph.add_argument("--role", help="only the scenes this role can reach by its gotos")
    graph.add_argument(
        "--no-labels", action="store_true", help="edges without labels (a smaller picture)"
    )

    schema = sub.add_parser("schema", help="print the JSON Schema of a story file")
    _story_arg(schema)

    transcript = sub.add_parser("transcript", help="write a playthrough as a document")
    transcript.add_argument(
        "save",
        metavar="SAVE",
        help="a slot name or a save file's path; or a class folder: every game's transcript "
        "(with -o FOLDER)",
    )
    _story_arg(transcript, "--story")
    _saves_arg(transcript)
    transcript.add_argument("--format", choices=("md", "html"), default="md")
    transcript.add_argument("-o", "--output", metavar="FILE", type=Path, default=None)

    report = sub.add_parser("report", help="a class overview from many saves")
    report.add_argument(
        "saves", metavar="SAVES", nargs="+", type=Path, help="save files or folders of saves"
    )
    _story_arg(report, "--story", positional=False)
    report.add_argument(
        "--format",
        choices=("md", "html", "csv"),
        default="md",
        help="md, html (with charts) or csv (one row per game, for a gradebook)",
    )
    report.add_argument("-o", "--output", metavar="FILE", type=Path, default=None)

    serve = sub.add_parser("serve", help="serve the game to web browsers (textual-serve)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--role", help="fix the role for every player")
    _story_arg(serve, "--story")
    _saves_arg(serve)
    from game.cli.serve import add_arguments as serve_arguments

    serve_arguments(serve)

    init = sub.add_parser("init", help="write a small working story to start from")
    init.add_argument("folder", metavar="DIR", type=Path, help="a new or empty folder")
    init.add_argument("--id", dest="story_id", default=None, help="the story's id (default: DIR)")

    teach = sub.add_parser(
        "teach", help="the teacher's live console of a class folder; send news, pause, a clock"
    )
    teach.add_argument(
        "folder", metavar="DIR", type=Path, help="the class folder (where the games save)"
    )
    _story_arg(teach, "--story", positional=False)
    from game.cli.teach import add_arguments

    add_arguments(teach)

    lsp = sub.add_parser(
        "lsp", help="the language server for editors (diagnostics, go to, completion, hover)"
    )
    lsp.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    _story_arg(lsp, default="each file's: the nearest folder with a [story] table")
    return parser


#: each command's handler: (module, function), imported when the command runs
HANDLERS = {
    "play": ("game.cli.play", "cmd_play"),
    "check": ("game.cli.check", "cmd_check"),
    "explore": ("game.cli.explore", "run_explore"),
    "graph": ("game.cli.graph", "run_graph"),
    "schema": ("game.cli.schema", "run_schema"),
    "transcript": ("game.cli.transcript", "run_transcript"),
    "report": ("game.cli.report", "run_report"),
    "serve": ("game.cli.serve", "run_serve"),
    "init": ("game.cli.init", "run_init"),
    "teach": ("game.cli.teach", "run_teach"),
    "lsp": ("game.cli.lsp", "run_lsp"),
}


def _run(command: str, args: argparse.Namespace) -> int:
    import importlib

    module, func = HANDLERS[command]
    result: int = getattr(importlib.import_module(module), func)(args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "play")
    parser = build_parser()
    args = parser.parse_args(argv)
    _merge_story(parser, args)
    try:
        return _run(args.command, args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
