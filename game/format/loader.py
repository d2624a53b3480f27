"""A story folder -> a frozen `Story`, or every problem at once with `path:line`.

Each file is read and parsed with tomli, its tables checked against the format on
their own (`game.format.shapes`); then the files are merged, the references between
them checked (`game.format.references`) and the model made (`game.format.build`).
Nothing in a story is ever evaluated as code.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from pathlib import Path
from typing import Any

import tomli

from game.core.model import Story
from game.format.build import Build
from game.format.diagnostics import Problem, StoryLoadError
from game.format.shapes import (
    CHOICE_ID,
    FORMAT,
    ID,
    RESERVED_CONDITION_KEYS,
    ROOT_KEYS,
    SHAPES,
    StoryFile,
)

__all__ = [
    "CHOICE_ID",
    "FORMAT",
    "ID",
    "MAX_FILE_BYTES",
    "RESERVED_CONDITION_KEYS",
    "ROOT_KEYS",
    "SHAPES",
    "Problem",
    "StoryLoadError",
    "check_story",
    "load_story",
    "story_files",
]

#: files over this size are refused before parsing (a story file is prose, not data)
MAX_FILE_BYTES = 2_000_000


# -- reading the files -------------------------------------------------------------


def story_files(folder: Path) -> list[Path]:
    """Every .toml file under `folder`, subfolders included, in sorted path order."""
    return sorted(
        p
        for p in folder.rglob("*.toml")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _read(path: Path, display: str, out: list[Problem]) -> tuple[bytes, str] | None:
    try:
        size = path.stat().st_size  # a huge file is refused before it is read
        raw = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        out.append(
            Problem(display, 1, f"cannot read this file ({exc.strerror}); check its permissions")
        )
        return None
    if max(size, len(raw)) > MAX_FILE_BYTES:
        out.append(
            Problem(
                display,
                1,
                f"file is {max(size, len(raw)):,} bytes, over the limit of {MAX_FILE_BYTES:,}; "
                "split it into several files",
            )
        )
        return None
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        out.append(
            Problem(
                display,
                line,
                f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        )
        return None


_TOMLI_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def _parse(text: str, display: str, out: list[Problem]) -> dict[str, Any] | None:
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOMLI_POS.search(message)
        # the line and column tomli gives (at the end of the document: after its last line)
        line = text.count("\n") + 1
        column = len(text) - text.rfind("\n")
        if match and match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        elif getattr(exc, "lineno", None):
            line, column = exc.lineno, getattr(exc, "colno", 0) or 0
        message = _TOMLI_POS.sub("", message)
        hint = "fix the TOML syntax here"
        if "Cannot declare" in message or "Cannot overwrite" in message:
            hint = "each id and key may be defined once; rename or remove the second one"
            first = _first_header(text, message, line)
            if first:
                hint = f"it is first defined at line {first}; " + hint
        elif message.startswith("Illegal character") or "Unclosed" in message:
            hint = "fix the TOML syntax here (is a quote or bracket missing?)"
        out.append(Problem(display, line, f"TOML syntax: {message}; {hint}", column, "toml-syntax"))
        return None
    except RecursionError:
        out.append(Problem(display, 1, "tables or arrays are nested too deeply; flatten them"))
        return None
    except ValueError:  # not a TOMLDecodeError: int()'s limit of 4,300 digits
        long = re.search(r"[0-9_]{4300,}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        out.append(Problem(display, line, "a number of over 4,300 digits; write a smaller one"))
        return None


_DECLARED = re.compile(r"Cannot declare \((.*)\) twice")


def _first_header(text: str, message: str, line: int) -> int | None:
    """The line of the first `[a.b]` header that a duplicate declaration repeats."""
    match = _DECLARED.search(message)
    if not match:
        return None
    parts = [p.strip().strip("'\"") for p in match.group(1).split(",") if p.strip()]
    wanted = ".".join(parts)
    for number, row in enumerate(text.splitlines()[: max(line - 1, 0)], start=1):
        header = row.strip()
        if header.startswith("[") and not header.startswith("[["):
            name = header.strip("[] \t").split("#")[0].strip().rstrip("]").strip()
            if ".".join(p.strip().strip("'\"") for p in name.split(".")) == wanted:
                return number
    return None


# -- the whole load ----------------------------------------------------------------


class _Builder(Build):
    """One load: each file read, parsed and shape-checked, then the model built."""

    def add_file(self, path: Path) -> None:
        rel = path.relative_to(self.folder).as_posix()
        try:
            rel.encode()
        except UnicodeEncodeError:
            shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
            named = f"{self.display_root}/{shown}" if self.display_root else shown
            self.problems.append(Problem(named, 1, "the file name is not UTF-8; rename the file"))
            self.unreadable += 1
            return
        display = f"{self.display_root}/{rel}" if self.display_root else rel
        read = _read(path, display, self.problems)
        if read is None:
            self.unreadable += 1
            self.note_unreadable(None)
            return
        raw, text = read
        self.digest.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
        data = _parse(text, display, self.problems)
        if data is None:
            self.unreadable += 1
            self.note_unreadable(text)
            return
        self.add_tables(StoryFile(display, data, text, self.problems))


def _display_root(folder: Path) -> str:
    text = str(folder)
    return text.rstrip("/") if text not in (".", "") else ""


def check_story(folder: Path | str) -> tuple[Story | None, list[Problem]]:
    """Load a story folder: the story, or None and every problem found."""
    folder = Path(folder)
    display = _display_root(folder)
    if not folder.exists():
        return None, [Problem(display or ".", 1, "no such folder; give the path of a story folder")]
    if not folder.is_dir():
        return None, [Problem(display, 1, "not a folder; a story is a folder of .toml files")]
    builder = _Builder(folder, display)
    try:
        files = story_files(folder)
    except OSError as exc:
        return None, [Problem(display, 1, f"cannot list this folder ({exc.strerror})")]
    if not files:
        return None, [
            Problem(display or ".", 1, "no .toml files in this folder; a story needs at least one")
        ]
    # tomli and the model make many objects and no cycles: left on, the collector
    # would walk them all again and again as they pile up (a fifth of the time on a
    # large story), and find nothing to free
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in files:
            builder.add_file(path)
        story = builder.build()
    finally:
        if collecting:
            gc.enable()
    return story, builder.problems


def load_story(folder: Path | str) -> Story:
    """The story in `folder`; raises `StoryLoadError` listing every problem."""
    story, problems = check_story(folder)
    if story is None:
        raise StoryLoadError(problems)
    return story
