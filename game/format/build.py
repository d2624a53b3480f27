"""The story format -> the frozen model: each table, its shape checked, made into the
core's classes (conditions, choices, scenes, endings), then the `Story` of them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from game.core.frozenmap import EMPTY, frozen
from game.core.model import (
    Bound,
    Choice,
    Condition,
    Ending,
    Inject,
    Passage,
    Route,
    Scene,
    Story,
)
from game.format.additions import Additions
from game.format.duo import build_duo, chosen_flags, mark_chosen, role_names
from game.format.shapes import (
    ID,
    NO_FLAGS,
    NOTHING,
    RESERVED_CONDITION_KEYS,
    Key,
    StoryFile,
    is_int,
    is_str_list,
    kind_of,
    suggest,
)


class Build(Additions):
    """The model, made across files once each file's shapes were checked."""

    #: conditions and effects made once per equal table (`_plain_key`; a choice's items)
    condition_memo: dict[tuple[Any, ...], Condition]
    effect_memo: dict[tuple[Any, ...], Mapping[str, int]]
    #: every goto of a choice or route built (the scenes that can be entered)
    gotos: set[str]

    # across files
    def build(self) -> Story | None:
        self.condition_memo = {}
        self.effect_memo = {}
        self.gotos = set()
        self.marked_texts = []
        # a file that could not be read still defines the ids of its headers
        # (`note_unreadable`): the others are checked all the same
        self.resolve_partials()
        if not self.unreadable:  # the unreadable file may hold [story] and the roles
            self._check_story()
        scenes = {sid: self._scene(f, sid, t) for sid, (f, t) in self.scenes.items()}
        endings = {eid: self._ending(f, eid, t) for eid, (f, t) in self.endings.items()}
        scenes = mark_chosen(self, scenes)
        duo = build_duo(self, scenes)
        injects = {nid: self._inject(f, nid, t) for nid, (f, t) in self.injects.items()}
        self._check_starts()
        if not self.unreadable:
            self._check_fallback()
        self._check_entered(scenes, self.gotos)
        self.check_texts()
        if self.problems or self.story_table is None or self.unreadable:
            return None
        table = self.story_table[1]
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
            flags=self.flag_help,
            random_routes=any(c.random for s in scenes.values() if s for c in s.choices),
            injects={k: n for k, n in injects.items() if n is not None},
            duo=duo,
        )

    def _condition(self, f: StoryFile, value: Any, path: Key, depth: int = 0) -> Condition:
        """A condition table made into a `Condition`; equal plain tables (meter bounds
        and flag lists) made once, as they make the same condition and no problem."""
        key = _plain_key(value)
        if key is None or depth > 16:
            return self._make_condition(f, value, path, depth)
        found = self.condition_memo.get(key)
        if found is None:
            before = len(self.problems)
            found = self._make_condition(f, value, path, depth)
            if len(self.problems) == before:
                self.condition_memo[key] = found
        return found

    def _make_condition(self, f: StoryFile, value: Any, path: Key, depth: int = 0) -> Condition:
        if not isinstance(value, dict):
            f.problem(path, f"a condition must be a table, not {kind_of(value)}")
            return Condition()
        if depth > 16:
            f.problem(path, "conditions are nested too deeply (over 16 levels of `any`)")
            return Condition()
        meters: dict[str, Bound] = {}
        flags: frozenset[str] = frozenset()
        not_flags: frozenset[str] = frozenset()
        any_of: list[Condition] = []
        chosen: frozenset[str] = frozenset()
        roles: frozenset[str] = frozenset()
        extra: dict[str, Any] = {}  # all, visits
        for key, item in value.items():
            kpath = (*path, key)
            if self.extra_condition(f, key, item, kpath, extra, depth):
                continue
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
            elif key == "chosen":
                chosen = chosen_flags(self, f, item, kpath)
            elif key == "role":
                roles = role_names(self, f, item, kpath)
            elif key in self.meters:
                bound = self._bound(f, item, kpath)
                if bound is not None:
                    self.check_bound_range(f, key, bound, kpath)
                    meters[key] = bound
            elif self.defined("meters", key):
                continue  # its table is reported already
            else:
                known = [*self.meters, *RESERVED_CONDITION_KEYS]
                f.problem(
                    kpath,
                    f"unknown meter '{key}' in condition{suggest(key, known)}; "
                    f"a condition takes a meter ({', '.join(self.meters) or 'none defined'}), "
                    "flags, not_flags or any",
                )
        return Condition(
            meters=meters,
            flags=flags | chosen,
            not_flags=not_flags,
            any=tuple(any_of),
            roles=roles,
            **extra,
        )

    def _bound(self, f: StoryFile, item: Any, path: Key) -> Bound | None:
        shape = "must be a table like { min = 3 }, { max = 7 } or { min = 3, max = 7 }"
        if not isinstance(item, dict) or not item:
            f.problem(path, f"the bound on '{path[-1]}' {shape}")
            return None
        ok = True
        for k, v in item.items():
            if k not in ("min", "max"):
                f.problem((*path, k), f"unknown bound '{k}'{suggest(k, ('min', 'max'))}; {shape}")
                ok = False
            elif not is_int(v):
                f.problem((*path, k), f"'{k}' must be an integer, not {kind_of(v)}")
                ok = False
        return Bound(item.get("min"), item.get("max")) if ok else None

    def _flags(self, f: StoryFile, item: Any, path: Key) -> frozenset[str]:
        if type(item) is list:  # the usual case, at once: a list of valid names
            for name in item:
                if type(name) is not str or not ID.match(name):
                    break
            else:
                if not self.flag_help or all(name in self.flag_help for name in item):
                    return frozenset(item) if item else NO_FLAGS
        if not is_str_list(item):
            f.problem(path, f"'{path[-1]}' must be a list of flag names, like [\"coal_cited\"]")
            return frozenset()
        for i, name in enumerate(item):
            if not ID.match(name):
                f.problem(
                    (*path, i),
                    f"flag '{name}' is not a valid name; "
                    "use a-z, 0-9 and _, starting with a letter",
                )
            else:
                self.check_flag(f, name, (*path, i))
        return frozenset(item)

    def _passages(self, f: StoryFile, table: dict[str, Any], path: Key) -> tuple[Passage, ...]:
        passages = []
        for i, p in enumerate(table.get("passages", [])):
            ppath = (*path, "passages", i)
            if ppath in self.misshapen:
                continue
            when = self._condition(f, p["when"], (*ppath, "when"))
            if "{" in p["text"] or "}" in p["text"]:
                self.marked_texts.append((f, p["text"], (*ppath, "text")))
            if "asserts" in p:
                asserts = self._condition(f, p["asserts"], (*ppath, "asserts"))
                passages.append(Passage(when, p["text"], asserts, f.header_line(ppath)))
            else:
                passages.append(Passage(when, p["text"], None, f.header_line(ppath)))
        return tuple(passages)

    def _sources(self, f: StoryFile, table: dict[str, Any], path: Key) -> tuple[str, ...]:
        return tuple(table.get("source", ()))

    def _scene(self, f: StoryFile, scene_id: str, table: dict[str, Any]) -> Scene | None:
        path: Key = ("scenes", scene_id)
        misshapen = self.misshapen
        if path in misshapen:
            return None
        roles = table.get("roles", ())
        if roles:
            self._check_roles(f, roles, path)
        choices = []
        scenes = self.scenes
        gotos = self.gotos
        marked: list[tuple[StoryFile, str, Key]] = []  # texts with braces, checked later
        raw = table.get("choices", ())
        lines = f.element_lines((*path, "choices"), len(raw)) if raw else ()
        # Choice and Scene take their fields by position here (quicker than by name);
        # tests/test_check_shortcuts.py holds the model to that order
        for i, c in enumerate(raw):
            if misshapen and (*path, "choices", i) in misshapen:
                continue
            effects = self._effects_of(f, c["effects"], path, i) if "effects" in c else EMPTY
            goto = c["goto"]
            gotos.add(goto)
            text = c["text"]
            if "{" in text or "}" in text:
                marked.append((f, text, (*path, "choices", i, "text")))
            reason = c.get("locked_reason", "")
            if "{" in reason or "}" in reason:
                marked.append((f, reason, (*path, "choices", i, "locked_reason")))
            if goto not in scenes or goto[:4] == "end:":  # a scene is fine, but "end:..."
                self._goto(f, goto, (*path, "choices", i, "goto"))
            routes: tuple[Route, ...] = ()
            if "routes" in c:
                routes = self._routes(f, c["routes"], (*path, "choices", i))
            requires = None
            if "requires" in c:
                requires = self._condition(f, c["requires"], (*path, "choices", i, "requires"))
            flags_set = NO_FLAGS
            if "set" in c:
                flags_set = self._flags(f, c["set"], (*path, "choices", i, "set"))
            flags_clear = NO_FLAGS
            if "clear" in c:
                flags_clear = self._flags(f, c["clear"], (*path, "choices", i, "clear"))
            extra: dict[str, Any] = {}  # format additions, only where a choice has them
            if "set_meters" in c:
                extra["set_meters"] = self.set_meters(f, c["set_meters"], (*path, "choices", i))
            if "random" in c:
                extra["random"] = self.random_routes(f, c["random"], (*path, "choices", i))
            choices.append(
                Choice(
                    c["id"] if "id" in c else str(i + 1),
                    text,
                    goto,
                    effects,
                    flags_set,
                    flags_clear,
                    requires,
                    c.get("hide_locked", False),
                    routes,
                    reason,
                    lines[i],
                    **extra,
                )
            )
        if "{" in table["text"] or "}" in table["text"]:
            self.marked_texts.append((f, table["text"], (*path, "text")))
        passages = self._passages(f, table, path) if "passages" in table else ()
        self.marked_texts += marked  # in the order `check_texts` takes them
        return Scene(
            scene_id,
            table["title"],
            table["text"],
            tuple(choices),
            passages,
            tuple(roles),
            self._sources(f, table, path),
            f.display,
            f.header_line(path),
            table.get("round", ""),
        )

    def _routes(self, f: StoryFile, raw: list[Any], cpath: Key) -> tuple[Route, ...]:
        routes = []
        misshapen = self.misshapen
        scenes = self.scenes
        for j, r in enumerate(raw):
            rpath = (*cpath, "routes", j)
            if not (misshapen and rpath in misshapen):
                self.gotos.add(r["goto"])
                if r["goto"] not in scenes or r["goto"][:4] == "end:":
                    self._goto(f, r["goto"], (*rpath, "goto"))
                routes.append(Route(self._condition(f, r["when"], (*rpath, "when")), r["goto"]))
        return tuple(routes)

    def _effects_of(self, f: StoryFile, table: Any, path: Key, i: int) -> Mapping[str, int]:
        """A choice's `effects` (`_effects`), the same map shared by equal tables."""
        memo = self.effect_memo
        for delta in table.values():
            if type(delta) is not int:  # True == 1: only plain integers share a map
                return self._effects(f, table, (*path, "choices", i))
        key = tuple(table.items())
        found = memo.get(key)
        if found is None:
            before = len(self.problems)
            found = frozen(self._effects(f, table, (*path, "choices", i)))
            if len(self.problems) == before:  # an equal table has the same problems: none
                memo[key] = found
        return found

    def _inject(self, f: StoryFile, inject_id: str, table: dict[str, Any]) -> Inject | None:
        """News a teacher may send (`[injects.<id>]`): a flash with optional effects,
        flags, sources and the roles it reaches."""
        path: Key = ("injects", inject_id)
        if path in self.misshapen:
            return None
        roles = table.get("roles", ())
        if roles:
            self._check_roles(f, roles, path)
        return Inject(
            id=inject_id,
            title=table["title"],
            text=table["text"],
            effects=self._effects(f, table["effects"], path) if "effects" in table else NOTHING,
            set=self._flags(f, table["set"], (*path, "set")) if "set" in table else NO_FLAGS,
            source=self._sources(f, table, path),
            roles=tuple(roles),
            file=f.display,
            line=f.header_line(path),
        )

    def _ending(self, f: StoryFile, ending_id: str, table: dict[str, Any]) -> Ending | None:
        path: Key = ("endings", ending_id)
        if path in self.misshapen:
            return None
        when = None
        if "when" in table:
            when = self._condition(f, table["when"], (*path, "when"))
        if "{" in table["text"] or "}" in table["text"]:
            self.marked_texts.append((f, table["text"], (*path, "text")))
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


def _plain_key(value: Any) -> tuple[Any, ...] | None:
    """A key equal for equal condition tables of only flag lists and meter bounds (of
    plain integers: True == 1, so a boolean bound gets no key); None for any other."""
    if type(value) is not dict:
        return None
    key: list[Any] = []
    for name, item in value.items():
        kind = type(item)
        if kind is list:
            if name != "flags" and name != "not_flags":
                return None
            for flag in item:
                if type(flag) is not str:
                    return None
            key.append((name, *item))
        elif kind is dict:
            if name in _COMPOUND:
                return None
            for side, bound in item.items():
                if type(bound) is not int:
                    return None
                key.append((name, side, bound))
            key.append(name)
        else:
            return None
    return tuple(key)


#: condition keys whose table is no meter's bound
_COMPOUND = frozenset(("visits", "any", "all", "chosen", "role"))
