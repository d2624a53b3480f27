"""The format's later keys and the checks that keep an author's mistakes to one error each.

Keys (all optional; a story without them reads as before):
- `[flags]`: `name = "help text"` per flag. A story that declares its flags must
  declare every flag it sets, clears or tests (a typo is then an error, with the
  declared flag it was likely meant to be).
- conditions: `all = [ {...}, ... ]` (every one holds) and `visits = { scene = { min =
  2 } }` (how many times the game entered a scene); the search reads `role` too.
- choices: `set_meters = { trust = 5 }` (a meter set to a value, after `effects`) and
  `random = [ { weight = 3, goto = "a" }, { weight = 1, goto = "b", when = {...} } ]`
  (when no route holds, a destination drawn by weight among the entries whose `when`
  holds; seeded per game, so a save replays the same draws).
- text: `{meter}` and `{flag: ...|...}` in a scene's, passage's, choice's or ending's
  text (`game.core.template`); every name used is checked here.

Numbers are checked against the meters' ranges: an effect larger than a meter's whole
range, a `set_meters` value or a bound outside it, are errors. A table whose shape is
wrong is reported once: the ids it defines still count as defined, so nothing that
names them gets an error of its own, and a file tomli cannot read still defines the
ids of its table headers for the others (every file's own errors are reported).
"""

from __future__ import annotations

import re
from typing import Any

from game.core.model import Bound, Condition, RandomRoute
from game.format.diagnostics import Problem
from game.format.references import References
from game.format.shapes import ID, Key, StoryFile, is_int, kind_of, suggest, where

#: `[scenes.x]`, `[[scenes.x.choices]]`, ...: the ids a file tomli cannot read defines
_HEADER = re.compile(
    r"^[ \t]*\[\[?[ \t]*(scenes|endings|meters|roles|injects)[ \t]*\.[ \t]*([A-Za-z0-9_]+)", re.M
)
_FLAG_LISTS = re.compile(r"\b(?:set|clear)\s*=\s*\[([^\]]*)\]")
_QUOTED = re.compile(r"[\"']([a-z][a-z0-9_]*)[\"']")


