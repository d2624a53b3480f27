"""`explore`'s answers as text and as JSON (the JSON keys are a contract: added to,
never renamed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from game.core import engine
from game.core.model import Story
from game.tools.explore.asserts import AssertReport, AssertViolation, asserting_texts
from game.tools.explore.random_play import MAX_RANDOM_STEPS, RandomReport
from game.tools.explore.results import Path, RoleReport


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def steps_text(path: Path, drawn: frozenset[tuple[str, str]] = frozenset()) -> str:
    """`scene/choice → ...`; a choice in `drawn` (its destination drawn at random)
    marked `*`."""
    return " → ".join(f"{s}/{c}{'*' * ((s, c) in drawn)}" for s, c in path) or "(at the start)"


def drawn_choices(story: Story) -> frozenset[tuple[str, str]]:
    """The (scene, choice) pairs whose destination may be drawn at random."""
    return frozenset(
        (sid, c.id) for sid, scene in story.scenes.items() for c in scene.choices if c.random
    )


#: the line under the heading of a story with random routes
DRAWN_NOTE = (
    "A * marks a choice whose destination is drawn at random: a path through one is a "
    "path some draws take."
)


def explore_json(
    story: Story,
    reports: Mapping[str, RoleReport],
    max_states: int,
    asserts: Mapping[str, AssertReport] | None = None,
) -> dict[str, Any]:
    """The report as JSON data; with `asserts`, each role's under "asserts"."""
    roles: dict[str, Any] = {}
    for role, r in reports.items():
        roles[role] = {
            "states": r.states,
            "complete": r.complete,
            "endings": {
                e: {"reachable": p is not None, "path": None if p is None else [list(s) for s in p]}
                for e, p in r.endings.items()
            },
            "unreachable_scenes": list(r.unreachable_scenes),
            "unreachable_choices": [list(s) for s in r.unreachable_choices],
            "dead_ends": [
                {
                    "scene": d.scene,
                    "states": d.states,
                    "ending": d.ending,
                    "stuck": d.stuck,
                    "path": [list(s) for s in d.path],
                }
                for d in r.dead_ends
            ],
            "no_way_out": None
            if r.traps is None
            else [
                {"scene": t.scene, "states": t.states, "path": [list(s) for s in t.path]}
                for t in r.traps
            ],
            "wrong_role_scenes": list(r.wrong_role_scenes),
            "meter_ranges": {
                scene: {m: list(lo_hi) for m, lo_hi in meters.items()}
                for scene, meters in r.meter_ranges.items()
            },
        }
        if asserts is not None and role in asserts:
            roles[role]["asserts"] = asserts_json(asserts[role])
    reached = set().union(*(r.reached_scenes for r in reports.values()))
    return {
        "story": {"id": story.id, "version": story.version},
        "max_states": max_states,
        "complete": all(r.complete for r in reports.values()),
        "unreachable_scenes": [
            s for s, scene in story.scenes.items() if s not in reached and not scene.round
        ],
        "drawn": [list(step) for step in sorted(drawn_choices(story))],
        "roles": roles,
    }


def explore_text(
    story: Story,
    reports: Mapping[str, RoleReport],
    max_states: int,
    asserts: Mapping[str, AssertReport] | None = None,
) -> str:
    """The report as text; with `asserts` (and a story that has any), each role's that
    fail."""
    shown = asserts if asserts is not None and asserting_texts(story) else {}
    out = [f"Exploring '{story.title}' ({story.id} v{story.version}) from each role's start."]
    drawn = drawn_choices(story)
    if drawn:
        out.append(DRAWN_NOTE)

    def _steps(path: Path) -> str:
        return steps_text(path, drawn)

    for role, r in reports.items():
        out.append("")
        status = (
            "every state searched"
            if r.complete
            else (f"STOPPED at the limit of {max_states:,} states: what follows covers only these")
        )
        out.append(
            f"Role {role} ({story.roles[role].label}): {_plural(r.states, 'state')}, {status}"
        )
        out.append("  Endings:")
        width = max(map(len, r.endings), default=0)
        for e, p in r.endings.items():
            if p is None:
                how = "never reached" + ("" if r.complete else " (in the states covered)")
            else:
                how = f"in {_plural(len(p), 'choice')}: {_steps(p)}"
            out.append(f"    {e:<{width}}  {how}")
        none = "none"
        out.append(f"  Scenes never reached: {', '.join(r.unreachable_scenes) or none}")
        never = ", ".join(f"{s}/{c}" for s, c in r.unreachable_choices)
        out.append(f"  Choices never open: {never or none}")
        out.append("  Dead ends (a scene entered with no open choice; the game ends by rank):")
        for d in r.dead_ends:
            if d.stuck:
                out.append(f"    {d.scene}: the role starts here with nothing open")
            else:
                out.append(
                    f"    {d.scene}: {_plural(d.states, 'state')}, first via {_steps(d.path)} "
                    f"-> ends '{d.ending}'"
                )
        if not r.dead_ends:
            out[-1] += " none"
        if r.traps is None:
            out.append("  No way out: unknown (the search was not complete)")
        else:
            out.append("  No way out (states from which no ending can be reached):")
            for t in r.traps:
                out.append(
                    f"    {t.scene}: {_plural(t.states, 'state')}, first via {_steps(t.path)}"
                )
            if not r.traps:
                out[-1] += " none"
        if r.wrong_role_scenes:
            out.append(
                f"  Reached though their `roles` leave {role} out: {', '.join(r.wrong_role_scenes)}"
            )
        if role in shown:
            out.extend(asserts_lines(shown[role]))
        out.append("  Meter ranges seen at each scene:")
        names = [m.id for m in story.meters.values()]
        swidth = max(map(len, r.meter_ranges), default=0)
        for scene in story.scenes:
            if scene in r.meter_ranges:
                ranges = r.meter_ranges[scene]
                cells = "  ".join(f"{m} {ranges[m][0]}..{ranges[m][1]}" for m in names)
                out.append(f"    {scene:<{swidth}}  {cells}".rstrip())
    return "\n".join(out)


