"""The duo summit's part of the story format, each problem located (`path:line`).

All of it is optional; a story without `[duo]` is a one-player story as before:

- `[duo]`: `roles` (the two sides, in the order their moves of a round apply),
  `rounds` (round ids, in play order) and `start` (each side's first scene);
- `[rounds.<id>]`: a round's `title` and an optional `text` both sides read;
- a scene's `round`: the round it belongs to (a duo scene). Its choices lead the same
  side to a scene of the next round, or end the game (`end`, `end:<id>`); after the
  last round they must end it;
- a condition's `chosen = ["scene/choice", ...]`: every listed choice has been made
  in this game (by either side; one-player stories may use it too). It is kept as a
  *choice flag* named `scene/choice` (`game.core.model.chosen_flag`), which the named
  choice sets: the engine and the search need nothing new for it;
- a condition's `role = "<role>"` (or a list): the player's role is one of them; in
  a duo summit, the side reading the text or making the choice (an ending's `when`
  is the pair's: it reads the first side).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from game.core.model import Duo, Round, Scene, chosen_flag
from game.format.shapes import CHOICE_ID, ID, Key, StoryFile, is_str_list, kind_of, suggest

if TYPE_CHECKING:
    from game.format.tables import LoadState

#: the condition keys the duo summit adds (no meter may be called so)
CONDITION_KEYS = ("chosen", "role")


def chosen_flags(load: LoadState, f: StoryFile, item: Any, path: Key) -> frozenset[str]:
    """A condition's `chosen`: choice flags; what they name is checked once every scene
    is built (`mark_chosen`)."""
    shape = 'must be a list of "scene/choice" strings, like ["summit_dinner/press_hard"]'
    if not is_str_list(item) or not item:
        f.problem(path, f"`chosen` {shape}")
        return frozenset()
    names = set()
    for i, ref in enumerate(item):
        scene, sep, choice = ref.partition("/")
        if not sep or not ID.match(scene) or not CHOICE_ID.match(choice):
            f.problem((*path, i), f"'{ref}' names no choice: `chosen` {shape}")
            continue
        load.chosen_refs.append((f, (*path, i), ref))
        names.add(chosen_flag(scene, choice))
    return frozenset(names)


def role_names(load: LoadState, f: StoryFile, item: Any, path: Key) -> frozenset[str]:
    """A condition's `role`: a role id or a list of them (the player's role; in a duo
    summit, the side reading the text or making the choice)."""
    names = [item] if isinstance(item, str) else item
    if not is_str_list(names) or not names:
        f.problem(path, f"`role` must be a role id or a list of them, not {kind_of(item)}")
        return frozenset()
    for i, name in enumerate(names):
        if name not in load.roles:
            where = path if isinstance(item, str) else (*path, i)
            f.problem(where, f"role '{name}' does not exist{suggest(name, load.roles)}")
    return frozenset(names)


def mark_chosen(load: LoadState, scenes: Mapping[str, Scene | None]) -> dict[str, Scene | None]:
    """Check what each `chosen` names, and have each named choice set its choice flag."""
    marked: dict[str, dict[str, set[str]]] = {}
    for f, path, ref in load.chosen_refs:
        scene_id, _, choice_id = ref.partition("/")
        if scene_id not in load.scenes:
            f.problem(path, f"`chosen`: '{ref}' names no scene{suggest(scene_id, load.scenes)}")
            continue
        scene = scenes.get(scene_id)
        if scene is None:
            continue  # its own problems are reported
        if scene.choice(choice_id) is None:
            ids = [c.id for c in scene.choices]
            f.problem(
                path,
                f"`chosen`: scene '{scene_id}' has no choice '{choice_id}'"
                f"{suggest(choice_id, ids)}; its choices: {', '.join(ids) or 'none'}",
            )
            continue
        marked.setdefault(scene_id, {}).setdefault(choice_id, set()).add(ref)
    if not marked:
        return dict(scenes)
    result = dict(scenes)
    for scene_id, by_choice in marked.items():
        scene = result[scene_id]
        assert scene is not None
        choices = tuple(
            attrs.evolve(c, set=c.set | by_choice[c.id]) if c.id in by_choice else c
            for c in scene.choices
        )
        result[scene_id] = attrs.evolve(scene, choices=choices)
    return result


def build_duo(load: LoadState, scenes: Mapping[str, Scene | None]) -> Duo | None:
    """The story's `Duo`, or None; every problem of the duo tables and scenes located."""
    if load.duo_table is None:
        for round_id, (f, _) in load.rounds.items():
            f.problem(("rounds", round_id), "a round needs a [duo] table that lists it in `rounds`")
        for scene_id, (f, table) in load.scenes.items():
            if isinstance(table.get("round"), str):
                f.problem(
                    ("scenes", scene_id, "round"),
                    "a scene's `round` needs a [duo] table (the duo summit's sides and rounds)",
                )
        return None
    f, table = load.duo_table
    if not f.check_table(table, "duo", ("duo",)):
        return None
    roles = _duo_roles(load, f, table["roles"])
    round_ids = _duo_rounds(load, f, table["rounds"])
    starts = _duo_starts(load, f, table["start"], roles, round_ids, scenes)
    if roles is None or round_ids is None or starts is None:
        return None
    rounds = []
    for round_id in round_ids:
        found = load.rounds.get(round_id)
        if found is None:
            rounds.append(Round(round_id, round_id.replace("_", " ").capitalize()))
        elif (("rounds", round_id)) not in load.misshapen:
            rounds.append(Round(round_id, found[1]["title"], found[1].get("text", "")))
    for round_id, (rf, _) in load.rounds.items():
        if round_id not in round_ids:
            rf.problem(
                ("rounds", round_id),
                f"round '{round_id}' is not in [duo].rounds{suggest(round_id, round_ids)}; "
                "add it there or remove this table",
            )
    _check_duo_scenes(load, roles, round_ids, scenes)
    return Duo(
        roles=roles, rounds=tuple(rounds), start=starts, file=f.display, line=f.line(("duo",))
    )


