"""The `mar-a-lago` command: one module per subcommand."""

from game.cli.main import main

__all__ = ["main"]
