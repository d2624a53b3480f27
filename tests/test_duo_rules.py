"""The duo summit's rules (game.core.duo), each on its own, then properties over random play.

The stories here are built in Python, so the rules are tested apart from the loader;
tests/test_duo_format.py loads the same kind of story from TOML.
"""

from __future__ import annotations

import random

import attrs
import pytest
from duo_support import STORY, make_story, play, scene
from hypothesis import given, settings
from hypothesis import strategies as st

from game.core import duo, engine
from game.core.engine import GameError, ReplayError
from game.core.model import Bound, Choice, Condition, Story, chosen_flag


def test_a_duo_game_starts_with_each_side_at_its_first_scene():
    state = duo.new_duo(STORY)
    assert state.scenes == {"us": "u1", "cn": "c1"}
    assert state.meters == {"trust": 3, "heat": 2}
    assert state.pending == {} and state.moves == () and not state.over
    assert duo.waiting_for(STORY, state) == ("us", "cn")
    assert duo.current_round(STORY, state).title == "Arrival"
    assert [o.choice_id for o in duo.options(STORY, state, "us")] == ["warm", "press"]
    assert [o.choice_id for o in duo.options(STORY, state, "cn")] == ["offer", "stall"]


def test_a_story_without_duo_is_refused():
    with pytest.raises(GameError, match=r"no duo summit"):
        duo.new_duo(attrs.evolve(STORY, duo=None))


def test_one_move_waits_for_the_other_side_and_changes_nothing_shared():
    state = duo.new_duo(STORY)
    moved = duo.move(STORY, state, "cn", "offer")
    assert moved.pending == {"cn": "offer"}
    assert moved.meters == state.meters and moved.flags == state.flags  # not applied yet
    assert moved.scenes == state.scenes
    assert duo.waiting_for(STORY, moved) == ("us",)
    assert duo.options(STORY, moved, "cn") == []  # has moved: nothing more to choose
    # the side still to move sees exactly what it saw before: the other move is hidden
    assert duo.options(STORY, moved, "us") == duo.options(STORY, state, "us")
    assert duo.shown_text(STORY, moved, "us") == duo.shown_text(STORY, state, "us")


def test_a_side_moves_once_per_round():
    state = duo.move(STORY, duo.new_duo(STORY), "us", "warm")
    with pytest.raises(GameError, match="already moved in this round"):
        duo.move(STORY, state, "us", "press")


def test_unknown_side_choice_and_locked_choice_are_errors():
    state = duo.new_duo(STORY)
    with pytest.raises(GameError, match="no side 'eu'"):
        duo.move(STORY, state, "eu", "warm")
    with pytest.raises(GameError, match="has no choice 'nope'"):
        duo.move(STORY, state, "us", "nope")
    state = play(STORY, ("warm", "stall"))
    first = duo.options(STORY, state, "us")[0]
    assert (first.choice_id, first.open) == ("deal", False)
    with pytest.raises(GameError, match="is locked"):
        duo.move(STORY, state, "us", "deal")


def test_the_round_resolves_when_both_have_moved_in_either_order():
    a = duo.move(STORY, duo.move(STORY, duo.new_duo(STORY), "us", "warm"), "cn", "offer")
    b = duo.move(STORY, duo.move(STORY, duo.new_duo(STORY), "cn", "offer"), "us", "warm")
    assert a == b
    assert a.meters == {"trust": 6, "heat": 2}
    assert a.flags == {chosen_flag("c1", "offer")}
    assert a.scenes == {"us": "u2", "cn": "c2"}
    assert a.round == 1 and a.pending == {}
    # the moves are kept round by round in roles order, whoever came first
    assert [m.role for m in a.moves] == ["us", "cn"]
    assert a.last is not None
    assert a.last.round == "r1"
    assert a.last.before == {"trust": 3, "heat": 2} and a.last.after == a.meters
    assert a.last.move_of("cn") == duo.DuoMove("cn", "c1", "offer")


