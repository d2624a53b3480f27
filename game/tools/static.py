"""What `check` finds without searching the story: fast, linear in its size.

The warnings here come from the story's map and its names alone: a scene no goto
leads to from any start, a flag set but never tested (or tested but never set, with
the set flag it was likely meant to be), a flag only cleared, a meter no choice
moves. What needs the search (who reaches what, dead ends, states with no way out)
is `check --deep` (game.tools.stats).

Many warnings of one kind are grouped into one line ("118 scenes no goto leads to
from a start: s1, s2, ... (see --all)"); `grouped` does that, for the front ends.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs

from game.core.model import Condition, Story
from game.format.controls import control_problems

#: more warnings of one kind than this are shown as one line
GROUP_OVER = 5

#: the group line of each kind of warning: "<n> <what>: a, b, c, ..."
GROUPS = {
    "unlinked-scene": "scenes no goto leads to from a start",
    "unreached-scene": "scenes no role reaches",
    "unreached-ending": "endings no role reaches",
    "never-open-choice": "choices never open where their scene is reached",
    "dead-end": "scenes entered with no choice open",
    "trap": "scenes with states that cannot reach any ending",
    "wrong-role": "scenes reached by a role their `roles` leave out",
    "flag-never-tested": "flags set but never tested",
    "flag-never-set": "flags tested but never set",
    "flag-only-cleared": "flags cleared but never set or tested",
    "meter-unmoved": "meters no choice moves",
    "assert-fails": "texts shown where their `asserts` fails",
}


@attrs.frozen(order=True)
class StoryWarning:
    path: str
    line: int
    message: str
    #: the kind of warning (a key of GROUPS), for tools and for grouping
    code: str = ""
    #: the id it is about (a scene, flag, meter ...), as a group line lists it
    subject: str = ""
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.message}"


#: the order of warnings (their fields' order), as a sort key: quicker than comparing them
in_order = operator.attrgetter(*(f.name for f in attrs.fields(StoryWarning)))


def grouped(warnings: Iterable[StoryWarning], over: int = GROUP_OVER) -> list[StoryWarning]:
    """The warnings with each kind that has more than `over` of them as one line, at
    the place of its first; kinds without a group line stay as they are."""
    warnings = sorted(warnings, key=in_order)
    kinds: dict[str, list[StoryWarning]] = {}
    for w in warnings:
        kinds.setdefault(w.code, []).append(w)
    result = []
    for code, items in kinds.items():
        if code not in GROUPS or len(items) <= over:
            result += items
            continue
        subjects = list(dict.fromkeys(w.subject or w.message for w in items))
        shown = ", ".join(subjects[:over])
        more = ", ..." if len(subjects) > over else ""
        first = items[0]
        message = f"{len(items):,} {GROUPS[code]}: {shown}{more} (see --all)"
        result.append(StoryWarning(first.path, first.line, message, code, "", first.column))
    return sorted(result, key=in_order)


# -- the map --------------------------------------------------------------------------


def map_reachable(story: Story, starts: Iterable[str] | None = None) -> set[str]:
    """Scenes some goto or route leads to from the starts (every role's, by default),
    conditions ignored."""
    seen = set(starts if starts is not None else (r.start for r in story.roles.values()))
    if starts is None and story.duo is not None:  # the duo summit's sides start there
        seen.update(story.duo.start.values())
    todo = list(seen)
    scenes = story.scenes
    while todo:
        for choice in scenes[todo.pop()].choices:
            goto = choice.goto
            if goto not in seen and goto in scenes:
                seen.add(goto)
                todo.append(goto)
            if choice.routes or choice.random:  # (quick: most choices have neither)
                for goto in choice.destinations:
                    if goto not in seen and goto in scenes:
                        seen.add(goto)
                        todo.append(goto)
    return seen


def conditions(cond: Condition | None) -> Iterable[Condition]:
    """A condition and every condition nested in its `any`."""
    if cond is not None:
        yield cond
        for sub in cond.any:
            yield from conditions(sub)


def _suggest(word: str, options: Iterable[str]) -> str:
    import difflib  # only for a warning

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def flag_warnings(story: Story, warn: Callable[..., None]) -> None:
    """Flags set and never tested, tested and never set (with the set flag it may mean),
    and cleared only; `warn(file, line, message, code, subject)`."""
    setters: dict[str, tuple[str, int]] = {}
    clearers: dict[str, tuple[str, int]] = {}
    testers: dict[str, tuple[str, int]] = {}

    def tested(cond: Condition | None, file: str, line: int) -> None:
        if cond is None:
            return
        if cond.flags or cond.not_flags:
            for flag in sorted(cond.flags | cond.not_flags):
                if flag not in testers:
                    testers[flag] = (file, line)
        for sub in cond.any:
            tested(sub, file, line)

    for scene in story.scenes.values():
        for p in scene.passages:
            tested(p.when, scene.file, getattr(p, "line", 0) or scene.line)
            tested(getattr(p, "asserts", None), scene.file, getattr(p, "line", 0) or scene.line)
        for choice in scene.choices:
            if choice.set:
                for flag in sorted(choice.set):
                    setters.setdefault(flag, (scene.file, choice.line))
            if choice.clear:
                for flag in sorted(choice.clear):
                    clearers.setdefault(flag, (scene.file, choice.line))
            if choice.requires is not None:
                tested(choice.requires, scene.file, choice.line)
            if choice.routes or choice.random:
                for when in choice.deciders:
                    tested(when, scene.file, choice.line)
    for ending in story.endings.values():
        tested(ending.when, ending.file, ending.line)
        tested(getattr(ending, "asserts", None), ending.file, ending.line)
        for p in ending.passages:
            tested(p.when, ending.file, getattr(p, "line", 0) or ending.line)
            tested(getattr(p, "asserts", None), ending.file, getattr(p, "line", 0) or ending.line)
    # a choice flag (duo's `chosen`, "scene/choice") is set by its choice: never a typo
    for flag, (file, line) in setters.items():
        if flag not in testers and "/" not in flag:
            warn(
                file,
                line,
                f"flag '{flag}' is set but no condition tests it",
                "flag-never-tested",
                flag,
            )
    for flag, (file, line) in testers.items():
        if flag not in setters and "/" not in flag:
            warn(
                file,
                line,
                f"flag '{flag}' is tested but no choice sets it{_suggest(flag, setters)}",
                "flag-never-set",
                flag,
            )
    for flag, (file, line) in clearers.items():
        if flag not in setters and flag not in testers:
            warn(
                file,
                line,
                f"flag '{flag}' is cleared but no choice sets it or tests it",
                "flag-only-cleared",
                flag,
            )


def static_warnings(
    story: Story,
    definitions: Callable[[], Mapping[tuple[str, str], tuple[str, int]]],
    reached: set[str] | None = None,
) -> list[StoryWarning]:
    """The warnings the map and the names give; `definitions()` says where each meter
    and role is defined (asked only when a warning needs it); `reached`, when known, is
    `map_reachable(story)`."""
    found: list[StoryWarning] = []

    def warn(file: str, line: int, message: str, code: str = "", subject: str = "") -> None:
        found.append(StoryWarning(file, line, message, code, subject))

    if reached is None:
        reached = map_reachable(story)
    for sid, scene in story.scenes.items():
        if sid not in reached:
            warn(
                scene.file,
                scene.line,
                f"scene '{sid}': no goto leads to it from a start; link it or remove it",
                "unlinked-scene",
                sid,
            )
    flag_warnings(story, warn)
    unmoved = list(story.meters)
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.effects:
                unmoved = [m for m in unmoved if m not in choice.effects]
                if not unmoved:
                    break
        if not unmoved:
            break
    if unmoved:
        defs = definitions()
        for meter in unmoved:
            file, line = defs.get(("meters", meter), (".", 1))
            warn(
                file,
                line,
                f"meter '{meter}': no choice moves it (no `effects` name it)",
                "meter-unmoved",
                meter,
            )
    return sorted(set(found), key=in_order)


def quick_check(story: Story, folder: Path) -> tuple[list[StoryWarning], QuickStats]:
    """What `check` finds by default, without searching: the warnings of the map and
    the names, and of control characters in the files, sorted; and the statistics."""
    # the story's objects make no cycles: the collector would only walk them again
    collecting = gc.isenabled()
    gc.disable()
    try:
        reaches = {r: map_reachable(story, [role.start]) for r, role in story.roles.items()}
        reached = set().union(*reaches.values())  # = map_reachable(story)
        if story.duo is not None:
            reached |= map_reachable(story, story.duo.start.values())
        warnings = static_warnings(story, lambda: definitions(folder), reached)
        warnings += [
            StoryWarning(p.path, p.line, p.message, "control-character")
            for p in control_problems(folder)
        ]
        return sorted(set(warnings), key=in_order), quick_stats(story, reaches)
    finally:
        if collecting:
            gc.enable()


def definitions(folder: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """Where each meter and role is defined: (kind, id) -> (display path, line)."""
    from game.format.symbols import index

    text = str(folder)
    root = text.rstrip("/") if text not in (".", "") else ""
    found = {}
    for (kind, item), symbol in index(folder).symbols.items():
        if kind in ("meters", "roles"):
            rel = symbol.path.relative_to(folder).as_posix()
            found[(kind, item)] = (f"{root}/{rel}" if root else rel, symbol.line)
    return found


# -- the statistics that need no search -------------------------------------------------


def words(text: str) -> int:
    return len(text.split())


@attrs.frozen
class QuickStats:
    scene_words: int
    choice_words: int
    ending_words: int
    #: per role: scenes and choices its gotos lead to (the map, conditions ignored)
    roles: tuple[tuple[str, int, int], ...]

    @property
    def words(self) -> int:
        return self.scene_words + self.choice_words + self.ending_words


def quick_stats(story: Story, reaches: Mapping[str, set[str]] | None = None) -> QuickStats:
    """The words, and what each role's gotos lead to (`reaches`, when known: each
    role's `map_reachable` from its start)."""
    split = str.split
    scene_words = choice_words = 0
    for s in story.scenes.values():
        scene_words += len(split(s.text))
        for p in s.passages:
            scene_words += len(split(p.text))
        for c in s.choices:
            choice_words += len(split(c.text))
            if c.locked_reason:
                choice_words += len(split(c.locked_reason))
    ending_words = sum(
        words(e.text) + sum(words(p.text) for p in e.passages) + sum(map(words, e.questions))
        for e in story.endings.values()
    )
    roles = []
    for role_id, role in story.roles.items():
        reach = reaches[role_id] if reaches else map_reachable(story, [role.start])
        choices = sum(len(story.scenes[s].choices) for s in reach)
        roles.append((role_id, len(reach), choices))
    return QuickStats(scene_words, choice_words, ending_words, tuple(roles))


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def quick_stats_text(stats: QuickStats) -> str:
    out = [
        f"Words: {stats.words:,} (scenes {stats.scene_words:,}, choices "
        f"{stats.choice_words:,}, endings {stats.ending_words:,})"
    ]
    for role, scenes, choices in stats.roles:
        out.append(
            f"Role {role}: {_plural(scenes, 'scene')} and {_plural(choices, 'choice')} "
            "its gotos lead to"
        )
    out.append(
        "Run `mar-a-lago check --deep` to search every state: the endings each role "
        "reaches, dead ends, and how long a playthrough takes."
    )
    return "\n".join(out)
