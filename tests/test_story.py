"""The shipped story: scripted playthroughs, reachability, citations and balance.

These tests play `story/` through the engine exactly as a player would. The
exhaustive search memoises states on (scene, meters, flags that a condition
reachable from the scene reads): other flags only colour passages and cannot
change where a game goes, so states that differ only in those are explored once.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from game.core import engine
from game.core.model import Condition
from game.format.loader import load_story

STORY_DIR = Path(__file__).parent.parent / "story"
ROLES = ("trump", "xi")
ENDINGS = ("draw", "best_case", "worst_case", "held_hostage", "plan_b")
PARAGRAPH = re.compile(r"P([1-9]|1[0-9])")  # P1..P19
SEED = 20170406
RUNS = 1000

# One scripted path per (role, ending): the choice ids, in order.
SCRIPTS: dict[tuple[str, str], list[str]] = {
    ("trump", "draw"): [
        "prefer_cooperation",
        "room_for_talks",
        "keep_mystery",
        "stability_excuse",
        "trade_first",
        "bank_jobs",
        "not_patient",
        "read_leash",
        "not_rational",
        "call_smokescreen",
        "promise_nothing",
        "claim_jobs",
        "just_smile",
    ],
    ("trump", "best_case"): [
        "plan_pivot",
        "room_for_talks",
        "cut_threat",
        "mirror_image",
        "flag_big_package",
        "trade_first",
        "bite_win_win",
        "ask_china",
        "credit_coal",
        "share_headache",
        "brainstorm_cap",
        "pair_with_cap",
        "announce_cap",
        "keep_talking",
    ],
    ("trump", "worst_case"): [
        "tough_tweets",
        "demand_screws",
        "keep_mystery",
        "buffer_and_card",
        "pick_fight",
        "wave_off_briefs",
        "not_patient",
        "read_leash",
        "not_rational",
        "call_smokescreen",
        "fire_back",
        "or_else",
        "one_more_warning",
    ],
    ("trump", "held_hostage"): [
        "amplify",
        "demand_screws",
        "keep_mystery",
        "buffer_and_card",
        "korea_first",
        "bank_jobs",
        "threaten_force",
        "read_leash",
        "not_rational",
        "rule_out_peace",
        "box_plan_b",
        "or_else",
        "one_more_warning",
    ],
    ("trump", "plan_b"): [
        "amplify",
        "list_escalation",
        "let_mosul_stand",
        "buffer_and_card",
        "korea_first",
        "wave_off_briefs",
        "threaten_force",
        "demand_pain",
        "justify_plan_b",
        "call_smokescreen",
        "double_down",
    ],
    ("xi", "draw"): [
        "read_theater",
        "briefs_only",
        "mirror",
        "note_it",
        "open_key",
        "cooperation_essential",
        "cite_coal",
        "neither",
        "big_package",
        "dual_track",
        "take_gains",
        "just_smile",
    ],
    ("xi", "best_case"): [
        "read_theater",
        "bring_investment",
        "mirror",
        "prepare_answer",
        "open_win_win",
        "cooperation_essential",
        "un_sanctions",
        "commiserate",
        "accept_role",
        "brainstorm_cap",
        "offer_jobs",
        "offer_both",
        "invite_talks",
    ],
    ("xi", "worst_case"): [
        "read_theater",
        "nothing_new",
        "hegemony",
        "open_key",
        "only_worse",
        "cite_coal",
        "neither",
        "read_trick",
        "press_freeze_anyway",
        "spill_over",
        "korean_war",
        "firm_reminder",
    ],
    ("xi", "held_hostage"): [
        "mark_bluff",
        "briefs_only",
        "thaad",
        "open_thaad",
        "push_back",
        "sanctions_futile",
        "neither",
        "read_trick",
        "dual_track",
        "nudge_talks",
        "absorb",
        "just_smile",
    ],
    ("xi", "plan_b"): [
        "mark_bluff",
        "briefs_only",
        "hegemony",
        "open_thaad",
        "push_back",
        "sanctions_futile",
        "neither",
        "read_trick",
        "press_freeze_anyway",
        "invoke_article_two",
        "hold_the_line",
    ],
}


@cache
def story():
    return load_story(STORY_DIR)


def choice_id(option) -> str:
    """The id of an engine Option (`choice_id`, or `choice.id` in older drafts)."""
    return option.choice_id if hasattr(option, "choice_id") else option.choice.id


def playable(state) -> list[str]:
    """The choices a player can take now: visible and open."""
    return [choice_id(o) for o in engine.options(story(), state) if o.visible and o.open]


def condition_flags(cond: Condition | None) -> set[str]:
    if cond is None:
        return set()
    found = set(cond.flags) | set(cond.not_flags)
    for sub in cond.any:
        found |= condition_flags(sub)
    return found


@cache
def read_flags(scene_id: str) -> frozenset[str]:
    """The flags that can still matter from `scene_id` on.

    Those are the flags read by a `requires` or a route of any scene reachable from
    here (following every goto and route), or by an ending's `when`. Any other flag
    only colours passages, so it cannot change where the game goes.
    """
    found: set[str] = set()
    for ending in story().endings.values():
        found |= condition_flags(ending.when)
    seen, todo = {scene_id}, [scene_id]
    while todo:
        scene = story().scenes[todo.pop()]
        for choice in scene.choices:
            found |= condition_flags(choice.requires)
            for goto in [choice.goto, *(route.goto for route in choice.routes)]:
                if goto in story().scenes and goto not in seen:
                    seen.add(goto)
                    todo.append(goto)
            for route in choice.routes:
                found |= condition_flags(route.when)
    return frozenset(found)


def key(state):
    flags = state.flags & read_flags(state.scene)
    return (state.scene, tuple(sorted(state.meters.items())), flags)


def target(state_before, choice_id_: str, state_after) -> str:
    """Where a choice pointed once its routes were tried (before any auto-ending)."""
    choice = story().scenes[state_before.scene].choice(choice_id_)
    for route in choice.routes:
        if engine.holds(route.when, state_after):
            return route.goto
    return choice.goto


@cache
def explore(role: str):
    """Every reachable state of a role, with what can be reached from each.

    Returns (states, edges, endings, scenes, choices, dead_ends): `edges[k]` lists
    the keys of the non-final states reachable in one choice from state `k`;
    `endings[k]` the endings reachable in one choice.
    """
    start = engine.new_game(story(), role)
    states = {key(start): start}
    edges: dict = {}
    endings: dict = {}
    scenes: set[str] = set()
    choices: set[tuple[str, str]] = set()
    dead_ends: list[str] = []
    stack = [start]
    while stack:
        state = stack.pop()
        k = key(state)
        scenes.add(state.scene)
        open_ids = playable(state)
        if not open_ids:
            dead_ends.append(f"{state.scene} with {dict(state.meters)}, {sorted(state.flags)}")
        edges[k], endings[k] = [], set()
        for cid in open_ids:
            choices.add((state.scene, cid))
            after = engine.choose(story(), state, cid)
            if after.ending is not None:
                goto = target(state, cid, after)
                if goto in story().scenes:  # the engine ended it because goto had nothing open
                    dead_ends.append(f"{goto} via {state.scene}/{cid}, {dict(after.meters)}")
                endings[k].add(after.ending)
                continue
            k2 = key(after)
            edges[k].append(k2)
            if k2 not in states:
                states[k2] = after
                stack.append(after)
    return states, edges, endings, scenes, choices, dead_ends


def play(role: str, ids: list[str]):
    state = engine.new_game(story(), role)
    for step, cid in enumerate(ids, start=1):
        assert state.ending is None, f"step {step}: the game already ended in {state.ending}"
        assert cid in playable(state), (
            f"step {step}: '{cid}' is not open in scene '{state.scene}'; open: {playable(state)}"
        )
        state = engine.choose(story(), state, cid)
    return state


@cache
def random_shares(role: str) -> Counter:
    rng = random.Random(f"{SEED}-{role}")
    tally: Counter = Counter()
    for _ in range(RUNS):
        state = engine.new_game(story(), role)
        while state.ending is None:
            state = engine.choose(story(), state, rng.choice(playable(state)))
        tally[state.ending] += 1
    return tally


# ---------------------------------------------------------------- the story's shape


def test_story_has_the_two_roles_and_five_endings():
    assert set(story().roles) == set(ROLES)
    assert set(story().endings) == set(ENDINGS)
    fallbacks = [e.id for e in story().endings.values() if e.when is None]
    assert fallbacks == ["draw"]


@pytest.mark.parametrize(("role", "ending"), sorted(SCRIPTS))
def test_scripted_playthrough_reaches_its_ending(role, ending):
    state = play(role, SCRIPTS[(role, ending)])
    assert state.ending == ending, f"{role} script for {ending} ended in {state.ending}"


@pytest.mark.parametrize("role", ROLES)
def test_every_ending_reachable_from_each_role(role):
    _, _, endings, _, _, _ = explore(role)
    reached = set().union(*endings.values())
    assert reached == set(ENDINGS)


def test_every_scene_is_reachable():
    reached = set().union(*(explore(role)[3] for role in ROLES))
    assert reached == set(story().scenes), sorted(set(story().scenes) - reached)


@pytest.mark.parametrize("role", ROLES)
def test_no_dead_ends(role):
    dead_ends = explore(role)[5]
    assert not dead_ends, dead_ends[:5]


@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_state_can_still_end(role):
    states, edges, endings, _, _, _ = explore(role)
    can_end = {k for k in states if endings[k]}
    changed = True
    while changed:
        changed = False
        for k in states:
            if k not in can_end and any(k2 in can_end for k2 in edges[k]):
                can_end.add(k)
                changed = True
    stuck = [k for k in states if k not in can_end]
    assert not stuck, stuck[:3]


@pytest.mark.parametrize("role", ROLES)
def test_scenes_are_marked_for_the_roles_that_reach_them(role):
    for scene_id in explore(role)[3]:
        roles = story().scenes[scene_id].roles
        assert not roles or role in roles, f"{role} reaches {scene_id}, marked {roles}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_long_and_wide_enough(role):
    _, _, _, scenes, choices, _ = explore(role)
    assert len(scenes) >= 13, sorted(scenes)
    assert len(choices) >= 30, len(choices)


# ---------------------------------------------------------------- faithfulness


def test_every_scene_and_ending_cites_the_article():
    places = [*story().scenes.values(), *story().endings.values()]
    for place in places:
        assert place.source, f"{place.id} cites no paragraph"
        for paragraph in place.source:
            assert PARAGRAPH.fullmatch(paragraph), f"{place.id} cites {paragraph!r}"


def test_every_ending_has_discussion_questions():
    for ending in story().endings.values():
        assert 2 <= len(ending.questions) <= 3, ending.id


def test_locked_choices_say_why():
    for scene in story().scenes.values():
        for choice in scene.choices:
            if choice.requires is not None and not choice.hide_locked:
                assert choice.locked_reason.strip(), f"{scene.id}/{choice.id}"


# ---------------------------------------------------------------- balance


@pytest.mark.parametrize("role", ROLES)
def test_uniform_random_play_spreads_over_the_endings(role):
    tally = random_shares(role)
    shares = {ending: tally[ending] / RUNS for ending in ENDINGS}
    assert all(tally[ending] > 0 for ending in ENDINGS), shares
    assert max(shares.values()) <= 0.70, shares
