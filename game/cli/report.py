"""`mar-a-lago report`: a class overview from many saves."""

from __future__ import annotations

import argparse
import sys

from game.cli.common import deliver, load_or_report
from game.core.text import shown
from game.tools.documents.report import collect, n_games, render_report


def run_report(args: argparse.Namespace) -> int:

    story = load_or_report(args.story)
    if story is None:
        return 1
    collection = collect(story, args.saves)
    for skipped in collection.skipped:
        print(shown(f"Skipped {skipped.name}: {skipped.reason}"), file=sys.stderr)
    if not collection.games and not collection.duos:
        print(
            f"No usable saves of '{story.id}' version {story.version} among "
            f"{collection.files} save file(s); nothing to report.",
            file=sys.stderr,
        )
        return 1
    text = render_report(story, collection, args.format)
    status = deliver(text, args.output, "report")
    if status or args.output is None:
        return status
    print(shown(f"Report of {n_games(len(collection.games))} written to {args.output}"))
    return 0
