"""One load's state, and each file's tables checked against the format's shapes on
their own (`game.format.shapes`), each problem located. What needs the other files is
in `game.format.references`; the model is made in `game.format.build`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from game.core.model import Good, Meter, Role
from game.format.diagnostics import Problem
from game.format.shapes import (
    CHOICE_ID,
    FORMAT,
    ID,
    RESERVED_CONDITION_KEYS,
    ROOT_KEYS,
    Key,
    StoryFile,
    fits,
    suggest,
)


def _partial(table: dict[str, Any]) -> bool:
    """A scene or ending table with only passages or choices: written as
    `[[scenes.x.passages]]` with no `[scenes.x]` in the same file."""
    return bool(table) and set(table) <= {"passages", "choices"}


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
        #: choice ids known to be well formed
        self.good_ids: set[str] = set()
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
                if "title" not in table and kind in ("scenes", "endings") and _partial(table):
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
        # `fits` first: a table that fits needs no path and no report
        if not (fits(table, "scene") or self._shape(f, table, "scene", path)):
            return
        for i, passage in enumerate(table.get("passages", ())):
            if not fits(passage, "passage"):
                self._shape(f, passage, "passage", (*path, "passages", i))
        seen: dict[str, int] = {}
        good = self.good_ids
        for i, choice in enumerate(table.get("choices", ())):
            cpath: Key = (*path, "choices", i)  # (a tuple is cheap next to a report)
            if not (fits(choice, "choice") or self._shape(f, choice, "choice", cpath)):
                continue
            choice_id = choice["id"] if "id" in choice else str(i + 1)
            if choice_id not in good:
                if CHOICE_ID.match(choice_id):
                    good.add(choice_id)
                else:
                    f.problem((*cpath, "id"), f"choice id '{choice_id}' must use a-z, 0-9 and _")
            if choice_id in seen:
                f.problem(
                    (*cpath, "id") if "id" in choice else cpath,
                    f"choice id '{choice_id}' is used twice in this scene "
                    f"(also choice {seen[choice_id] + 1}); give each choice its own id",
                )
            seen[choice_id] = i
            for j, route in enumerate(choice.get("routes", ())):
                if not fits(route, "route"):
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
