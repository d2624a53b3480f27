"""`mar-a-lago schema`: the JSON Schema of a story file (of a given story: with its ids)."""

from __future__ import annotations

import argparse
import json
import sys

from game.cli.common import load_or_report
from game.tools.schema import schema_json


def run_schema(args: argparse.Namespace) -> int:
    if getattr(args, "story", None) is None:
        sys.stdout.write(schema_json())
        return 0
    from game.tools.story_schema import story_schema

    story = load_or_report(args.story)
    if story is None:
        return 1
    sys.stdout.write(json.dumps(story_schema(story), indent=2, ensure_ascii=False) + "\n")
    return 0