def test_effects_apply_in_roles_order_each_clamped():
    clamp = make_story(
        scene("u1", "r1", "us", Choice("up", "Up.", "end", effects={"trust": 9})),
        scene("c1", "r1", "cn", Choice("down", "Down.", "end", effects={"trust": -4})),
    )
    # us first: 3 + 9 = 12 -> 10, then - 4 = 6; the other order would give 0 + 9 = 9
    state = duo.move(clamp, duo.move(clamp, duo.new_duo(clamp), "cn", "down"), "us", "up")
    assert state.meters["trust"] == 6


def test_a_route_reads_what_the_other_side_did_this_round():
    state = play(STORY, ("press", "offer"))
    assert state.scenes["cn"] == "c2_pressed"
    state = play(STORY, ("warm", "offer"))
    assert state.scenes["cn"] == "c2"


def test_a_choice_of_the_other_side_unlocks_a_choice_and_a_passage():
    offered = play(STORY, ("warm", "offer"))
    assert duo.options(STORY, offered, "us")[0].open
    assert "They offered talks." in duo.shown_text(STORY, offered, "us")
    stalled = play(STORY, ("warm", "stall"))
    assert not duo.options(STORY, stalled, "us")[0].open
    assert "They offered talks." not in duo.shown_text(STORY, stalled, "us")
    reason = duo.options(STORY, stalled, "us")[0].reason
    assert reason == "Needs choice 'offer' of scene 'c1' made."


def test_an_ending_named_by_either_side_ends_the_game_for_both():
    state = play(STORY, ("warm", "offer"), ("walk", "agree"))
    assert state.over and state.ending == "walkout"
    assert state.scenes == {"us": None, "cn": None}
    assert duo.options(STORY, state, "us") == [] and duo.waiting_for(STORY, state) == ()
    with pytest.raises(GameError, match="over"):
        duo.move(STORY, state, "cn", "agree")


def test_the_first_side_in_roles_order_wins_when_both_name_an_ending():
    state = play(STORY, ("warm", "offer"), ("deal", "agree"), ("storm", "snub"))
    assert state.ending == "draw"  # us's end:draw beats cn's end:boom


def test_end_by_rank_and_immediate_endings_use_the_joint_state():
    state = play(STORY, ("warm", "offer"), ("deal", "agree"), ("thanks", "thanks"))
    assert state.meters["trust"] == 9 and state.ending == "deal"
    state = play(STORY, ("press", "stall"), ("threaten", "agree"))
    assert state.ending == "boom" and state.round == 2  # immediate: heat 2+3+1+5+1 >= 8


def test_each_side_reads_its_own_ending_text():
    state = play(STORY, ("warm", "offer"), ("deal", "agree"), ("thanks", "thanks"))
    us = duo.ending_text(STORY, state, "us")
    cn = duo.ending_text(STORY, state, "cn")
    assert us == ["A deal.", "Us: your side made it.", "The offer."]
    assert cn == ["A deal.", "Cn: your side made it.", "The offer."]
    assert duo.ending_text(STORY, duo.new_duo(STORY), "us") == []


def test_a_side_with_nothing_open_ends_the_game_by_rank():
    stuck = make_story(
        scene("u1", "r1", "us", Choice("go", "Go.", "u2")),
        scene("c1", "r1", "cn", Choice("go", "Go.", "c2")),
        scene("u2", "r2", "us", Choice("x", "X.", "end")),
        scene(
            "c2",
            "r2",
            "cn",
            Choice("x", "X.", "end", requires=Condition(flags=frozenset({"never"}))),
        ),
    )
    state = play(stuck, ("go", "go"))
    assert state.over and state.ending == "draw"


