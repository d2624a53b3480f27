"""What `check` reports after its first line: the story's statistics and warnings.

The statistics count words, and per role the scenes, choices and endings the
explorer reaches, and how long a playthrough takes to read (random games through
the engine). The warnings are things a story may do but rarely means to: a scene
or ending nobody reaches, a flag set but never tested (or tested but never set), a
meter no choice moves, a scene entered with nothing open, states with no way out.
`check --strict` makes them errors, for CI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import tomli

from game.core.model import Condition, Story
from game.format.locate import Locator
from game.tools.explore import analysis
from game.tools.explore.analysis import RandomReport, RoleReport
from game.tools.explore.asserts import SCENE, AssertReport, check_asserts
from game.tools.explore.formatting import steps_text, violation_text
from game.tools.explore.workers import available, per_role
from game.tools.static import StoryWarning, flag_warnings

#: the search `check` runs per role; past it, the warnings that need it are skipped
CHECK_MAX_STATES = 300_000
#: random games per role for the reading time, their length at most, and the most
#: choices they may weigh in all (a deterministic cap on the time they take)
CHECK_RUNS = 100
CHECK_MAX_STEPS = 200
CHECK_WORK = 200_000
WORDS_PER_MINUTE = 200


#: each warning's code (game.tools.static.GROUPS), by the words of its message
_CODES = (
    ("no goto leads to it", "unlinked-scene"),
    ("scene '", "no role reaches it", "unreached-scene"),
    ("ending '", "no role reaches it", "unreached-ending"),
    ("never open where", "never-open-choice"),
    ("with no choice open", "dead-end"),
    ("no way to any ending", "trap"),
    ("is for roles", "wrong-role"),
    ("no choice moves it", "meter-unmoved"),
    ("`asserts` fails", "assert-fails"),
)
_SUBJECT = re.compile(r"'([^']+)'")


def _code(message: str) -> str:
    for *words, code in _CODES:
        if all(w in message for w in words):
            return code
    return "warning"


@attrs.frozen
class RoleStats:
    role: str
    scenes: int
    choices: int
    endings: int
    states: int
    complete: bool
    games: int  # random games played to measure the reading time
    ended: int  # of those, the games that reached an ending
    mean_choices: float
    mean_words: float

    @property
    def minutes(self) -> float:
        return self.mean_words / WORDS_PER_MINUTE


@attrs.frozen
class Stats:
    scene_words: int  # scene texts and their passages
    choice_words: int  # choice texts and locked reasons
    ending_words: int  # ending texts, passages and questions
    roles: tuple[RoleStats, ...]

    @property
    def words(self) -> int:
        return self.scene_words + self.choice_words + self.ending_words


def statistics(
    story: Story, reports: Mapping[str, RoleReport], played: Mapping[str, RandomReport]
) -> Stats:
    w = analysis.words
    scene_words = sum(w(s.text) + sum(w(p.text) for p in s.passages) for s in story.scenes.values())
    choice_words = sum(
        w(c.text) + w(c.locked_reason) for s in story.scenes.values() for c in s.choices
    )
    ending_words = sum(
        w(e.text) + sum(w(p.text) for p in e.passages) + sum(map(w, e.questions))
        for e in story.endings.values()
    )
    roles = []
    for role, r in reports.items():
        never = set(r.unreachable_choices)
        choices = sum(
            1
            for sid in r.reached_scenes
            for c in story.scenes[sid].choices
            if (sid, c.id) not in never
        )
        reached = sum(1 for p in r.endings.values() if p is not None)
        runs = played[role]
        roles.append(
            RoleStats(
                role,
                len(r.reached_scenes),
                choices,
                reached,
                r.states,
                r.complete,
                runs.runs,
                runs.runs - runs.unfinished,
                runs.mean_choices,
                runs.mean_words,
            )
        )
    return Stats(scene_words, choice_words, ending_words, tuple(roles))


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def stats_text(stats: Stats) -> str:
    out = [
        f"Words: {stats.words:,} (scenes {stats.scene_words:,}, choices "
        f"{stats.choice_words:,}, endings {stats.ending_words:,})"
    ]
    for r in stats.roles:
        searched = _plural(r.states, "state") + ("" if r.complete else ", search cut short")
        reading = (
            f"{r.mean_choices:.1f} choices, {r.mean_words:,.0f} words, {r.minutes:.1f} min "
            f"at {WORDS_PER_MINUTE} words/min"
            if r.ended
            else "unknown: no random game ended (random games with `explore` show where they go)"
        )
        out.append(
            f"Role {r.role}: {_plural(r.scenes, 'scene')}, {_plural(r.choices, 'choice')}, "
            f"{_plural(r.endings, 'ending')} reachable ({searched}); a playthrough: {reading}"
        )
    return "\n".join(out)


# -- warnings ------------------------------------------------------------------------


def _conditions(cond: Condition | None) -> Iterable[Condition]:
    if cond is not None:
        yield cond
        for sub in cond.any:
            yield from _conditions(sub)


def _definitions(folder: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """Where each meter and role is defined: (kind, id) -> (display path, line).
    The model keeps file and line for scenes and endings only."""
    from game.format.loader import story_files

    text = str(folder)
    root = text.rstrip("/") if text not in (".", "") else ""
    found: dict[tuple[str, str], tuple[str, int]] = {}
    for path in story_files(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            source = path.read_text(encoding="utf-8")
            data = tomli.loads(source)
        except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError):
            continue
        locator = Locator(source)
        display = f"{root}/{rel}" if root else rel
        for kind in ("meters", "roles"):
            section = data.get(kind)
            if isinstance(section, dict):
                for item in section:
                    found.setdefault((kind, item), (display, locator.line((kind, item))))
    return found


def _map_reachable(story: Story) -> set[str]:
    """Scenes some goto path leads to from a role's start, conditions ignored."""
    seen = {r.start for r in story.roles.values()}
    todo = list(seen)
    while todo:
        for choice in story.scenes[todo.pop()].choices:
            for goto in choice.destinations:
                if goto in story.scenes and goto not in seen:
                    seen.add(goto)
                    todo.append(goto)
    return seen


