"""A story folder -> a frozen `Story`, or every problem at once with `path:line`.

Each file is parsed with tomli, checked against the format on its own, then the
files are merged and the references between them are checked. Nothing in a story
is ever evaluated as code.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import tomli

from game.core.errors import MarALagoError
from game.core.model import (
    Bound,
    Choice,
    Condition,
    Ending,
    Good,
    Meter,
    Passage,
    Role,
    Route,
    Scene,
    Story,
)
from game.format.locate import Headers, Locator, header_lines

FORMAT = 1
ID = re.compile(r"[a-z][a-z0-9_]*\Z")
CHOICE_ID = re.compile(r"[a-z0-9][a-z0-9_]*\Z")
RESERVED_CONDITION_KEYS = ("flags", "not_flags", "any")
#: files over this size are refused before parsing (a story file is prose, not data)
MAX_FILE_BYTES = 2_000_000


@attrs.frozen
class Problem:
    """One thing wrong with a story, where it is and what to do."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class StoryLoadError(MarALagoError):
    """The story has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


# -- the shapes of the tables ----------------------------------------------------

Key = tuple[str | int, ...]


#: integers are meter values, deltas and ranks: past this they are a mistake (and past
#: 4,300 digits Python cannot even print them)
MAX_INT = 10**18


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and -MAX_INT < v < MAX_INT


def _is_str_list(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


_TYPES: dict[str, tuple[Callable[[object], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "int": (_is_int, "an integer"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "strs": (_is_str_list, "a list of strings"),
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
    },
    "route": {"when": ("table", True), "goto": ("str", True)},
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
ROOT_KEYS = ("story", "meters", "roles", "scenes", "endings")
_NOTHING: dict[str, Any] = {}
_NO_FLAGS: frozenset[str] = frozenset()

#: each shape as `_fits` reads it: key -> the type its value has, and the required keys
_FAST: dict[str, tuple[dict[str, object], frozenset[str]]] = {
    shape: (
        {
            key: {"str": str, "int": int, "bool": bool, "table": dict}.get(kind, kind)
            for key, (kind, _) in spec.items()
        },
        frozenset(key for key, (_, required) in spec.items() if required),
    )
    for shape, spec in SHAPES.items()
}


def _fits(table: dict[str, Any], shape: str) -> bool:
    """True when `check_table` would find nothing wrong (False: let it say what)."""
    kinds, required = _FAST[shape]
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


def _suggest(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _where(path: Key) -> str:
    """'scene 'x', choice 2' from ('scenes', 'x', 'choices', 1, ...)."""
    kinds = {"scenes": "scene", "endings": "ending", "meters": "meter", "roles": "role"}
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


class _File:
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

    def problem(self, path: Key, message: str) -> None:
        self.out.append(Problem(self.display, self.line(path), _where(path) + message))

    def check_table(self, table: dict[str, Any], shape: str, path: Key) -> bool:
        """Unknown keys, missing keys and wrong types; True when all is well."""
        if _fits(table, shape):
            return True
        ok = True
        spec = SHAPES[shape]
        for key, value in table.items():
            if key not in spec:
                self.problem(
                    (*path, key),
                    f"unknown key '{key}'{_suggest(key, spec)}; a {shape} takes: {', '.join(spec)}",
                )
                ok = False
                continue
            check, wanted = _TYPES[spec[key][0]]
            if not check(value):
                self.problem((*path, key), f"'{key}' must be {wanted}, not {_kind(value)}")
                ok = False
        for key, (_, required) in spec.items():
            if required and key not in table:
                self.problem(path, f"missing key '{key}'; add `{key} = ...` to this table")
                ok = False
        return ok


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and not _is_int(value):
        return "a number of more than 18 digits"
    return {
        str: "a string",
        int: "an integer",
        float: "a number with a fraction",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


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
        line = text.count("\n") + 1
        if match and match.group(1):
            line = int(match.group(1))
        elif getattr(exc, "lineno", None):
            line = exc.lineno
        message = _TOMLI_POS.sub("", message)
        hint = "fix the TOML syntax here"
        if "Cannot declare" in message or "Cannot overwrite" in message:
            hint = "each id and key may be defined once; rename or remove the second one"
            first = _first_header(text, message, line)
            if first:
                hint = f"it is first defined at line {first}; " + hint
        elif message.startswith("Illegal character") or "Unclosed" in message:
            hint = "fix the TOML syntax here (is a quote or bracket missing?)"
        out.append(Problem(display, line, f"TOML syntax: {message}; {hint}"))
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


# -- building the model ------------------------------------------------------------


class _Builder:
    def __init__(self, folder: Path, display_root: str) -> None:
        self.folder = folder
        self.display_root = display_root
        self.problems: list[Problem] = []
        self.story_table: tuple[_File, dict[str, Any]] | None = None
        self.meters: dict[str, tuple[_File, Meter]] = {}
        self.roles: dict[str, tuple[_File, Role]] = {}
        self.scenes: dict[str, tuple[_File, dict[str, Any]]] = {}
        self.endings: dict[str, tuple[_File, dict[str, Any]]] = {}
        self.digest = hashlib.sha256()
        #: tables whose shape check failed: reported, and not built
        self.misshapen: set[Key] = set()
        #: files that could not be read or parsed
        self.unreadable = 0

    # each file on its own
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
            return
        raw, text = read
        self.digest.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
        data = _parse(text, display, self.problems)
        if data is None:
            self.unreadable += 1
            return
        f = _File(display, data, text, self.problems)
        for key, value in data.items():
            if key not in ROOT_KEYS:
                f.problem(
                    (key,),
                    f"unknown table '{key}'{_suggest(key, ROOT_KEYS)}; "
                    f"a story file holds: {', '.join(ROOT_KEYS)}",
                )
            elif not isinstance(value, dict):
                f.problem((key,), f"'{key}' must be a table, like [{key}] or [{key}.<id>]")
        if isinstance(data.get("story"), dict):
            self._story(f, data["story"])
        for kind, target in (
            ("meters", self.meters),
            ("roles", self.roles),
            ("scenes", self.scenes),
            ("endings", self.endings),
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
                elif kind == "roles":
                    if f.check_table(table, "role", where):
                        target[item_id] = (f, Role(item_id, **table))  # type: ignore[assignment]
                elif kind == "scenes":
                    if item_id == "end":
                        f.problem(where, "'end' is reserved for `goto = \"end\"`; rename the scene")
                    target[item_id] = (f, table)  # type: ignore[assignment]
                    self._shape_scene(f, item_id, table)
                else:
                    target[item_id] = (f, table)  # type: ignore[assignment]
                    self._shape_ending(f, item_id, table)

    def _story(self, f: _File, table: dict[str, Any]) -> None:
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

    def _meter(self, f: _File, meter_id: str, table: dict[str, Any]) -> Meter | None:
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

    def _shape(self, f: _File, table: dict[str, Any], shape: str, path: Key) -> bool:
        if f.check_table(table, shape, path):
            return True
        self.misshapen.add(path)
        return False

    def _shape_scene(self, f: _File, scene_id: str, table: dict[str, Any]) -> None:
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

    def _shape_ending(self, f: _File, ending_id: str, table: dict[str, Any]) -> None:
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

    # across files
    def build(self) -> Story | None:
        if self.unreadable:
            # what the other files lack may stand in the broken one: fix it first
            return None
        if self.story_table is None:
            self.problems.append(
                Problem(
                    self.display_root or ".",
                    1,
                    "no file holds [story]; add one with id, title, version and format",
                )
            )
        elif not self.roles:
            sf = self.story_table[0]
            sf.problem(("story",), "the story has no role; add at least one [roles.<id>]")
        scenes = {sid: self._scene(f, sid, t) for sid, (f, t) in self.scenes.items()}
        endings = {eid: self._ending(f, eid, t) for eid, (f, t) in self.endings.items()}
        for role_id, (f, role) in self.roles.items():
            if role.start not in self.scenes:
                f.problem(
                    ("roles", role_id, "start"),
                    f"start '{role.start}' names no scene{_suggest(role.start, self.scenes)}",
                )
        if not any(t.get("when") is None for _, t in self.endings.values()):
            if self.endings:
                first = next(iter(self.endings.values()))[0]
                first.problem(
                    ("endings",),
                    "no fallback ending: give one ending no `when`, so every game can end",
                )
            else:
                self.problems.append(
                    Problem(
                        self.display_root or ".",
                        1,
                        "the story has no ending; add an [endings.<id>] without `when` "
                        "as the fallback",
                    )
                )
        self._check_entered(scenes)
        if self.problems or self.story_table is None:
            return None
        f, table = self.story_table
        ranks = {k: e.rank for k, e in endings.items() if e is not None}
        order = sorted(ranks, key=ranks.__getitem__)  # stable: keeps file order
        return Story(
            id=table["id"],
            title=table["title"],
            version=table["version"],
            format=table["format"],
            subtitle=table.get("subtitle", ""),
            source=table.get("source", ""),
            intro=table.get("intro", ""),
            meters={k: m for k, (_, m) in self.meters.items()},
            roles={k: r for k, (_, r) in self.roles.items()},
            scenes={k: s for k, s in scenes.items() if s is not None},
            endings={k: e for k, e in endings.items() if e is not None},
            digest=self.digest.hexdigest(),
            ending_order=tuple(order),
        )

    def _check_entered(self, scenes: Mapping[str, Scene | None]) -> None:
        entered = {role.start for _, role in self.roles.values()}
        for scene in scenes.values():
            if scene is None:
                continue
            for choice in scene.choices:
                entered.add(choice.goto)
                entered.update(r.goto for r in choice.routes)
        for scene_id, scene in scenes.items():
            if (
                scene is not None
                and not self.scenes[scene_id][1].get("choices")
                and scene_id in entered
            ):
                f, _ = self.scenes[scene_id]
                f.problem(
                    ("scenes", scene_id),
                    'has no choices but can be entered; add a choice (goto = "end" ends the game)',
                )

    def _condition(self, f: _File, value: Any, path: Key, depth: int = 0) -> Condition:
        if not isinstance(value, dict):
            f.problem(path, f"a condition must be a table, not {_kind(value)}")
            return Condition()
        if depth > 16:
            f.problem(path, "conditions are nested too deeply (over 16 levels of `any`)")
            return Condition()
        meters: dict[str, Bound] = {}
        flags: frozenset[str] = frozenset()
        not_flags: frozenset[str] = frozenset()
        any_of: list[Condition] = []
        for key, item in value.items():
            kpath = (*path, key)
            if key in ("flags", "not_flags"):
                names = self._flags(f, item, kpath)
                if key == "flags":
                    flags = names
                else:
                    not_flags = names
            elif key == "any":
                if not isinstance(item, list) or not item:
                    f.problem(kpath, "`any` must be a non-empty list of conditions")
                    continue
                any_of = [self._condition(f, c, (*kpath, i), depth + 1) for i, c in enumerate(item)]
            elif key in self.meters:
                bound = self._bound(f, item, kpath)
                if bound is not None:
                    meters[key] = bound
            else:
                known = [*self.meters, *RESERVED_CONDITION_KEYS]
                f.problem(
                    kpath,
                    f"unknown meter '{key}' in condition{_suggest(key, known)}; "
                    f"a condition takes a meter ({', '.join(self.meters) or 'none defined'}), "
                    "flags, not_flags or any",
                )
        return Condition(meters=meters, flags=flags, not_flags=not_flags, any=tuple(any_of))

    def _bound(self, f: _File, item: Any, path: Key) -> Bound | None:
        shape = "must be a table like { min = 3 }, { max = 7 } or { min = 3, max = 7 }"
        if not isinstance(item, dict) or not item:
            f.problem(path, f"the bound on '{path[-1]}' {shape}")
            return None
        ok = True
        for k, v in item.items():
            if k not in ("min", "max"):
                f.problem((*path, k), f"unknown bound '{k}'{_suggest(k, ('min', 'max'))}; {shape}")
                ok = False
            elif not _is_int(v):
                f.problem((*path, k), f"'{k}' must be an integer, not {_kind(v)}")
                ok = False
        return Bound(item.get("min"), item.get("max")) if ok else None

    def _flags(self, f: _File, item: Any, path: Key) -> frozenset[str]:
        if type(item) is list:  # the usual case, at once: a list of valid names
            for name in item:
                if type(name) is not str or not ID.match(name):
                    break
            else:
                return frozenset(item) if item else _NO_FLAGS
        if not _is_str_list(item):
            f.problem(path, f"'{path[-1]}' must be a list of flag names, like [\"coal_cited\"]")
            return frozenset()
        for i, name in enumerate(item):
            if not ID.match(name):
                f.problem(
                    (*path, i),
                    f"flag '{name}' is not a valid name; "
                    "use a-z, 0-9 and _, starting with a letter",
                )
        return frozenset(item)

    def _goto(self, f: _File, goto: str, path: Key) -> None:
        if goto == "end":
            return
        if goto.startswith("end:"):
            ending = goto[4:]
            if ending not in self.endings:
                f.problem(
                    path,
                    f"goto '{goto}' names no ending{_suggest(ending, self.endings)}; "
                    f"endings: {', '.join(self.endings) or 'none'}",
                )
        elif goto not in self.scenes:
            hint = _suggest(goto, self.scenes)
            if goto in self.endings:
                hint = f' (to end the game there, write goto = "end:{goto}")'
            f.problem(path, f"goto '{goto}' names no scene or ending{hint}")

    def _passages(self, f: _File, table: dict[str, Any], path: Key) -> tuple[Passage, ...]:
        passages = []
        for i, p in enumerate(table.get("passages", [])):
            ppath = (*path, "passages", i)
            if ppath in self.misshapen:
                continue
            when = self._condition(f, p["when"], (*ppath, "when"))
            if "asserts" in p:
                asserts = self._condition(f, p["asserts"], (*ppath, "asserts"))
                passages.append(Passage(when, p["text"], asserts, f.header_line(ppath)))
            else:
                passages.append(Passage(when, p["text"]))
        return tuple(passages)

    def _sources(self, f: _File, table: dict[str, Any], path: Key) -> tuple[str, ...]:
        return tuple(table.get("source", ()))

    def _scene(self, f: _File, scene_id: str, table: dict[str, Any]) -> Scene | None:
        path: Key = ("scenes", scene_id)
        misshapen = self.misshapen
        if path in misshapen:
            return None
        roles = table.get("roles", ())
        for i, role in enumerate(roles):
            if role not in self.roles:
                f.problem(
                    (*path, "roles", i), f"role '{role}' does not exist{_suggest(role, self.roles)}"
                )
        choices = []
        scenes, meters = self.scenes, self.meters
        for i, c in enumerate(table.get("choices", ())):
            cpath = (*path, "choices", i)
            if misshapen and cpath in misshapen:
                continue
            effects: dict[str, int] = {}
            for meter, delta in c.get("effects", _NOTHING).items():
                if meter not in meters:
                    f.problem(
                        (*cpath, "effects", meter),
                        f"effects name unknown meter '{meter}'{_suggest(meter, meters)}; "
                        f"meters: {', '.join(meters) or 'none defined'}",
                    )
                elif not _is_int(delta):
                    f.problem((*cpath, "effects", meter), f"effect on '{meter}' must be an integer")
                else:
                    effects[meter] = delta
            goto = c["goto"]
            if goto not in scenes or goto[:4] == "end:":  # a scene is fine, but "end:..."
                self._goto(f, goto, (*cpath, "goto"))
            routes = []
            for j, r in enumerate(c.get("routes", ())):
                rpath = (*cpath, "routes", j)
                if not (misshapen and rpath in misshapen):
                    if r["goto"] not in scenes or r["goto"][:4] == "end:":
                        self._goto(f, r["goto"], (*rpath, "goto"))
                    routes.append(Route(self._condition(f, r["when"], (*rpath, "when")), r["goto"]))
            requires = None
            if "requires" in c:
                requires = self._condition(f, c["requires"], (*cpath, "requires"))
            flags_set = self._flags(f, c["set"], (*cpath, "set")) if "set" in c else _NO_FLAGS
            flags_clear = (
                self._flags(f, c["clear"], (*cpath, "clear")) if "clear" in c else _NO_FLAGS
            )
            choices.append(
                Choice(
                    id=c["id"] if "id" in c else str(i + 1),
                    text=c["text"],
                    goto=goto,
                    effects=effects,
                    set=flags_set,
                    clear=flags_clear,
                    requires=requires,
                    hide_locked=c.get("hide_locked", False),
                    routes=tuple(routes),
                    locked_reason=c.get("locked_reason", ""),
                    line=f.header_line(cpath),
                )
            )
        return Scene(
            id=scene_id,
            title=table["title"],
            text=table["text"],
            choices=tuple(choices),
            passages=self._passages(f, table, path) if "passages" in table else (),
            roles=tuple(roles),
            source=self._sources(f, table, path),
            file=f.display,
            line=f.header_line(path),
        )

    def _ending(self, f: _File, ending_id: str, table: dict[str, Any]) -> Ending | None:
        path: Key = ("endings", ending_id)
        if path in self.misshapen:
            return None
        when = None
        if "when" in table:
            when = self._condition(f, table["when"], (*path, "when"))
        return Ending(
            id=ending_id,
            title=table["title"],
            text=table["text"],
            rank=table.get("rank", 0),
            when=when,
            immediate=table.get("immediate", False),
            source=self._sources(f, table, path),
            questions=tuple(table.get("questions", ())),
            passages=self._passages(f, table, path),
            file=f.display,
            line=f.header_line(path),
            asserts=(
                self._condition(f, table["asserts"], (*path, "asserts"))
                if "asserts" in table
                else None
            ),
        )


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
