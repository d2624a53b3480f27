"""List entries that wrap with a hanging indent: '1. text' and 'title' + indented details.

Entries are built from plain strings (rich `Text` or literal `Content`), so story text is
never read as markup.
"""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

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


class Numbered(Visual):
    """'1. text' with wrapped lines (and any notes) aligned under the text, as `numbered`
    lays it out, but a Textual visual: an option list measures and renders it without
    Rich's table layout (which cost most of a keypress's frame)."""

    def __init__(self, number: int, text: Content, *notes: Content) -> None:
        self.label = Content(f"{number}.")
        self.body = Content("\n").join([text, *notes])
        #: the label and one space before the text
        self.indent = self.label.cell_length + 1

    @property
    def plain(self) -> str:
        """The entry as text: the label, the text and the notes, one a line."""
        pad = " " * self.indent
        return "\n".join(
            (self.label.plain + " " if i == 0 else pad) + line
            for i, line in enumerate(self.body.plain.split("\n"))
        )

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.indent + self.body.get_optimal_width(rules, container_width - self.indent)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.indent + self.body.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.body.get_height(rules, max(1, width - self.indent))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        if width <= 0:
            return []
        indent = min(self.indent, width - 1)
        if indent <= 0:  # one cell: the text alone
            return self.body.render_strips(width, height, style, options)
        rich_style = style.rich_style
        strips = self.body.render_strips(width - indent, height, style, options)
        label = Strip(self.label.render_segments(style), self.label.cell_length)
        first = label.crop(0, indent - 1).extend_cell_length(indent, rich_style)
        blank = Strip.blank(indent, rich_style)
        return [Strip.join([first if y == 0 else blank, strip]) for y, strip in enumerate(strips)]