def test_the_view_of_a_side_is_a_single_player_state():
    state = play(STORY, ("warm", "offer"))
    view = duo.view(STORY, state, "cn")
    assert view.role == "cn" and view.scene == "c2"
    assert view.history == (("c1", "offer"),)
    assert view.meters == state.meters and view.flags == state.flags
    assert engine.options(STORY, view) == duo.options(STORY, state, "cn")


def test_role_conditions_read_the_single_players_role_too():
    cond = Condition(roles=frozenset({"us"}))
    state = engine.new_game(STORY, "us")
    assert engine.holds(cond, state)
    assert not engine.holds(cond, attrs.evolve(state, role="cn"))
    assert not cond.holds(state.meters, state.flags)  # no reader: a role condition fails
    assert engine.holds(Condition(any=(cond, Condition(meters={"heat": Bound(9)}))), state)


def test_replay_rebuilds_the_state_from_the_moves_in_any_order_within_a_round():
    state = play(STORY, ("warm", "offer"), ("deal", "agree"))
    state = duo.move(STORY, state, "cn", "thanks")  # a round half played
    moves = [(m.role, m.scene, m.choice) for m in state.moves]
    assert duo.replay(STORY, moves) == state
    swapped = [moves[1], moves[0], moves[3], moves[2], moves[4]]
    assert duo.replay(STORY, swapped) == state
    assert duo.replay(STORY, state.moves) == state


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        ([("us", "u1", "warm"), ("us", "u1", "press")], r"move 2 \(us\): that side had already"),
        ([("us", "u2", "deal")], r"move 1 \(us\): the story now leads that side to scene 'u1'"),
        ([("us", "u1", "gone")], r"choice 'gone' of scene 'u1' no longer exists"),
        ([("eu", "u1", "warm")], r"no side 'eu'"),
        (
            [("us", "u1", "warm"), ("cn", "c1", "stall"), ("us", "u2", "deal")],
            r"move 3 \(us\): choice 'deal' of scene 'u2' is locked",
        ),
    ],
)
def test_replay_says_which_move_no_longer_fits(moves, message):
    with pytest.raises(ReplayError, match=message):
        duo.replay(STORY, moves)


def test_replay_after_the_end_is_an_error():
    state = play(STORY, ("warm", "offer"), ("walk", "agree"))
    moves = [*state.moves, duo.DuoMove("us", "u3", "thanks")]
    with pytest.raises(ReplayError, match="already ended"):
        duo.replay(STORY, moves)


def test_rounds_played_lists_each_resolved_round():
    state = play(STORY, ("press", "offer"), ("threaten", "swallow"))
    results = duo.rounds_played(STORY, state)
    assert [r.round for r in results] == ["r1", "r2"]
    assert results[1].move_of("cn") == duo.DuoMove("cn", "c2_pressed", "swallow")
    assert results[-1].after == state.meters


def random_game(story: Story, seed: int) -> tuple[duo.DuoState, list[duo.DuoMove]]:
    """Random play, each round's moves in a random order, as two processes would."""
    rng = random.Random(seed)
    state = duo.new_duo(story)
    arrival: list[duo.DuoMove] = []
    while not state.over:
        for role in rng.sample(list(duo.waiting_for(story, state)), 2):
            open_ = [o.choice_id for o in duo.options(story, state, role) if o.open]
            scene = state.scenes[role]
            assert scene is not None and open_  # a side never stands with nothing open
            choice = rng.choice(open_)
            state = duo.move(story, state, role, choice)
            arrival.append(duo.DuoMove(role, scene, choice))
    return state, arrival


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_any_game_replays_to_the_same_state_from_its_moves_as_they_came(seed):
    state, arrival = random_game(STORY, seed)
    assert duo.replay(STORY, arrival) == state
    assert duo.replay(STORY, state.moves) == state
    assert len(state.moves) == 2 * state.round
    for result in duo.rounds_played(STORY, state):
        for meter in STORY.meters.values():
            assert meter.min <= result.after[meter.id] <= meter.max
