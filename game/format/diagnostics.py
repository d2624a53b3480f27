"""Diagnostics: one problem of a story, located (`path:line:column: message`), and the
error that carries them all."""

from __future__ import annotations

import attrs

from game.core.errors import MarALagoError


@attrs.frozen
class Problem:
    """One thing wrong with a story, where it is and what to do: `path:line:column:
    message` (the column, 1-based, when it is known; 0 when only the line is)."""

    path: str
    line: int
    message: str
    column: int = 0
    #: the kind of problem, for tools (`check --format json`, the language server)
    code: str = ""

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}" if self.column else f"{self.line}"
        return f"{self.path}:{where}: {self.message}"


class StoryLoadError(MarALagoError):
    """The story has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