def _duo_roles(load: LoadState, f: StoryFile, roles: list[str]) -> tuple[str, ...] | None:
    ok = len(roles) == 2 and len(set(roles)) == 2
    if not ok:
        f.problem(
            ("duo", "roles"), 'a duo summit has two sides: write roles = ["<role>", "<role>"]'
        )
    for i, role in enumerate(roles):
        if role not in load.roles:
            f.problem(
                ("duo", "roles", i), f"role '{role}' does not exist{suggest(role, load.roles)}"
            )
            ok = False
    return tuple(roles) if ok else None


def _duo_rounds(load: LoadState, f: StoryFile, rounds: list[str]) -> tuple[str, ...] | None:
    ok = bool(rounds)
    if not rounds:
        f.problem(("duo", "rounds"), 'list the rounds in play order: rounds = ["arrival", ...]')
    seen: set[str] = set()
    for i, round_id in enumerate(rounds):
        if not ID.match(round_id):
            f.problem(("duo", "rounds", i), f"round id '{round_id}' must use a-z, 0-9 and _")
            ok = False
        elif round_id in seen:
            f.problem(("duo", "rounds", i), f"round '{round_id}' is listed twice")
            ok = False
        seen.add(round_id)
    return tuple(rounds) if ok else None


def _duo_starts(
    load: LoadState,
    f: StoryFile,
    start: dict[str, Any],
    roles: tuple[str, ...] | None,
    rounds: tuple[str, ...] | None,
    scenes: Mapping[str, Scene | None],
) -> dict[str, str] | None:
    ok = True
    for side, scene_id in start.items():
        path: Key = ("duo", "start", side)
        if roles is not None and side not in roles:
            f.problem(path, f"'{side}' is not a side of [duo].roles ({', '.join(roles)})")
            ok = False
        elif not isinstance(scene_id, str):
            f.problem(path, f"a side's start must be a scene id, not {kind_of(scene_id)}")
            ok = False
        elif scene_id not in load.scenes:
            f.problem(path, f"start '{scene_id}' names no scene{suggest(scene_id, load.scenes)}")
            ok = False
        else:
            scene = scenes.get(scene_id)
            if scene is not None and rounds is not None and scene.round != rounds[0]:
                f.problem(
                    path,
                    f"start '{scene_id}' must be a scene of the first round '{rounds[0]}' "
                    f'(give it round = "{rounds[0]}")',
                )
                ok = False
            elif scene is not None and scene.roles and side not in scene.roles:
                f.problem(path, f"start '{scene_id}' is not a scene of side '{side}' (its roles)")
                ok = False
    for side in roles or ():
        if side not in start:
            f.problem(("duo", "start"), f"no start for side '{side}': add {side} = \"<scene>\"")
            ok = False
    return {side: start[side] for side in roles or ()} if ok else None