def _via(path: analysis.Path) -> str:
    return "via " + steps_text(path) if path else "at the start"


def story_warnings(
    story: Story, folder: Path, reports: Mapping[str, RoleReport]
) -> list[StoryWarning]:
    found: list[StoryWarning] = []
    complete = all(r.complete for r in reports.values())

    def warn(file: str, line: int, message: str, code: str = "", subject: str = "") -> None:
        named = _SUBJECT.search(message)
        subject = subject or (named.group(1) if named else "")
        found.append(StoryWarning(file, line, message, code or _code(message), subject))

    # reachability: exact from the search, or the map when the search was cut short; a
    # scene entered with nothing open (a dead end) is reached: it gets that warning only
    if complete:
        reached = set().union(*(r.reached_scenes for r in reports.values()))
        reached |= {d.scene for r in reports.values() for d in r.dead_ends}
    else:
        reached = _map_reachable(story)
    for sid, scene in story.scenes.items():
        if sid not in reached and not scene.round:  # duo scenes: the duo search's
            how = "no role reaches it" if complete else "no goto leads to it from a start"
            warn(scene.file, scene.line, f"scene '{sid}': {how}; link it or remove it")
    if complete:
        for eid, ending in story.endings.items():
            if all(r.endings[eid] is None for r in reports.values()):
                warn(ending.file, ending.line, f"ending '{eid}': no role reaches it")
        opened = set()  # choices open somewhere, for some role
        for r in reports.values():
            shut = set(r.unreachable_choices)
            opened |= {
                (sid, c.id)
                for sid in r.reached_scenes
                for c in story.scenes[sid].choices
                if (sid, c.id) not in shut
            }
        offered = {(sid, c.id) for sid in reached for c in story.scenes[sid].choices}
        for sid, cid in sorted(offered - opened):
            scene = story.scenes[sid]
            choice = scene.choice(cid)
            assert choice is not None
            warn(
                scene.file,
                choice.line,
                f"scene '{sid}', choice '{cid}': never open where the scene is reached "
                "(its `requires` never holds there)",
            )
    defs = _definitions(folder)
    for role, r in reports.items():
        for d in r.dead_ends:
            scene = story.scenes[d.scene]
            if d.stuck:
                file, line = defs.get(("roles", role), (scene.file, scene.line))
                warn(file, line, f"role '{role}' starts at '{d.scene}' with no choice open")
                continue
            warn(
                scene.file,
                scene.line,
                f"scene '{d.scene}' can be entered with no choice open (role {role}, "
                f"{_via(d.path)}); the game then ends by rank, at '{d.ending}'",
            )
        for t in r.traps or ():
            scene = story.scenes[t.scene]
            warn(
                scene.file,
                scene.line,
                f"scene '{t.scene}': {t.states:,} state(s) with no way to any ending "
                f"(role {role}, {_via(t.path)})",
            )
        for sid in r.wrong_role_scenes:
            scene = story.scenes[sid]
            warn(
                scene.file,
                scene.line,
                f"scene '{sid}' is for roles {list(scene.roles)}, but role '{role}' reaches it",
            )
    flag_warnings(story, warn)
    moved = {
        m for s in story.scenes.values() for c in s.choices for m in (*c.effects, *c.set_meters)
    }
    for meter in story.meters:
        if meter not in moved:
            file, line = defs.get(("meters", meter), (".", 1))
            warn(file, line, f"meter '{meter}': no choice moves it (no `effects` name it)")
    return sorted(set(found))


def assert_warnings(story: Story, checked: Mapping[str, AssertReport]) -> list[StoryWarning]:
    """A warning per text shown where its `asserts` fails, per role, at the text's line."""
    found = []
    for role, report in checked.items():
        for v in report.violations:
            place = story.scenes[v.id] if v.kind == SCENE else story.endings[v.id]
            line = place.line if v.passage is None else place.passages[v.passage].line
            found.append(
                StoryWarning(place.file, line or place.line, f"{violation_text(v)} (role {role})")
            )
    return found


# -- the `check` command's report ------------------------------------------------------


@attrs.frozen
class Checked:
    """What `check` finds past the loader: statistics, warnings, and whether the search
    covered every state (it stops at `max_states` per role)."""

    stats: Stats
    warnings: list[StoryWarning]
    complete: bool
    max_states: int


def check(story: Story, folder: Path) -> Checked:
    """Search each role (up to CHECK_MAX_STATES), play random games, and gather the
    statistics and the warnings."""
    cores = available()
    reports = analysis.explore_all(story, max_states=CHECK_MAX_STATES, workers=cores)

    def play(role: str) -> RandomReport:
        return analysis.random_play(
            story, role, CHECK_RUNS, max_steps=CHECK_MAX_STEPS, work=CHECK_WORK
        )

    played = per_role(play, list(story.roles), cores)
    asserted = {
        role: check_asserts(story, role, max_states=CHECK_MAX_STATES) for role in story.roles
    }
    warnings = story_warnings(story, folder, reports) + assert_warnings(story, asserted)
    return Checked(
        stats=statistics(story, reports, played),
        warnings=sorted(set(warnings)),
        complete=all(r.complete for r in reports.values())
        and all(r.complete for r in asserted.values()),
        max_states=CHECK_MAX_STATES,
    )
