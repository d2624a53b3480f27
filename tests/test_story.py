"""The shipped story: scripted playthroughs, reachability, citations and balance.

These tests play `story/` through the engine exactly as a player would. The
exhaustive questions (what every role reaches, dead ends, states with no way out)
are answered by the project's own explorer, which searches every state (scene,
meters, the flags some condition tests) once, however many paths lead to it.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from game.core import engine
from game.format.loader import load_story
from game.tools.explore import analysis

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
        "flag_big_package",
        "stability_excuse",
        "trade_first",
        "bank_jobs",
        "sanctions_only",
        "call_smokescreen",
        "sell_cooperation",
    ],
    ("trump", "best_case"): [
        "amplify",
        "demand_screws",
        "talk_alone",
        "dismiss_mirror",
        "mirror_image",
        "trade_first",
        "bite_win_win",
        "talk_ourselves",
        "tell_xi_ready",
        "brainstorm_cap",
        "announce_cap",
    ],
    ("trump", "worst_case"): [
        "tough_tweets",
        "stolen_jobs",
        "let_mosul_stand",
        "buffer_and_card",
        "pick_fight",
        "keep_swinging",
        "back_to_trade_fight",
        "call_smokescreen",
        "sell_toughness",
    ],
    ("trump", "held_hostage"): [
        "amplify",
        "demand_screws",
        "let_mosul_stand",
        "buffer_and_card",
        "korea_first",
        "not_patient",
        "read_leash",
        "not_rational",
        "rule_out_peace",
        "reassure_allies",
    ],
    ("trump", "plan_b"): [
        "amplify",
        "list_escalation",
        "reaffirm_allies",
        "buffer_and_card",
        "korea_first",
        "threaten_force",
        "double_down",
        "hold_line",
    ],
    ("xi", "draw"): [
        "read_theater",
        "give_korea_story",
        "prepare_answer",
        "mirror",
        "open_key",
        "cooperation_essential",
        "play_up_un",
        "accept_role",
        "brainstorm_cap",
        "play_up_un",
    ],
    ("xi", "best_case"): [
        "reserve_article_two",
        "give_jobs_story",
        "bring_investment",
        "hegemony",
        "open_win_win",
        "offer_jobs",
        "offer_both",
        "just_walk",
        "brainstorm_cap",
        "play_up_un",
    ],
    ("xi", "worst_case"): [
        "mark_bluff",
        "give_nothing",
        "hegemony",
        "open_win_win",
        "keep_apart",
        "spill_over",
        "korean_war",
        "dual_track",
        "press_treaty",
    ],
    ("xi", "held_hostage"): [
        "reserve_article_two",
        "give_nothing",
        "hegemony",
        "open_key",
        "only_worse",
        "invoke_article_two",
        "press_freeze_anyway",
        "nothing_conceded",
    ],
    ("xi", "plan_b"): [
        "mark_bluff",
        "give_nothing",
        "hegemony",
        "open_key",
        "only_worse",
        "call_bluff",
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


@cache
def explore(role: str) -> analysis.RoleReport:
    """Every state a role can reach, searched by the project's explorer."""
    report = analysis.explore(story(), role)
    assert report.complete, f"{role}: the search stopped at {report.states:,} states"
    return report


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
    reached = {e for e, path in explore(role).endings.items() if path is not None}
    assert reached == set(ENDINGS)


def test_every_scene_is_reachable():
    # the duo summit's scenes (story/duo/, a `round`) are searched by tests/test_story_duo.py
    one_player = {s.id for s in story().scenes.values() if not s.round}
    reached = set().union(*(explore(role).reached_scenes for role in ROLES))
    assert reached == one_player, sorted(one_player - reached)


@pytest.mark.parametrize("role", ROLES)
def test_no_dead_ends(role):
    dead_ends = explore(role).dead_ends
    assert not dead_ends, dead_ends[:5]


@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_state_can_still_end(role):
    traps = explore(role).traps
    assert traps == (), traps[:3] if traps else traps


@pytest.mark.parametrize("role", ROLES)
def test_scenes_are_marked_for_the_roles_that_reach_them(role):
    for scene_id in explore(role).reached_scenes:
        roles = story().scenes[scene_id].roles
        assert not roles or role in roles, f"{role} reaches {scene_id}, marked {roles}"
    assert not explore(role).wrong_role_scenes


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_long_and_wide_enough(role):
    report = explore(role)
    scenes = report.reached_scenes
    choices = sum(len(story().scenes[s].choices) for s in scenes) - len(report.unreachable_choices)
    assert len(scenes) >= 13, sorted(scenes)
    assert choices >= 30, choices


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