def _check_duo_scenes(
    load: LoadState,
    roles: tuple[str, ...],
    rounds: tuple[str, ...],
    scenes: Mapping[str, Scene | None],
) -> None:
    index = {r: i for i, r in enumerate(rounds)}
    for scene_id, scene in scenes.items():
        if scene is None:
            continue
        f = load.scenes[scene_id][0]
        path: Key = ("scenes", scene_id)
        if scene.round and scene.round not in index:
            f.problem(
                (*path, "round"),
                f"round '{scene.round}' is not in [duo].rounds{suggest(scene.round, rounds)}; "
                f"rounds: {', '.join(rounds)}",
            )
            continue
        for i, choice in enumerate(scene.choices):
            if scene.round and getattr(choice, "random", None):
                f.problem(
                    (*path, "choices", i, "random"),
                    "a duo scene's choice cannot draw a random route (a pair's game has no "
                    "one seed); use `routes` with conditions",
                )
            gotos = [(choice.goto, (*path, "choices", i, "goto"))]
            gotos += [
                (r.goto, (*path, "choices", i, "routes", j, "goto"))
                for j, r in enumerate(choice.routes)
            ]
            for goto, gpath in gotos:
                _check_goto(load, f, scene, goto, gpath, rounds, index, scenes)
        if scene.round and not scene.choices:
            f.problem(path, "a duo scene needs at least one choice (each side moves every round)")
        for side in scene.roles if scene.round else ():
            if side not in roles:
                f.problem(
                    (*path, "roles"),
                    f"'{side}' is not a side of [duo].roles; "
                    f"a duo scene is played by {' or '.join(roles)}",
                )


def _check_goto(
    load: LoadState,
    f: StoryFile,
    scene: Scene,
    goto: str,
    path: Key,
    rounds: tuple[str, ...],
    index: dict[str, int],
    scenes: Mapping[str, Scene | None],
) -> None:
    target = scenes.get(goto)
    if goto == "end" or goto.startswith("end:") or target is None:
        return  # endings, and gotos that name nothing (reported by the references)
    if not scene.round:
        if target.round:
            f.problem(
                path,
                f"goto '{goto}' leads a one-player scene into the duo summit; "
                "only [duo].start does",
            )
        return
    here = index[scene.round]
    if here == len(rounds) - 1:
        f.problem(
            path,
            f"after the last round ('{scene.round}') a duo scene ends the game: "
            'goto = "end" or "end:<ending>"',
        )
        return
    wanted = rounds[here + 1]
    if target.round != wanted:
        now = f"a scene of round '{target.round}'" if target.round else "a one-player scene"
        f.problem(
            path,
            f"goto '{goto}' is {now}; a duo scene of round '{scene.round}' leads to "
            f"one of the next round, '{wanted}'",
        )
        return
    if scene.roles and target.roles and not set(scene.roles) & set(target.roles):
        f.problem(
            path,
            f"goto '{goto}' is a scene of {', '.join(target.roles)}, not of "
            f"{', '.join(scene.roles)}: a side stays on its side",
        )
