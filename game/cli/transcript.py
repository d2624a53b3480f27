"""`mar-a-lago transcript`: one game as a Markdown or HTML document."""

from __future__ import annotations

import argparse
import sys

from game.cli.common import deliver, load_or_report, saves_dir
from game.core.text import shown
from game.persist import saves
from game.tools.documents.transcript import render_transcript


def run_transcript(args: argparse.Namespace) -> int:

    story = load_or_report(args.story)
    if story is None:
        return 1
    path = saves.resolve(saves_dir(args), args.save)
    try:
        loaded = saves.load(story, path)
    except saves.SaveError as exc:
        print(shown(f"Cannot write a transcript: {exc}"), file=sys.stderr)
        return 1
    if loaded.notice:
        print(shown(loaded.notice), file=sys.stderr)
    text = render_transcript(story, loaded.state, args.format)
    status = deliver(text, args.output, "transcript")
    if status or args.output is None:
        return status
    print(shown(f"Transcript written to {args.output}"))
    return 0
