"""`mar-a-lago schema`: the JSON Schema of a story file."""

from __future__ import annotations

import argparse
import sys

from game.tools.schema import schema_json


def run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_json())
    return 0
