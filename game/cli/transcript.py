"""`mar-a-lago transcript`: one game as a Markdown or HTML document, or (given a folder)
every game of a class folder at once (`transcript DIR -o FOLDER`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.cli.common import deliver, load_or_report, saves_dir
from game.core.model import Story
from game.core.text import shown
from game.persist import saves
from game.plain.flags import with_flag
from game.tools.documents.duo_transcript import render_duo_transcript
from game.tools.documents.games import collect, who
from game.tools.documents.transcript import render_transcript


def run_transcript(args: argparse.Namespace) -> int:

    story = load_or_report(args.story)
    if story is None:
        return 1
    if Path(args.save).is_dir():
        return every_transcript(story, Path(args.save), args.output, args.format)
    path = saves.resolve(saves_dir(args), args.save)
    try:
        loaded = saves.load(story, path)
    except saves.SaveError as exc:
        print(f"Cannot write a transcript: {with_flag(exc)}", file=sys.stderr)
        return 1
    if loaded.notice:
        print(loaded.notice, file=sys.stderr)
    player = loaded.save.game.player if loaded.save.game is not None else saves.Player()
    if loaded.duo is not None:  # a duo summit's game: round by round, for the save's side
        side = loaded.save.duo.side if loaded.save.duo is not None else ""
        text = render_duo_transcript(story, loaded.duo, side, args.format)
    else:
        text = render_transcript(story, loaded.state, args.format, who(player))
    status = deliver(text, args.output, "transcript")
    if status or args.output is None:
        return status
    print(f"Transcript written to {args.output}")
    return 0


def every_transcript(story: Story, folder: Path, output: Path | None, fmt: str) -> int:
    """Every game of a class folder (each game once), a transcript each, into `output`."""
    if output is None:
        print(
            f"{folder} is a folder: give the folder the transcripts go to with -o FOLDER",
            file=sys.stderr,
        )
        return 2
    collection = collect(story, [folder])
    for skipped in collection.skipped:
        print(shown(f"Skipped {skipped.name}: {skipped.reason}"), file=sys.stderr)
    if not collection.games and not collection.duos:
        print(f"No game of '{story.id}' to write in {folder}.", file=sys.stderr)
        return 1
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"Cannot use {output} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    written = 0
    for game in collection.games:
        target = output / f"{Path(game.name).stem}-transcript.{fmt}"
        text = render_transcript(story, game.state, fmt, game.who)
        if deliver(text, target, "transcript"):
            continue
        written += 1
    for duo_game in collection.duos:
        target = output / f"{Path(duo_game.name).stem}-transcript.{fmt}"
        text = render_duo_transcript(story, duo_game.state, duo_game.side, fmt)
        if not deliver(text, target, "transcript"):
            written += 1
    print(f"{written} transcript(s) written to {output}")
    return 0 if written == len(collection.games) + len(collection.duos) else 1
