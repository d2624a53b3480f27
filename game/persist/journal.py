"""The save file on disk (format 2): a header line, then one line per choice.

    {"format":2,"story":{...},"role":...,"steps":2,"saved_at":...,"summary":{...},"check":...}
    ["hall","warm"]
    ["yard","wait"]
    ["garden","rest","2026-12-04T10:00:00+00:00",{"scene":...,"steps":3},"<chain>"]

A save is still the list of choices made, replayed through the engine on load. The
header holds everything else of the save and the number of choice lines written with
it (`steps`); `check` is the sha256 of the header and those lines. A choice made
later is *appended* as one line with its time, the summary after it and a chained
hash (`chain`: of the line before's hash and this line), so the cost of saving a
choice stays the same however long the game is. Anything else (an undo, a loaded
game, a changed header) rewrites the whole file atomically (temp file, fsync, rename).

A crash mid-append leaves a last line without its newline (or, at worst, a last line
that does not verify): it is dropped, and the save is the one before that choice,
whole. Any other line that does not verify makes the file a damaged save.
Format 1 (one JSON object, `saves.py`) is still read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

FORMAT = 2
#: the header's own keys (beside the save's fields)
STEPS, CHECK = "steps", "check"


class JournalError(ValueError):
    """The file is not a readable format-2 save; the message says why in words."""


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _chain(previous: str, body: bytes) -> str:
    return hashlib.sha256(previous.encode() + body).hexdigest()[:32]


def encode(
    fields: Mapping[str, Any],
    choices: Sequence[Sequence[str]],
    saved_at: str,
    summary: Mapping[str, Any],
) -> tuple[bytes, str]:
    """The whole file for a save (its `fields` without choices, time and summary), and
    the hash an appended line chains on."""
    lines = [canonical([scene, choice]) for scene, choice in choices]
    header = {**fields, "format": FORMAT, STEPS: len(lines), "saved_at": saved_at}
    header["summary"] = dict(summary)
    check = hashlib.sha256(canonical(header) + b"\n" + b"\n".join(lines)).hexdigest()
    header[CHECK] = check
    body = b"\n".join([canonical(header), *lines])
    return body + b"\n", check


def line(
    choice: Sequence[str], saved_at: str, summary: Mapping[str, Any], previous: str
) -> tuple[bytes, str]:
    """One appended choice (its time and the summary after it), chained on `previous`."""
    record = [choice[0], choice[1], saved_at, dict(summary)]
    chain = _chain(previous, canonical(record))
    return canonical([*record, chain]) + b"\n", chain


def header_format(raw: bytes) -> object:
    """The `format` of a first line that is a whole JSON object (a format-2 header), or
    None (a format-1 save is one JSON object spread over many lines)."""
    first = raw.split(b"\n", 1)[0]
    if not (first.startswith(b"{") and first.rstrip().endswith(b"}")):
        return None
    try:
        header = json.loads(first)
    except (ValueError, RecursionError):
        return None
    return header.get("format") if isinstance(header, dict) else None


def decode(raw: bytes) -> tuple[dict[str, Any], str]:
    """The save's payload (as format 1 has it: fields, choices, saved_at, summary) and
    the hash of its last line; raises `JournalError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise JournalError("not UTF-8 text") from None
    lines = text.split("\n")
    lines.pop()  # after the last newline: "" or a line a crash cut short, never used
    if not lines:
        raise JournalError("empty")
    header = _json(lines[0], "its first line")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise JournalError("its first line is not a save's header")
    steps = header.pop(STEPS, None)
    check = header.pop(CHECK, None)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 0 <= steps < len(lines):
        raise JournalError(f"its header counts {steps!r} choice lines")
    base = lines[1 : steps + 1]
    body = canonical({**header, STEPS: steps}) + b"\n" + "\n".join(base).encode()
    if not isinstance(check, str) or hashlib.sha256(body).hexdigest() != check:
        raise JournalError("its checksum does not match: the file was edited by hand or damaged")
    choices: list[Any] = []
    for number, text_line in enumerate(base, start=2):
        pair = _json(text_line, f"line {number}")
        if not (isinstance(pair, list) and len(pair) == 2):
            raise JournalError(f"line {number} is not a choice")
        choices.append(pair)
    chain = check
    appended = lines[steps + 1 :]
    for number, text_line in enumerate(appended, start=steps + 2):
        last = number == len(lines)
        try:
            record = _json(text_line, f"line {number}")
            if not (
                isinstance(record, list)
                and len(record) == 5
                and _chain(chain, canonical(record[:4])) == record[4]
            ):
                raise JournalError(
                    f"line {number} does not match the lines before: the file was edited "
                    "by hand or damaged"
                )
        except JournalError:
            if last:  # a crash while it was written: the save before it stands
                break
            raise
        scene, choice, header["saved_at"], header["summary"], chain = record
        choices.append([scene, choice])
    header["choices"] = choices
    return header, chain


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise JournalError(f"{what} is not readable") from None


@attrs.define
class Tail:
    """A save file this process wrote last, to append the next choice to."""

    header: bytes
    choices: Sequence[tuple[str, str]]
    chain: str
    device: int
    inode: int
    size: int

    def extended_by(self, header: bytes, choices: Sequence[tuple[str, str]]) -> bool:
        """True when `choices` are the ones written here plus one, under the same header."""
        count = len(self.choices)
        return (
            header == self.header
            and len(choices) == count + 1
            and tuple(choices[:count]) == tuple(self.choices)
        )

    def append(self, target: Path, line: bytes) -> bool:
        """Append `line` if the file is still the one written (not replaced or grown by
        another process); False (nothing written) when it is not, or on any error."""
        try:
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))
        except (OSError, ValueError):
            return False
        try:
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino, info.st_size) != (self.device, self.inode, self.size):
                return False
            written = os.write(fd, line)
            os.fsync(fd)
            if written != len(line):
                raise OSError("short write")
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self.size)  # the half line goes; the save before stays
            return False
        finally:
            os.close(fd)
        self.size += len(line)
        return True
