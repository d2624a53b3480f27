"""Every field of a save, checked on read (the checksum only says nobody edited it
carelessly: anyone can write a new one).

A save whose fields are of the wrong type (cattrs would turn `5` into `"5"`), hold
control characters, numbers past any story's, a time that cannot be shown (year
9999 at -23:59 overflows when made local) or lies in the future (it would stay the
newest save, the one Continue resumes, forever), or a summary that disagrees with its
choices, is refused with what is wrong, and left as it is on disk.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from game.core.text import CONTROL

#: the most choices one save holds (its replay on load stays within a few seconds)
MAX_CHOICES = 100_000
#: the longest id (a scene, choice, role, story) and the longest of any other text
MAX_ID = 200
MAX_TEXT = 10_000
#: the largest number any field may hold (meters, steps, sequence numbers)
MAX_INT = 10**18
#: a save's time may be this far ahead of this computer's clock (another computer's)
CLOCK_SLACK = dt.timedelta(days=1)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def same_shape(original: Any, again: Any, path: str = "") -> str:
    """ "" when `again` (the save structured and unstructured back) has every value of
    `original` (the file's payload) with the same type; else the first path that does
    not. Keys missing from the file took their defaults and are not compared."""
    if isinstance(original, dict):
        if not isinstance(again, Mapping):
            return path or "the save"
        for key, value in original.items():
            if key not in again:
                return f"{path}.{key}".lstrip(".")
            found = same_shape(value, again[key], f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(original, list):
        if not isinstance(again, list | tuple) or len(again) != len(original):
            return path
        for index, (left, right) in enumerate(zip(original, again, strict=True)):
            found = same_shape(left, right, f"{path}[{index}]")
            if found:
                return found
        return ""
    if type(original) is not type(again) or original != again:
        return path
    return ""


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 time with its offset, as UTC; None if it is not one (or cannot be
    made UTC or local: year 9999 at -23:59 is past year 9999 in UTC)."""
    try:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            return None
        utc = moment.astimezone(dt.UTC)
        utc.astimezone()  # local time, as a list shows it
    except (ValueError, OverflowError, OSError):
        return None
    return utc


def problem(payload: Mapping[str, Any], now: dt.datetime | None = None) -> str:
    """What is wrong with a save's fields (the unstructured save), or ""."""
    found = _values(payload, "")
    if found:
        return found
    choices = payload.get("choices", [])
    if len(choices) > MAX_CHOICES:
        return f"{len(choices):,} choices, more than the {MAX_CHOICES:,} a save may hold"
    for index, pair in enumerate(choices):
        if len(pair) != 2 or not all(0 < len(part) <= MAX_ID for part in pair):
            return f"choices[{index}] is not a scene and a choice"
    for key in ("role",):
        if not 0 < len(payload.get(key, "")) <= MAX_ID:
            return f"{key} is not an id"
    story = payload.get("story", {})
    for key in ("id", "version", "digest"):
        if len(story.get(key, "")) > MAX_ID:
            return f"story.{key} is too long"
    summary = payload.get("summary", {})
    if summary.get("steps") != len(choices):
        return f"its summary counts {summary.get('steps')} choices, not {len(choices)}"
    now = now or dt.datetime.now(dt.UTC)
    for where, text in _times(payload):
        moment = parse_time(text)
        if moment is None:
            return f"{where} is not a time ({text[:40]!r})"
        if not EARLIEST <= moment <= now + CLOCK_SLACK:
            return f"{where} is {text[:40]!r}, not a time this save could have been made"
    for index, item in enumerate(payload.get("news", [])):
        if not 0 <= item.get("step", -1) <= len(choices):
            return f"news[{index}] came after a choice that was not made"
    closed = payload.get("closed")
    if closed is not None and not 0 <= closed <= len(choices):
        return f"closed after {closed} choices, of {len(choices)}"
    return ""


def _times(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    times = [("saved_at", payload.get("saved_at", ""))]
    game = payload.get("game")
    if isinstance(game, Mapping) and game.get("started_at"):
        times.append(("game.started_at", game["started_at"]))
    return times


def _values(value: Any, path: str, depth: int = 0) -> str:
    """The first string with control characters or too long, or number out of range."""
    if depth > 20:
        return f"{path} is nested too deeply"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return f"{path} is {len(value):,} characters long"
        if CONTROL.search(value):
            return f"{path} holds control characters"
        return ""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return "" if -MAX_INT <= value <= MAX_INT else f"{path} is out of range"
    if isinstance(value, float):
        return "" if math.isfinite(value) and abs(value) <= MAX_INT else f"{path} is out of range"
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _values(key, f"{path} key", depth + 1) or _values(
                item, f"{path}.{key}".lstrip("."), depth + 1
            )
            if found:
                return found
        return ""
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _values(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return ""
