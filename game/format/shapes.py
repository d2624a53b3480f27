"""The story format's shapes: the keys each table takes, and one file's tables checked
against them on their own, each problem located (`path:line`).

`SHAPES` is the contract of the format's keys (the JSON Schema is made from it). A
`StoryFile` is one parsed file with what it needs to say where a key is; the checks
of `ShapeChecks` read one file at a time. What needs the other files (does that goto
name a scene?) is in `game.format.references`; the model is made in
`game.format.build`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from game.format.diagnostics import Problem
from game.format.locate import Headers, Locator, header_lines

FORMAT = 1
ID = re.compile(r"[a-z][a-z0-9_]*\Z")
CHOICE_ID = re.compile(r"[a-z0-9][a-z0-9_]*\Z")
RESERVED_CONDITION_KEYS = ("flags", "not_flags", "any", "chosen", "role", "all", "visits")


# -- the shapes of the tables ----------------------------------------------------

Key = tuple[str | int, ...]


#: integers are meter values, deltas and ranks: past this they are a mistake (and past
#: 4,300 digits Python cannot even print them)
MAX_INT = 10**18


def is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and -MAX_INT < v < MAX_INT


def is_str_list(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


TYPES: dict[str, tuple[Callable[[object], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "int": (is_int, "an integer"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "strs": (is_str_list, "a list of strings"),
    "table": (lambda v: isinstance(v, dict), "a table"),
    "tables": (
        lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
        "a list of tables",
    ),
}

#: key -> (type, required); the story format's keys plus our documented extensions
SHAPES: dict[str, dict[str, tuple[str, bool]]] = {
    "story": {
        "id": ("str", True),
        "title": ("str", True),
        "version": ("str", True),
        "format": ("int", True),
        "subtitle": ("str", False),
        "source": ("str", False),
        "intro": ("str", False),
    },
    "meter": {
        "label": ("str", True),
        "min": ("int", True),
        "max": ("int", True),
        "start": ("int", True),
        "good": ("str", False),
        "help": ("str", False),
    },
    "role": {"label": ("str", True), "start": ("str", True), "blurb": ("str", False)},
    "scene": {
        "title": ("str", True),
        "text": ("str", True),
        "roles": ("strs", False),
        "source": ("strs", False),
        "passages": ("tables", False),
        "choices": ("tables", False),
        "round": ("str", False),
    },
    "passage": {"when": ("table", True), "text": ("str", True), "asserts": ("table", False)},
    "choice": {
        "id": ("str", False),
        "text": ("str", True),
        "goto": ("str", True),
        "effects": ("table", False),
        "set": ("strs", False),
        "clear": ("strs", False),
        "requires": ("table", False),
        "hide_locked": ("bool", False),
        "routes": ("tables", False),
        "locked_reason": ("str", False),
        "set_meters": ("table", False),
        "random": ("tables", False),
    },
    "route": {"when": ("table", True), "goto": ("str", True)},
    "duo": {"roles": ("strs", True), "rounds": ("strs", True), "start": ("table", True)},
    "round": {"title": ("str", True), "text": ("str", False)},
    "inject": {
        "title": ("str", True),
        "text": ("str", True),
        "effects": ("table", False),
        "set": ("strs", False),
        "source": ("strs", False),
        "roles": ("strs", False),
    },
    "ending": {
        "title": ("str", True),
        "text": ("str", True),
        "source": ("strs", False),
        "rank": ("int", False),
        "when": ("table", False),
        "immediate": ("bool", False),
        "questions": ("strs", False),
        "passages": ("tables", False),
        "asserts": ("table", False),
    },
}
ROOT_KEYS = ("story", "meters", "roles", "scenes", "endings", "flags", "injects", "duo", "rounds")
NOTHING: dict[str, Any] = {}
NO_FLAGS: frozenset[str] = frozenset()

#: each shape as `fits` reads it: key -> the type its value has, and the required keys
FAST: dict[str, tuple[dict[str, object], frozenset[str]]] = {
    shape: (
        {
            key: {"str": str, "int": int, "bool": bool, "table": dict}.get(kind, kind)
            for key, (kind, _) in spec.items()
        },
        frozenset(key for key, (_, required) in spec.items() if required),
    )
    for shape, spec in SHAPES.items()
}


def fits(table: dict[str, Any], shape: str) -> bool:
    """True when `check_table` would find nothing wrong (False: let it say what)."""
    kinds, required = FAST[shape]
    for key, value in table.items():
        kind = kinds.get(key)
        t = type(value)
        if kind is t:
            if t is int and not -MAX_INT < value < MAX_INT:
                return False
        elif t is list and kind == "strs":
            for x in value:
                if type(x) is not str:
                    return False
        elif t is list and kind == "tables":
            for x in value:
                if type(x) is not dict:
                    return False
        else:
            return False
    return required <= table.keys()


def suggest(word: str, options: Any) -> str:
    import difflib  # only for a problem: a check without one never loads it

    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def where(path: Key) -> str:
    """'scene 'x', choice 2' from ('scenes', 'x', 'choices', 1, ...)."""
    kinds = {
        "scenes": "scene",
        "endings": "ending",
        "meters": "meter",
        "roles": "role",
        "injects": "inject",
    }
    if len(path) >= 2 and path[0] in kinds:
        text = f"{kinds[str(path[0])]} '{path[1]}'"
        if len(path) >= 4 and path[2] in ("choices", "passages") and isinstance(path[3], int):
            text += f", {str(path[2])[:-1]} {path[3] + 1}"
            if len(path) >= 6 and path[4] == "routes" and isinstance(path[5], int):
                text += f", route {path[5] + 1}"
        return text + ": "
    if path and path[0] == "story":
        return "[story]: "
    return ""


class StoryFile:
    """One parsed file: its data, where its keys are, and the problems found in it.

    The lines come from a full scan of the text (a `Locator`), made only when a
    problem needs one; a story without problems needs only the lines of its
    table headers, which a fast pass finds.
    """

    def __init__(self, display: str, data: dict[str, Any], text: str, out: list[Problem]) -> None:
        self.display = display
        self.data = data
        self.text = text
        self.out = out
        self._locator: Locator | None = None
        self._headers: Headers | None = None

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator

    def line(self, path: Key) -> int:
        return self.locator.line(path)

    def _fast(self) -> Headers | None:
        """The fast pass's header lines, while no full scan was made (else None)."""
        if self._locator is None and self._headers is None:
            self._headers = header_lines(self.text)
            if self._headers is None:  # a line the fast pass cannot read: scan it all
                self._locator = Locator(self.text)
        return self._headers if self._locator is None else None

    def header_line(self, path: Key) -> int:
        """`line(path)` for a table a header may define (a scene, ending or choice)."""
        headers = self._fast()
        if headers is not None:
            found = headers.get(path)
            if found is not None:
                return found
        return self.line(path)

    def element_lines(self, path: Key, count: int) -> list[int]:
        """`header_line((*path, i))` for each i in range(count): an array's elements."""
        headers = self._fast()
        if headers is not None:
            lines = headers.elements.get(path)
            if lines is not None and len(lines) >= count:
                return lines
        return [self.header_line((*path, i)) for i in range(count)]

    def problem(self, path: Key, message: str, code: str = "") -> None:
        line, column = self.locator.position(path)
        self.out.append(Problem(self.display, line, where(path) + message, column, code))

    def check_table(self, table: dict[str, Any], shape: str, path: Key) -> bool:
        """Unknown keys, missing keys and wrong types; True when all is well."""
        if fits(table, shape):
            return True
        ok = True
        spec = SHAPES[shape]
        for key, value in table.items():
            if key not in spec:
                self.problem(
                    (*path, key),
                    f"unknown key '{key}'{suggest(key, spec)}; a {shape} takes: {', '.join(spec)}",
                )
                ok = False
                continue
            check, wanted = TYPES[spec[key][0]]
            if not check(value):
                self.problem((*path, key), f"'{key}' must be {wanted}, not {kind_of(value)}")
                ok = False
        for key, (_, required) in spec.items():
            if required and key not in table:
                self.problem(path, f"missing key '{key}'; add `{key} = ...` to this table")
                ok = False
        return ok


def kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and not is_int(value):
        return "a number of more than 18 digits"
    return {
        str: "a string",
        int: "an integer",
        float: "a number with a fraction",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