class Additions(References):
    """The later keys and the range, flag and text checks (see the module's doc)."""

    #: the texts holding a brace (file, text, path), found as the model is made
    marked_texts: list[tuple[StoryFile, str, Key]]

    # made by `game.format.build.Build`
    def _condition(self, f: StoryFile, value: Any, path: Key, depth: int = 0) -> Condition:
        raise NotImplementedError

    def _bound(self, f: StoryFile, item: Any, path: Key) -> Bound | None:
        raise NotImplementedError

    # -- what a broken file or table still defines -------------------------------------

    def note_unreadable(self, text: str | None) -> None:
        """A file that could not be parsed: the ids its headers define, and the flags it
        sets, count as defined, so the other files are checked without false alarms."""
        if text is None:  # a file not read at all may define anything
            self.maybe_defined.add(("*", "*"))
            return
        for kind, item_id in _HEADER.findall(text):
            self.maybe_defined.add((kind, item_id))
        for listed in _FLAG_LISTS.findall(text):
            self.maybe_defined.update(("flags", flag) for flag in _QUOTED.findall(listed))

    def resolve_partials(self) -> None:
        """Tables that only add passages or choices to a scene (or ending) of another
        file: one clear error naming both files (TOML tables cannot span files); one
        with no such scene elsewhere is shape-checked as the scene it then is."""
        for kind, item_id, f, table in self.partials:
            target = self.scenes if kind == "scenes" else self.endings
            path: Key = (kind, item_id)
            if item_id in target:
                other, _ = target[item_id]
                sub = next((k for k in ("passages", "choices") if k in table), "passages")
                noun = kind[:-1]
                f.problem(
                    path,
                    f"this [[{kind}.{item_id}.{sub}]] adds to the {noun} defined in another "
                    f"file, {other.display}:{other.line(path)}; TOML tables cannot span files "
                    f"(it would make a second {noun} '{item_id}'): move it into that file",
                )
                continue
            target[item_id] = (f, table)
            if kind == "scenes":
                self._shape_scene(f, item_id, table)
            else:
                self._shape_ending(f, item_id, table)

    def declared_flags(self, f: StoryFile, table: dict[str, Any]) -> None:
        """`[flags]`: each flag's help text, each flag declared once in the story."""
        for flag, help_text in table.items():
            path: Key = ("flags", flag)
            if not ID.match(flag):
                f.problem(path, f"flag '{flag}' is not a valid name; use a-z, 0-9 and _")
            elif not isinstance(help_text, str):
                f.problem(
                    path,
                    f'a declared flag takes its help text, like {flag} = "what it means"; '
                    f"not {kind_of(help_text)}",
                )
            elif flag in self.flag_help:
                other = self.flag_files[flag]
                f.problem(
                    path,
                    f"flag '{flag}' declared twice: here and at "
                    f"{other.display}:{other.line(path)}; remove one",
                )
            else:
                self.flag_help[flag] = help_text
                self.flag_files[flag] = f

    def check_texts(self) -> None:
        """`{...}` in every text of every scene and ending that was built: the texts with
        a brace, as the model was made (`marked_texts`, in the order of the files)."""
        if not self.marked_texts:
            return
        for _, table in self.scenes.values():
            for choice in table.get("choices", ()) if isinstance(table, dict) else ():
                if isinstance(choice, dict) and isinstance(choice.get("set"), list):
                    self.known_flags.update(x for x in choice["set"] if isinstance(x, str))
        for f, text, path in self.marked_texts:
            self.check_text(f, text, path)

    # -- numbers within the meters' ranges ---------------------------------------------

    def check_bound_range(self, f: StoryFile, meter: str, bound: Bound, path: Key) -> None:
        m = self.meters[meter][1]
        lo = bound.min if bound.min is not None else m.min
        hi = bound.max if bound.max is not None else m.max
        if lo > hi or lo > m.max or hi < m.min:
            f.problem(
                path,
                f"'{meter}' can never hold here: the condition asks for "
                f"{_range_text(bound)}, and the meter stays within {m.min}..{m.max}",
            )
            return
        for side, value in (("min", bound.min), ("max", bound.max)):
            if value is not None and not m.min <= value <= m.max:
                f.problem(
                    (*path, side),
                    f"{side} = {value} is outside '{meter}' ({m.min}..{m.max}); "
                    f"write a value within it",
                )

    def set_meters(self, f: StoryFile, table: Any, path: Key) -> dict[str, int]:
        """A choice's `set_meters`: meters that exist, set to a value within their range."""
        kpath = (*path, "set_meters")
        if not isinstance(table, dict):
            f.problem(
                kpath, f"'set_meters' must be a table like {{ trust = 5 }}, not {kind_of(table)}"
            )
            return {}
        result = {}
        for meter, value in table.items():
            if meter not in self.meters:
                if not self.defined("meters", meter):
                    f.problem(
                        (*kpath, meter),
                        f"set_meters names unknown meter '{meter}'{suggest(meter, self.meters)}",
                    )
                continue
            m = self.meters[meter][1]
            if not is_int(value):
                f.problem((*kpath, meter), f"set_meters: '{meter}' must be an integer")
            elif not m.min <= value <= m.max:
                f.problem(
                    (*kpath, meter),
                    f"set_meters: {meter} = {value} is outside its range {m.min}..{m.max}",
                )
            else:
                result[meter] = value
        return result

    def random_routes(self, f: StoryFile, entries: Any, path: Key) -> tuple[RandomRoute, ...]:
        """A choice's `random`: entries of a positive `weight`, a `goto` and maybe a `when`."""
        kpath = (*path, "random")
        if (
            not isinstance(entries, list)
            or not entries
            or not all(isinstance(e, dict) for e in entries)
        ):
            f.problem(
                kpath,
                "'random' must be a non-empty list like "
                '[{ weight = 3, goto = "a" }, { weight = 1, goto = "b" }]',
            )
            return ()
        result = []
        for i, entry in enumerate(entries):
            epath = (*kpath, i)
            unknown = [k for k in entry if k not in ("weight", "goto", "when")]
            for key in unknown:
                f.problem(
                    (*epath, key),
                    f"unknown key '{key}'{suggest(key, ('weight', 'goto', 'when'))}; "
                    "a random entry takes: weight, goto, when",
                )
            weight, goto = entry.get("weight"), entry.get("goto")
            if not is_int(weight) or weight < 1:
                f.problem(
                    (*epath, "weight") if "weight" in entry else epath,
                    "'weight' must be a whole number of 1 or more",
                )
                continue
            if not isinstance(goto, str):
                f.problem(
                    (*epath, "goto") if "goto" in entry else epath,
                    'a random entry needs a goto: a scene id, "end:<ending>" or "end"',
                )
                continue
            if unknown:
                continue
            self._goto(f, goto, (*epath, "goto"))
            when = None
            if "when" in entry:
                when = self._condition(f, entry["when"], (*epath, "when"))
            result.append(RandomRoute(weight, goto, when))
        return tuple(result)

    # -- conditions: all, visits, role ---------------------------------------------------

    def extra_condition(
        self, f: StoryFile, key: str, item: Any, path: Key, found: dict[str, Any], depth: int
    ) -> bool:
        """The condition keys `all` and `visits`; True when `key` is one of them. (`role`
        and `chosen` are the duo format's: `game.format.duo`.)"""
        if key == "all":
            if not isinstance(item, list) or not item:
                f.problem(path, "`all` must be a non-empty list of conditions")
                return True
            found["all"] = tuple(
                self._condition(f, c, (*path, i), depth + 1) for i, c in enumerate(item)
            )
            return True
        if key == "visits":
            if not isinstance(item, dict) or not item:
                f.problem(path, "`visits` must be a table like { hall = { min = 2 } }")
                return True
            visits = {}
            for scene, bound_table in item.items():
                if scene not in self.scenes and not self.defined("scenes", scene):
                    f.problem(
                        (*path, scene),
                        f"visits names no scene '{scene}'{suggest(scene, self.scenes)}",
                    )
                    continue
                bound = self._bound(f, bound_table, (*path, scene))
                if bound is not None:
                    visits[scene] = bound
            found["visits"] = visits
            return True
        return False

    # -- declared flags -----------------------------------------------------------------

    def check_flag(self, f: StoryFile, flag: str, path: Key) -> None:
        """With `[flags]` declared, every flag named must be among them."""
        declared = self.flag_help
        if declared and flag not in declared and "/" not in flag:
            f.problem(
                path,
                f"flag '{flag}' is not declared in [flags]{suggest(flag, declared)}; "
                f'declare it (`{flag} = "what it means"`) or fix the name',
            )

    def flags_of(self, condition: Condition) -> set[str]:
        found = set(condition.flags | condition.not_flags)
        for sub in (*condition.any, *condition.all):
            found |= self.flags_of(sub)
        return found

    # -- text ---------------------------------------------------------------------------

    def _text_problem(self, f: StoryFile, path: Key, offset: int, message: str) -> None:
        """A problem at `offset` in the text at `path`: its own line and column in the
        file (found from where the text's key is; as the key when that cannot be told)."""
        line, column = f.locator.position(path)
        start = _value_start(f.text, line, column)
        if start is None or f.text.count("\\", start, start + offset + 1):
            f.problem(path, message, "text-markup")
            return
        at = start + offset
        line = f.text.count("\n", 0, at) + 1
        column = at - (f.text.rfind("\n", 0, at) + 1) + 1
        self.problems.append(Problem(f.display, line, where(path) + message, column, "text-markup"))

    def check_text(self, f: StoryFile, text: str, path: Key) -> None:
        """`{...}` in a text: it parses, and names meters and flags of the story."""
        if "{" not in text and "}" not in text:
            return
        from game.core.template import TemplateError, names, parse  # (most stories: never)

        try:
            parts = parse(text)
        except TemplateError as exc:
            self._text_problem(f, path, exc.offset, f"in text: {exc}")
            return
        for kind, name, offset in names(parts):
            at = offset
            if kind == "meter":
                if name not in self.meters and not self.defined("meters", name):
                    hint = suggest(name, self.meters)
                    if not hint and name in self.known_flags:
                        hint = f" ('{name}' is a flag: write {{{name}: text}})"
                    self._text_problem(f, path, at, f"in text: '{{{name}}}' names no meter{hint}")
            elif name in self.meters:
                self._text_problem(
                    f,
                    path,
                    at,
                    f"in text: '{name}' is a meter; compare it, like {{{name} >= 3: text}}",
                )
            elif self.flag_help:
                self.check_flag(f, name, path)
            elif name not in self.known_flags and not self.defined("flags", name):
                self._text_problem(
                    f,
                    path,
                    at,
                    f"in text: flag '{name}' is never set by any choice"
                    f"{suggest(name, self.known_flags)}",
                )


def _value_start(source: str, line: int, column: int) -> int | None:
    """The offset in `source` where the string value of the key at (line, column)
    begins (past its quotes, and the newline TOML drops after opening triple quotes)."""
    lines = source.split("\n")
    if not 0 < line <= len(lines) or column < 1:
        return None
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    equals = source.find("=", offset)
    if equals < 0:
        return None
    i = equals + 1
    while i < len(source) and source[i] in " \t":
        i += 1
    for quote in ('"""', "'''", '"', "'"):
        if source.startswith(quote, i):
            i += len(quote)
            if len(quote) == 3 and source.startswith("\n", i):
                i += 1
            return i
    return None


def _range_text(bound: Bound) -> str:
    if bound.min is not None and bound.max is not None:
        return f"{bound.min}..{bound.max}"
    if bound.min is not None:
        return f"at least {bound.min}"
    return f"at most {bound.max}"
