"""A duo summit's search in words and as data: `explore` (text, JSON) and the warnings of
`check --deep` (game.tools.explore.duo searches)."""

from __future__ import annotations

from typing import Any

from game.core import duo
from game.core.model import Story
from game.tools.explore.duo import DuoReport, Pair, Step
from game.tools.static import StoryWarning

# -- output ---------------------------------------------------------------------------


def _moves_text(story: Story, moves: tuple[Step, ...]) -> str:
    return " -> ".join(f"{scene}/{choice}" for scene, choice in moves) or "(no move)"


def duo_text(story: Story, report: DuoReport) -> str:
    """The report in words, for `mar-a-lago explore`."""
    labels = {s: story.roles[s].label for s in report.sides}
    if report.not_searched:
        return f"Duo summit ({' and '.join(labels.values())}): not searched: {report.not_searched}"
    out = [
        f"Duo summit ({' and '.join(labels.values())}): {report.states:,} joint states"
        + ("" if report.complete else " (search stopped: incomplete)")
        + f", {report.seconds:.2f} s"
    ]
    out.append("  Endings (the shortest pair of move lists):")
    for ending, pair in report.endings.items():
        if pair is None:
            out.append(f"    {ending}: never reached by any pair of strategies")
            continue
        out.append(f"    {ending}: in {len(pair[0])} round(s)")
        for side, moves in zip(report.sides, pair, strict=True):
            out.append(f"      {side}: {_moves_text(story, moves)}")
    for side in report.sides:
        unreached = report.unreached_scenes[side]
        out.append(f"  Duo scenes {side} never reaches: {', '.join(unreached) or 'none'}")
    shut = ", ".join(f"{s}/{c}" for s, c in report.unopened_choices)
    out.append(f"  Choices never open: {shut or 'none'}")
    if not report.dead_ends:
        out.append("  Dead ends: none")
    for end in report.dead_ends:
        where = ", ".join(
            f"{side} at {scene}" for side, scene in zip(report.sides, end.scenes, strict=True)
        )
        kind = "one side can move and the other cannot" if end.one_sided else "no side can move"
        out.append(
            f"  Dead end ({kind}): {where}; stuck: {', '.join(end.stuck)}; "
            f"{end.states} state(s), ends at '{end.ending}'"
        )
        for side, moves in zip(report.sides, end.moves, strict=True):
            out.append(f"      {side}: {_moves_text(story, moves)}")
    return "\n".join(out)


def duo_json(report: DuoReport) -> dict[str, Any]:
    def pair(p: Pair | None) -> dict[str, list[list[str]]] | None:
        if p is None:
            return None
        return {
            side: [list(step) for step in moves]
            for side, moves in zip(report.sides, p, strict=True)
        }

    return {
        "sides": list(report.sides),
        "states": report.states,
        "complete": report.complete,
        "not_searched": report.not_searched,
        "endings": {e: pair(p) for e, p in report.endings.items()},
        "unreachable_endings": list(report.unreachable_endings),
        "unreached_scenes": {s: list(v) for s, v in report.unreached_scenes.items()},
        "unopened_choices": [list(step) for step in report.unopened_choices],
        "dead_ends": [
            {
                "scenes": dict(zip(report.sides, end.scenes, strict=True)),
                "stuck": list(end.stuck),
                "one_sided": end.one_sided,
                "states": end.states,
                "ending": end.ending,
                "moves": pair(end.moves),
            }
            for end in report.dead_ends
        ],
    }


# -- check --deep ------------------------------------------------------------------------


def duo_summary(story: Story, report: DuoReport) -> str:
    """One line for `check --deep`."""
    if report.not_searched:
        return f"Duo summit: not searched: {report.not_searched}."
    reached = len(report.endings) - len(report.unreachable_endings)
    done = "" if report.complete else " (search stopped: incomplete)"
    return (
        f"Duo summit: {report.states:,} joint states{done}; {reached} of "
        f"{len(report.endings)} endings reached by some pair of strategies; "
        f"{len(report.dead_ends)} dead end(s). `mar-a-lago explore` shows the pairs."
    )


def duo_warnings(story: Story, report: DuoReport) -> list[StoryWarning]:
    """What `check --deep` warns of a duo summit: endings no pair of strategies reaches,
    dead ends, duo scenes a side never reaches, and choices never open."""
    warnings = []
    duo_table = duo.duo_of(story)
    if report.complete:
        for ending_id in report.unreachable_endings:
            ending = story.endings[ending_id]
            warnings.append(
                StoryWarning(
                    ending.file or duo_table.file,
                    ending.line or duo_table.line,
                    f"ending '{ending_id}': no pair of strategies reaches it in the duo summit",
                    "duo-unreachable-ending",
                    ending_id,
                )
            )
        for side, scenes in report.unreached_scenes.items():
            for scene_id in scenes:
                scene = story.scenes[scene_id]
                warnings.append(
                    StoryWarning(
                        scene.file,
                        scene.line,
                        f"duo scene '{scene_id}': side '{side}' never reaches it",
                        "duo-unreached-scene",
                        scene_id,
                    )
                )
        for scene_id, choice_id in report.unopened_choices:
            scene = story.scenes[scene_id]
            choice = scene.choice(choice_id)
            warnings.append(
                StoryWarning(
                    scene.file,
                    choice.line if choice is not None and choice.line else scene.line,
                    f"scene '{scene_id}', choice '{choice_id}': never open in the duo summit",
                    "duo-choice-never-open",
                    f"{scene_id}/{choice_id}",
                )
            )
    for end in report.dead_ends:
        at_stuck = end.scenes[list(report.sides).index(end.stuck[0])]
        stuck_scene = story.scenes[at_stuck] if at_stuck is not None else None
        where = ", ".join(
            f"{side} at '{at}'" for side, at in zip(report.sides, end.scenes, strict=True)
        )
        kind = "one side can move and the other cannot" if end.one_sided else "no side can move"
        warnings.append(
            StoryWarning(
                stuck_scene.file if stuck_scene is not None else duo_table.file,
                stuck_scene.line if stuck_scene is not None else duo_table.line,
                f"duo dead end ({kind}): {where}; {', '.join(end.stuck)} has nothing open, "
                f"so the game ends by rank at '{end.ending}' ({end.states} state(s); "
                "`mar-a-lago explore` shows the moves)",
                "duo-dead-end",
                at_stuck or "",
            )
        )
    return warnings


def one_player_only(warnings: list[StoryWarning], report: DuoReport) -> list[StoryWarning]:
    """The one-player search's warnings, less "no role reaches it" for the endings the duo
    summit reaches (a duo story may keep an ending for two players)."""
    reached = {e for e, pair in report.endings.items() if pair is not None}
    return [
        w
        for w in warnings
        if not any(w.message == f"ending '{e}': no role reaches it" for e in reached)
    ]
