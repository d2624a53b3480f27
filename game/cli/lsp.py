"""`mar-a-lago lsp`: the language server for editors, over stdin and stdout."""

from __future__ import annotations

import argparse
import sys

from game.core.text import shown


def run_lsp(args: argparse.Namespace) -> int:
    if args.story is not None and not args.story.is_dir():
        print(shown(f"lsp: {args.story} is not a folder; give a story folder"), file=sys.stderr)
        return 2
    from game.lsp.server import serve_stdio

    serve_stdio(args.story)
    return 0
