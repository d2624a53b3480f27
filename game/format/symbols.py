"""Where a story's ids are defined, for editors: scenes, endings, meters, roles and flags.

`index(folder, overrides)` reads every story file (or the text an editor holds for it,
in `overrides`) and returns each id's definition: its file, line and a few words about
it. It works on a story with errors too: a file tomli cannot read is still searched
for its table headers, line by line. Nothing here checks the story; the loader does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import tomli

from game.format.locate import Locator

#: the kinds of id, as the root tables name them
KINDS = ("scenes", "endings", "meters", "roles", "flags")
_HEADER = re.compile(
    r"^[ \t]*\[\[?[ \t]*(scenes|endings|meters|roles|flags)[ \t]*\.[ \t]*([A-Za-z0-9_]+)"
)
_SET = re.compile(r"(?:^|[{,\s])set\s*=\s*\[([^\]]*)\]")
_QUOTED = re.compile(r"[\"']([a-z][a-z0-9_]*)[\"']")
_STORY_HEADER = re.compile(r"^[ \t]*\[story\][ \t]*(?:#.*)?$", re.M)


@attrs.frozen
class Symbol:
    """One id and where it is defined."""

    kind: str  # "scenes", "endings", "meters", "roles" or "flags"
    id: str
    path: Path
    line: int  # 1-based
    #: a line or two for a hover: a scene's title, a meter's range, a flag's help
    summary: str = ""


@attrs.frozen
class Index:
    symbols: Mapping[tuple[str, str], Symbol]

    def of(self, kind: str) -> list[Symbol]:
        return [s for (k, _), s in self.symbols.items() if k == kind]

    def find(self, name: str) -> Symbol | None:
        """The symbol `name` names: `end:x` is ending x; else a scene, ending, meter,
        role or flag, in that order."""
        if name.startswith("end:"):
            return self.symbols.get(("endings", name[4:]))
        for kind in KINDS:
            found = self.symbols.get((kind, name))
            if found is not None:
                return found
        return None


def story_root(path: Path, levels: int = 6) -> Path:
    """The story folder a file belongs to: the nearest folder, the file's own or above,
    that directly holds a .toml file with a `[story]` table; else the file's folder."""
    start = path.parent
    folder = start
    for _ in range(levels):
        try:
            for candidate in sorted(folder.glob("*.toml")):
                if _STORY_HEADER.search(candidate.read_text(encoding="utf-8", errors="replace")):
                    return folder
        except OSError:
            pass
        if folder.parent == folder:
            break
        folder = folder.parent
    return start


def _text(path: Path, overrides: Mapping[Path, str]) -> str | None:
    if path in overrides:
        return overrides[path]
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def index(folder: Path, overrides: Mapping[Path, str] | None = None) -> Index:
    """Every id defined in the story at `folder`; `overrides` are texts not yet saved."""
    from game.format.loader import story_files

    overrides = overrides or {}
    found: dict[tuple[str, str], Symbol] = {}
    try:
        files = story_files(folder)
    except OSError:
        files = []
    for path in sorted({*files, *(p for p in overrides if folder in p.parents)}):
        text = _text(path, overrides)
        if text is None:
            continue
        for symbol in _symbols(path, text):
            found.setdefault((symbol.kind, symbol.id), symbol)
    return Index(found)


def _symbols(path: Path, text: str) -> Iterator[Symbol]:
    try:
        data = tomli.loads(text)
    except (tomli.TOMLDecodeError, RecursionError, ValueError):
        yield from _headers(path, text)
        return
    locator = Locator(text)
    for kind in KINDS:
        section = data.get(kind)
        if not isinstance(section, dict):
            continue
        for item_id, value in section.items():
            # [flags] maps a flag to its help text; the other tables hold tables
            table = value if isinstance(value, dict) else {"help": value}
            line = locator.line((kind, item_id))
            yield Symbol(kind, item_id, path, line, _summary(kind, item_id, table))
    # flags have no table of their own unless declared: a flag is where it is first set
    for scene_id, choice_index, flag in _set_flags(data):
        line = locator.line(("scenes", scene_id, "choices", choice_index, "set"))
        yield Symbol("flags", flag, path, line, f"flag, set by scene '{scene_id}'")


def _set_flags(data: dict[str, Any]) -> Iterator[tuple[str, int, str]]:
    scenes = data.get("scenes")
    if not isinstance(scenes, dict):
        return
    for scene_id, scene in scenes.items():
        choices = scene.get("choices") if isinstance(scene, dict) else None
        if not isinstance(choices, list):
            continue
        for i, choice in enumerate(choices):
            flags = choice.get("set") if isinstance(choice, dict) else None
            if isinstance(flags, list):
                for flag in flags:
                    if isinstance(flag, str):
                        yield scene_id, i, flag


def _summary(kind: str, item_id: str, table: dict[str, Any]) -> str:
    def get(key: str) -> str:
        value = table.get(key)
        return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""

    if kind == "scenes":
        choices = table.get("choices")
        count = len(choices) if isinstance(choices, list) else 0
        return f"scene '{item_id}': {get('title')} ({count} choice{'s' * (count != 1)})"
    if kind == "endings":
        rank = get("rank") or "0"
        return f"ending '{item_id}': {get('title')} (rank {rank})"
    if kind == "meters":
        text = f"meter '{item_id}': {get('label')}, {get('min')}..{get('max')}"
        text += f", starts at {get('start')}"
        return text + (f". {get('help')}" if get("help") else "")
    if kind == "roles":
        text = f"role '{item_id}': {get('label')}, starts at scene '{get('start')}'"
        return text
    help_text = get("help")
    return f"flag '{item_id}'" + (f": {help_text}" if help_text else "")


def _headers(path: Path, text: str) -> Iterator[Symbol]:
    """The ids of a file tomli cannot read (yet): its table headers and the flags its
    `set = [...]` lines name, line by line."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match:
            kind, item_id = match.groups()
            yield Symbol(kind, item_id, path, number, f"{kind[:-1]} '{item_id}'")
        flags = _SET.search(line)
        if flags:
            for flag in _QUOTED.findall(flags.group(1)):
                yield Symbol("flags", flag, path, number, f"flag '{flag}'")
