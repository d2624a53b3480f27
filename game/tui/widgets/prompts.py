"""List entries that wrap with a hanging indent: '1. text' and 'title' + indented details.

Entries are rich `Text` objects built from plain strings, so story text is never read as
markup.
"""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

INDENT = 3


def numbered(number: int, text: Text, *notes: Text) -> Table:
    """'1. text' with wrapped lines (and any notes) aligned under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    grid.add_row(f"{number}.", text)
    for note in notes:
        grid.add_row("", note)
    return grid


def detailed(head: Text, *details: Text) -> Group:
    """A head line, then each detail indented beneath it."""
    return Group(head, *(Padding(detail, (0, 0, 0, INDENT)) for detail in details))
