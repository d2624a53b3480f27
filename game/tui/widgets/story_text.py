"""Story prose shown exactly as written: never parsed as markup."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import Static

from game.core.text import paragraphs


def prose(texts: Iterable[str]) -> Content:
    """Texts as paragraphs separated by a blank line, as plain (literal) content."""
    return Content("\n\n".join(p for text in texts for p in paragraphs(text)))


class StoryText(Static):
    """A block of story text: a scene's or an ending's text and the passages that hold."""

    def __init__(self, texts: Iterable[str] = (), *, id: str | None = None) -> None:
        super().__init__(prose(texts), id=id)

    def show(self, texts: Iterable[str]) -> None:
        self.update(prose(texts))
