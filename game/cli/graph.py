"""`mar-a-lago graph`: the story map as Mermaid or Graphviz DOT."""

from __future__ import annotations

import argparse
import sys

from game.cli.common import load_or_report, role_exists
from game.tools.graph import dot, mermaid


def run_graph(args: argparse.Namespace) -> int:
    story = load_or_report(args.story)
    if story is None:
        return 1
    role = getattr(args, "role", None)
    if not role_exists(story, role):
        return 2
    draw = dot if args.format == "dot" else mermaid
    sys.stdout.write(draw(story, role=role, labels=not getattr(args, "no_labels", False)))
    return 0
