"""Where a story holds control characters (an escape sequence, a bell...).

A terminal acts on them instead of showing them: ESC begins sequences that retitle the
window, write the clipboard (OSC 52) or clear the screen. Every front end strips them
from what it shows (`game.core.text.shown`); `mar-a-lago check` names where they are,
so the author can remove them.

TOML allows them only through escapes in basic strings (`\\u001b`, `\\e`, `\\x1b`, `\\b`,
`\\f`, `\\r`...) and C1 characters written as they are, so a file without any of those
is skipped without being parsed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tomli

from game.core.text import CONTROL, control_names
from game.format.loader import MAX_FILE_BYTES, Problem, story_files
from game.format.locate import Locator

#: what may put a control character into a TOML string (more than that: a quick filter)
_MAYBE = re.compile(
    r"\\(?:u00[0-9a-fA-F]{2}|U0000[0-9a-fA-F]{2}|x[0-9a-fA-F]{2}|[bfre])|[\x80-\x9f]"
)

_C1 = re.compile(r"[\x80-\x9f]")


def control_problems(folder: Path) -> list[Problem]:
    """One warning per string of the story that holds control characters, at its line.

    Never raises: a file that cannot be read or parsed is the loader's to report."""
    text_root = str(folder)
    root = text_root.rstrip("/") if text_root not in (".", "") else ""
    found: list[Problem] = []
    try:
        files = story_files(folder)
    except (OSError, ValueError):
        return found
    for path in files:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            source = path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            continue
        if "\\" not in source and (source.isascii() or _C1.search(source) is None):
            continue  # no escape and no C1 character: nothing to find (quick tests first)
        if _MAYBE.search(source) is None:
            continue
        try:
            data = tomli.loads(source)
        except (tomli.TOMLDecodeError, RecursionError, ValueError):
            continue
        rel = path.relative_to(folder).as_posix()
        display = f"{root}/{rel}" if root else rel
        locator: Locator | None = None
        for key, value in _strings(data, ()):
            if CONTROL.search(value) is None:
                continue
            if locator is None:
                locator = Locator(source)
            names = ", ".join(control_names(value))
            dotted = ".".join(str(k) for k in key)
            found.append(
                Problem(
                    display,
                    locator.line(key),
                    f"{dotted} holds control characters ({names}); they are never shown "
                    "(a terminal would act on them); remove them",
                )
            )
    return found


def _strings(value: Any, key: tuple[str | int, ...], depth: int = 0) -> Iterator[tuple[Any, str]]:
    if isinstance(value, str):
        yield key, value
    elif depth > 200:
        return
    elif isinstance(value, dict):
        for name, item in value.items():
            yield (*key, name), name  # a quoted key may hold them too
            yield from _strings(item, (*key, name), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*key, index), depth + 1)
