"""Reading a line of input with a bound on its length.

`readline()` on input that never ends a line (`< /dev/zero`, a stuck pipe) grows one
string until memory runs out. A line here is at most `MAX_LINE` characters: a longer
one is skipped to its end and read as "" (the question is asked again), and input that
runs `SKIP_LIMIT` characters without a line end is taken as ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from game.core.engine import Option

#: the longest answer line mode reads (a choice number, `s NAME`: a few characters)
MAX_LINE = 1_000
#: a line this long without its end: the input is not lines, and is taken as ended
SKIP_LIMIT = 1_000_000
_CHUNK = 65_536


def read_line(stream: TextIO) -> str | None:
    """The next line (with its newline) of at most MAX_LINE characters; "" for a longer
    one (skipped to its end); None at the end of input."""
    line = stream.readline(MAX_LINE + 1)
    if not line:
        return None
    if len(line) <= MAX_LINE or line.endswith("\n"):
        return line
    skipped = len(line)
    while skipped < SKIP_LIMIT:
        rest = stream.readline(_CHUNK)
        if not rest:
            return None
        if rest.endswith("\n"):
            return ""
        skipped += len(rest)
    return None


def number(answer: str, count: int) -> int | None:
    """The item a line names (1..count), or None; "²", "①" and 5,000 digits are None."""
    if not (answer.isascii() and answer.isdigit() and len(answer) <= 6):
        return None
    value = int(answer)
    return value if 1 <= value <= count else None


def pick(answer: str, visible: Sequence[Option]) -> Option | str:
    """The open choice a line names, or what to tell the player instead."""
    picked = number(answer, len(visible))
    if picked is None:
        return f"Please type a number from 1 to {len(visible)} (or ? for help)."
    option = visible[picked - 1]
    if not option.open:
        return f"That choice is locked: {option.reason}"
    return option
