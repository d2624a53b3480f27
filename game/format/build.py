"""The story format -> the frozen model: each table, its shape checked, made into the
core's classes (conditions, choices, scenes, endings), then the `Story` of them all.
"""

from __future__ import annotations

from typing import Any

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

    # across files
    def build(self) -> Story | None:
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
        self._check_entered(scenes)
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
        for i, c in enumerate(table.get("choices", ())):
            cpath = (*path, "choices", i)
            if misshapen and cpath in misshapen:
                continue
            effects = self._effects(f, c["effects"], cpath) if "effects" in c else NOTHING
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
            flags_set = self._flags(f, c["set"], (*cpath, "set")) if "set" in c else NO_FLAGS
            flags_clear = (
                self._flags(f, c["clear"], (*cpath, "clear")) if "clear" in c else NO_FLAGS
            )
            extra: dict[str, Any] = {}
            if "set_meters" in c:
                extra["set_meters"] = self.set_meters(f, c["set_meters"], cpath)
            if "random" in c:
                extra["random"] = self.random_routes(f, c["random"], cpath)
            choices.append(
                Choice(
                    **extra,
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
            round=table.get("round", ""),
            file=f.display,
            line=f.header_line(path),
        )

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