def random_json(reports: Mapping[str, RandomReport], seed: int) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    for role, r in reports.items():
        picks: dict[str, dict[str, int]] = {}
        for (scene, choice), n in sorted(r.picks.items()):
            picks.setdefault(scene, {})[choice] = n
        roles[role] = {
            "runs": r.runs,
            "endings": {e: round(r.share(e), 6) for e in r.endings},
            "unfinished": r.unfinished,
            "mean_choices": round(r.mean_choices, 3),
            "mean_words": round(r.mean_words, 1),
            "choices": picks,
        }
    return {"seed": seed, "max_steps": MAX_RANDOM_STEPS, "roles": roles}


def random_text(story: Story, reports: Mapping[str, RandomReport], seed: int) -> str:
    out = [f"Random playthroughs of '{story.title}' (seed {seed}); each step picks uniformly"]
    out[0] += " among the open choices."
    for role, r in reports.items():
        out.append("")
        out.append(
            f"Role {role}: {r.runs:,} games, {r.mean_choices:.1f} choices and "
            f"{r.mean_words:,.0f} words on average"
        )
        for e, n in sorted(r.endings.items(), key=lambda kv: -kv[1]):
            out.append(f"    {e:<24} {r.share(e):6.1%}  ({n:,})")
        if r.unfinished:
            out.append(f"    {'(unfinished)':<24} {r.unfinished / r.runs:6.1%}  ({r.unfinished:,})")
        out.append("  Choices picked:")
        for scene, scene_obj in story.scenes.items():
            counts = [(c.id, r.picks.get((scene, c.id), 0)) for c in scene_obj.choices]
            if any(n for _, n in counts):
                out.append(f"    {scene}: " + ", ".join(f"{c} {n:,}" for c, n in counts))
    return "\n".join(out)


# -- asserts ------------------------------------------------------------------------------


def _state_words(state: engine.GameState) -> str:
    meters = ", ".join(f"{m} {v}" for m, v in state.meters.items())
    flags = ", ".join(sorted(state.flags)) or "none"
    return f"{meters}; flags: {flags}" if meters else f"flags: {flags}"


def violation_text(v: AssertViolation) -> str:
    """One line: where, how many states, the first of them and a way there."""
    many = f"{v.states:,} state{'s' * (v.states != 1)}"
    way = steps_text(v.path)
    return f"{v.where}: `asserts` fails in {many}, first via {way} ({_state_words(v.state)})"


def asserts_lines(report: AssertReport) -> list[str]:
    """The lines `explore` prints for one role."""
    head = "  Asserts that fail (a text shown where its `asserts` does not hold):"
    if not report.violations:
        return [head + " none" + ("" if report.complete else " (in the states covered)")]
    lines = [head] + [f"    {violation_text(v)}" for v in report.violations]
    if not report.complete:
        lines.append(f"    (the search stopped at {report.states:,} states: there may be more)")
    return lines


def asserts_json(report: AssertReport) -> dict[str, object]:
    """`explore --json`'s "asserts" of one role."""
    return {
        "states": report.states,
        "complete": report.complete,
        "failing": [
            {
                "kind": v.kind,
                "id": v.id,
                "passage": None if v.passage is None else v.passage + 1,
                "states": v.states,
                "path": [list(step) for step in v.path],
                "meters": dict(v.state.meters),
                "flags": sorted(v.state.flags),
            }
            for v in report.violations
        ],
    }
