"""`mar-a-lago graph`: the story map as Mermaid or Graphviz DOT."""

from __future__ import annotations

import argparse
import sys

from game.cli.common import load_or_report
from game.tools.graph import dot, mermaid


def run_graph(args: argparse.Namespace) -> int:

    story = load_or_report(args.story)
    if story is None:
        return 1
    sys.stdout.write(dot(story) if args.format == "dot" else mermaid(story))
    return 0
