"""`mar-a-lago lsp`: the language server for editors, over stdin and stdout."""

from __future__ import annotations

import argparse


def run_lsp(args: argparse.Namespace) -> int:
    from game.lsp.server import serve_stdio

    serve_stdio()
    return 0
