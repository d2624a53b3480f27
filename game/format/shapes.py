"""The story format's shapes: the keys each table takes, and one file's tables checked
against them on their own, each problem located (`path:line`).

`SHAPES` is the contract of the format's keys (the JSON Schema is made from it). A
`StoryFile` is one parsed file with what it needs to say where a key is; the checks
of `ShapeChecks` read one file at a time. What needs the other files (does that goto
name a scene?) is in `game.format.references`; the model is made in
`game.format.build`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from game.core.model import Good, Meter, Role
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

    def header_line(self, path: Key) -> int:
        """`line(path)` for a table a header may define (a scene, ending or choice)."""
        if self._locator is None:
            if self._headers is None:
                self._headers = header_lines(self.text)
                if self._headers is None:  # a line the fast pass cannot read
                    return self.line(path)
            found = self._headers.get(path)
            if found is not None:
                return found
        return self.line(path)

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


def _partial(table: dict[str, Any]) -> bool:
    """A scene or ending table with only passages or choices: written as
    `[[scenes.x.passages]]` with no `[scenes.x]` in the same file."""
    return bool(table) and set(table) <= {"passages", "choices"}


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


# -- the state of one load, and the checks of one file ------------------------------


class LoadState:
    """What a load gathers file by file, before the model is made across files."""

    def __init__(self, folder: Path, display_root: str) -> None:
        self.folder = folder
        self.display_root = display_root
        self.problems: list[Problem] = []
        self.story_table: tuple[StoryFile, dict[str, Any]] | None = None
        self.meters: dict[str, tuple[StoryFile, Meter]] = {}
        self.roles: dict[str, tuple[StoryFile, Role]] = {}
        self.scenes: dict[str, tuple[StoryFile, dict[str, Any]]] = {}
        self.endings: dict[str, tuple[StoryFile, dict[str, Any]]] = {}
        self.injects: dict[str, tuple[StoryFile, dict[str, Any]]] = {}
        self.digest = hashlib.sha256()
        #: tables whose shape check failed: reported, and not built
        self.misshapen: set[Key] = set()
        #: files that could not be read or parsed
        self.unreadable = 0
        #: ids whose table is reported already (misshapen), or that a file tomli cannot
        #: read may define: a reference to one gets no error of its own
        self.maybe_defined: set[tuple[str, str]] = set()
        #: tables that only add passages or choices to a scene or ending (of another
        #: file?), resolved once every file is read: (kind, id, file, table)
        self.partials: list[tuple[str, str, StoryFile, dict[str, Any]]] = []
        #: `[flags]`: each declared flag's help text, and the file declaring it
        self.flag_help: dict[str, str] = {}
        self.flag_files: dict[str, StoryFile] = {}
        #: every flag some choice sets (for the names used in text)
        self.known_flags: set[str] = set()
        #: the duo summit's tables (game.format.duo): [duo], [rounds.<id>], and where a
        #: condition asks that a choice was `chosen` (file, key, "scene/choice")
        self.duo_table: tuple[StoryFile, dict[str, Any]] | None = None
        self.rounds: dict[str, tuple[StoryFile, dict[str, Any]]] = {}
        self.chosen_refs: list[tuple[StoryFile, Key, str]] = []

    def defined(self, kind: str, item_id: str) -> bool:
        """True when a reference to `item_id` needs no error of its own: its table is
        reported already, or an unreadable file may define it."""
        return (kind, item_id) in self.maybe_defined or ("*", "*") in self.maybe_defined


class ShapeChecks(LoadState):
    """Each file on its own: its root tables, and each table's keys and their types."""

    def add_tables(self, f: StoryFile) -> None:
        """The tables of one parsed file: each checked against its shape on its own, and
        kept (meters and roles built at once; scenes and endings built across files)."""
        data = f.data
        for key, value in data.items():
            if key not in ROOT_KEYS:
                f.problem(
                    (key,),
                    f"unknown table '{key}'{suggest(key, ROOT_KEYS)}; "
                    f"a story file holds: {', '.join(ROOT_KEYS)}",
                )
            elif not isinstance(value, dict):
                f.problem((key,), f"'{key}' must be a table, like [{key}] or [{key}.<id>]")
        if isinstance(data.get("story"), dict):
            self._story(f, data["story"])
        if isinstance(data.get("flags"), dict):
            self.declared_flags(f, data["flags"])
        if isinstance(data.get("duo"), dict):
            self._duo(f, data["duo"])
        for kind, target in (
            ("meters", self.meters),
            ("roles", self.roles),
            ("scenes", self.scenes),
            ("endings", self.endings),
            ("injects", self.injects),
            ("rounds", self.rounds),
        ):
            section = data.get(kind)
            if not isinstance(section, dict):
                continue
            for item_id, table in section.items():
                where: Key = (kind, item_id)
                if not isinstance(table, dict):
                    f.problem(where, f"must be a table: write [{kind}.{item_id}] and its keys")
                    continue
                if not ID.match(item_id):
                    f.problem(where, "ids use a-z, 0-9 and _, starting with a letter")
                if kind in ("scenes", "endings") and _partial(table):
                    self.partials.append((kind, item_id, f, table))
                    continue
                if item_id in target:
                    other, _ = target[item_id]
                    other_line = other.line(where)
                    f.problem(
                        where,
                        f"defined twice: here and at {other.display}:{other_line}; "
                        "rename or remove one",
                    )
                    continue
                if kind == "meters":
                    meter = self._meter(f, item_id, table)
                    if meter:
                        target[item_id] = (f, meter)  # type: ignore[assignment]
                    else:  # reported: what names it gets no error of its own
                        self.maybe_defined.add(("meters", item_id))
                elif kind == "roles":
                    if f.check_table(table, "role", where):
                        target[item_id] = (f, Role(item_id, **table))  # type: ignore[assignment]
                    else:
                        self.maybe_defined.add(("roles", item_id))
                elif kind == "scenes":
                    if item_id == "end":
                        f.problem(where, "'end' is reserved for `goto = \"end\"`; rename the scene")
                    target[item_id] = (f, table)  # type: ignore[assignment]
                    self._shape_scene(f, item_id, table)
                elif kind == "injects":
                    target[item_id] = (f, table)  # type: ignore[assignment]
                    self._shape(f, table, "inject", where)
                elif kind == "rounds":
                    target[item_id] = (f, table)  # type: ignore[assignment]
                    self._shape(f, table, "round", where)
                else:
                    target[item_id] = (f, table)  # type: ignore[assignment]
                    self._shape_ending(f, item_id, table)

    def _duo(self, f: StoryFile, table: dict[str, Any]) -> None:
        """A file's `[duo]`: at most one in the story (built in `game.format.duo`)."""
        if self.duo_table is not None:
            other = self.duo_table[0]
            f.problem(
                ("duo",),
                f"defined twice: here and at {other.display}:{other.line(('duo',))}; "
                "a story has at most one [duo]",
            )
            return
        self.duo_table = (f, table)

    def declared_flags(self, f: StoryFile, table: dict[str, Any]) -> None:
        raise NotImplementedError  # game.format.additions

    def _story(self, f: StoryFile, table: dict[str, Any]) -> None:
        if self.story_table is not None:
            other = self.story_table[0]
            f.problem(
                ("story",),
                f"defined twice: here and at {other.display}:{other.line(('story',))}; "
                "exactly one file holds [story]",
            )
            return
        self.story_table = (f, table)
        if f.check_table(table, "story", ("story",)) and table["format"] != FORMAT:
            f.problem(
                ("story", "format"),
                f"format {table['format']} is not one this game reads; use format = {FORMAT}",
            )

    def _meter(self, f: StoryFile, meter_id: str, table: dict[str, Any]) -> Meter | None:
        path = ("meters", meter_id)
        if meter_id in RESERVED_CONDITION_KEYS:
            f.problem(path, f"'{meter_id}' is reserved in conditions; give the meter another id")
            return None
        if not f.check_table(table, "meter", path):
            return None
        if table["min"] >= table["max"]:
            f.problem((*path, "min"), f"min ({table['min']}) must be below max ({table['max']})")
            return None
        if not table["min"] <= table["start"] <= table["max"]:
            f.problem(
                (*path, "start"),
                f"start {table['start']} lies outside the range "
                f"{table['min']}..{table['max']}; pick a start within it",
            )
            return None
        if table.get("good", Good.HIGH) not in tuple(Good):
            f.problem((*path, "good"), f'good must be "high" or "low", not "{table["good"]}"')
            return None
        return Meter(id=meter_id, **table)

    def _shape(self, f: StoryFile, table: dict[str, Any], shape: str, path: Key) -> bool:
        if f.check_table(table, shape, path):
            return True
        self.misshapen.add(path)
        return False

    def _shape_scene(self, f: StoryFile, scene_id: str, table: dict[str, Any]) -> None:
        path: Key = ("scenes", scene_id)
        if not self._shape(f, table, "scene", path):
            return
        for i, passage in enumerate(table.get("passages", [])):
            self._shape(f, passage, "passage", (*path, "passages", i))
        seen: dict[str, int] = {}
        for i, choice in enumerate(table.get("choices", [])):
            cpath = (*path, "choices", i)
            if not self._shape(f, choice, "choice", cpath):
                continue
            choice_id = choice.get("id", str(i + 1))
            if not CHOICE_ID.match(choice_id):
                f.problem((*cpath, "id"), f"choice id '{choice_id}' must use a-z, 0-9 and _")
            if choice_id in seen:
                f.problem(
                    (*cpath, "id") if "id" in choice else cpath,
                    f"choice id '{choice_id}' is used twice in this scene "
                    f"(also choice {seen[choice_id] + 1}); give each choice its own id",
                )
            seen[choice_id] = i
            for j, route in enumerate(choice.get("routes", [])):
                self._shape(f, route, "route", (*cpath, "routes", j))

    def _shape_ending(self, f: StoryFile, ending_id: str, table: dict[str, Any]) -> None:
        path: Key = ("endings", ending_id)
        if not self._shape(f, table, "ending", path):
            return
        for i, passage in enumerate(table.get("passages", [])):
            self._shape(f, passage, "passage", (*path, "passages", i))
        if table.get("immediate") and not table.get("when"):
            f.problem(
                (*path, "immediate"),
                "an immediate ending needs a `when` that tests something, "
                "or it would end every game at once",
            )
