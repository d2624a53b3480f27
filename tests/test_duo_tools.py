"""Tools over duo games: the joint-state search (explore) and the duo transcript."""

from __future__ import annotations

import attrs
import pytest
from duo_support import STORY, make_story, play, scene

from game.core import duo
from game.core.model import Bound, Choice, Condition, Ending, Route
from game.tools.documents.duo_transcript import played_rounds, render_duo_transcript
from game.tools.explore.duo import explore_duo
from game.tools.explore.duo_report import duo_json, duo_text


def replay_pair(story, pair):
    """Play a pair of move lists round by round; the final state."""
    sides = duo.duo_of(story).roles
    moves = []
    for number in range(len(pair[0])):
        moves += [(side, *pair[i][number]) for i, side in enumerate(sides)]
    return duo.replay(story, moves)


def test_every_ending_has_a_shortest_pair_of_move_lists_that_reaches_it():
    report = explore_duo(STORY)
    assert report.complete and report.states > 1
    assert set(report.endings) == set(STORY.endings)
    for ending, pair in report.endings.items():
        assert pair is not None, ending
        assert replay_pair(STORY, pair).ending == ending
    assert len(report.endings["boom"][0]) == 2  # two rounds are the fewest
    assert report.dead_ends == () and report.unopened_choices == ()
    assert report.unreached_scenes == {"us": (), "cn": ()}


def test_an_ending_no_pair_of_strategies_reaches_is_reported():
    story = attrs.evolve(
        STORY,
        endings={
            **STORY.endings,
            "never": Ending(
                "never", "Never", "n", rank=3, when=Condition(meters={"trust": Bound(11)})
            ),
        },
        ending_order=("boom", "deal", "never", "walkout", "draw"),
    )
    report = explore_duo(story)
    assert report.unreachable_endings == ("never",)
    assert "never: never reached by any pair of strategies" in duo_text(story, report)


def test_dead_ends_where_one_side_can_move_and_the_other_cannot():
    locked = Condition(flags=frozenset({"pressed"}))
    story = make_story(
        scene(
            "u1",
            "r1",
            "us",
            Choice("go", "Go.", "u2"),
            Choice("press", "Press.", "u2", set=frozenset({"pressed"})),
        ),
        scene("c1", "r1", "cn", Choice("go", "Go.", "c2")),
        scene("u2", "r2", "us", Choice("x", "X.", "end")),
        scene("c2", "r2", "cn", Choice("x", "X.", "end", requires=locked)),
    )
    report = explore_duo(story)
    (end,) = report.dead_ends
    assert end.scenes == ("u2", "c2") and end.stuck == ("cn",) and end.one_sided
    assert end.ending == "draw"
    assert end.moves == ((("u1", "go"),), (("c1", "go"),))
    text = duo_text(story, report)
    assert (
        "Dead end (one side can move and the other cannot): us at u2, cn at c2; stuck: cn" in text
    )
    data = duo_json(report)
    assert data["dead_ends"][0]["one_sided"] is True
    assert data["dead_ends"][0]["moves"] == {"us": [["u1", "go"]], "cn": [["c1", "go"]]}
    # and the rules agree: that pair of moves ends the game there, by rank
    assert play(story, ("go", "go")).ending == "draw"


def test_the_search_stops_at_max_states_and_says_so():
    report = explore_duo(STORY, max_states=2)
    assert not report.complete and report.states == 2
    assert "incomplete" in duo_text(STORY, report)


def test_scenes_and_choices_never_reached_are_listed():
    story = make_story(
        *STORY.scenes.values(),
        scene("c_lost", "r2", "cn", Choice("x", "X.", "c3")),
    )
    report = explore_duo(story)
    assert report.unreached_scenes["cn"] == ("c_lost",)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_duo_transcript_goes_round_by_round(fmt):
    state = play(STORY, ("press", "offer"), ("threaten", "swallow"))
    text = render_duo_transcript(STORY, state, "cn", fmt)
    assert "transcript of a duo summit" in text
    assert "Round 1: Arrival" in text and "Round 2: Talks" in text
    assert "Offer talks." in text and "Press hard." in text  # both sides' choices
    assert "The text of c1." in text  # what cn read
    assert "The text of u1." not in text  # not what the other side read
    assert "Boom" in text
    if fmt == "html":
        assert "<svg" in text
    both = render_duo_transcript(STORY, state, "", fmt)
    assert "The text of u1." in both and "both sides, at one screen" in both


def test_an_unfinished_duo_transcript_says_so():
    state = duo.move(STORY, play(STORY, ("warm", "offer")), "us", "deal")
    text = render_duo_transcript(STORY, state, "us")
    assert "Not finished yet" in text and "The host has chosen in this round." in text
    assert "Round 2: Talks" in text and "They offered talks." in text
    first, rounds, now = played_rounds(STORY, state)
    assert first == duo.new_duo(STORY)
    assert len(rounds) == 1 and now.round == 1 and now.pending == {}


def test_the_search_applies_the_rules_of_play_exactly():
    """The compiled round of the search and game.core.duo agree on every round of many
    random games: ending, next scenes, meters and the flags that matter (and, in a
    story that counts visits, the scenes each side has seen)."""
    import random

    from game.tools.explore.duo import _Compiled

    for story in (STORY, make_story(*STORY.scenes.values()), visiting_story()):
        compiled = _Compiled(story)
        sides = compiled.sides

        def seen(state, side, story=story, compiled=compiled):
            visits = duo.view(story, state, side).visits
            return sum(compiled.seen_bit.get(s, 0) for s, n in visits.items() if n)

        for seed in range(150):
            rng = random.Random(seed)
            state = duo.new_duo(story)
            while not state.over:
                scenes = tuple(state.scenes[s] for s in sides)
                meters = tuple(state.meters[m.id] for m in compiled.meters)
                bits = compiled.mask(state.flags)
                seens = tuple(seen(state, side) for side in sides)
                picks = []
                for side, at, mine in zip(sides, scenes, seens, strict=True):
                    open_ = compiled.open_choices(side, at, meters, bits, mine)
                    assert [c.id for c in open_] == [
                        o.choice_id for o in duo.options(story, state, side) if o.open
                    ]
                    picks.append(rng.choice(open_))
                outcome = compiled.round_outcome(tuple(picks), meters, bits, seens)
                ending, nxt, after, flags = outcome
                for side, pick in zip(sides, picks, strict=True):
                    state = duo.move(story, state, side, pick.id)
                assert after == tuple(state.meters[m.id] for m in compiled.meters)
                assert flags == compiled.mask(state.flags)
                if ending is None:
                    now = compiled.arrive(nxt, seens)
                    if compiled.stuck(nxt, after, flags, now):
                        ending = compiled.resolve_end(after, flags, now[0])
                assert ending == state.ending
                if ending is None:
                    assert nxt == tuple(state.scenes[s] for s in sides)
                    assert now == tuple(seen(state, side) for side in sides)


def visiting_story():
    """The host goes through the left or the right door; only who saw the left one can
    recall it (a deal), and leaving from the last scene, seen once, is a walkout (a
    route read while the round is settled, the side still at that scene)."""
    seen_left = Condition(visits={"ua": Bound(1)})
    here_once = Condition(visits={"u3": Bound(None, 1)})
    return make_story(
        scene("u1", "r1", "us", Choice("left", "Left.", "ua"), Choice("right", "Right.", "ub")),
        scene("ua", "r2", "us", Choice("on", "On.", "u3", effects={"trust": 1})),
        scene("ub", "r2", "us", Choice("on", "On.", "u3")),
        scene(
            "u3",
            "r3",
            "us",
            Choice(
                "recall", "Recall the left door.", "end", requires=seen_left, effects={"trust": 5}
            ),
            Choice("leave", "Leave.", "end", routes=(Route(here_once, "end:walkout"),)),
        ),
        scene("c1", "r1", "cn", Choice("wait", "Wait.", "c2")),
        scene("c2", "r2", "cn", Choice("wait", "Wait.", "c3")),
        scene("c3", "r3", "cn", Choice("wait", "Wait.", "end")),
    )


def test_a_duo_summit_that_counts_visits_is_searched():
    """Each side is at a scene once at most (its choices lead to the next round), so
    the search keeps, per side, which counted scenes it has seen."""
    story = visiting_story()
    report = explore_duo(story)
    assert report.complete and not report.not_searched
    assert report.states == 5  # round 1; r2 at ua or ub; r3 at u3, having seen ua or not
    assert report.unreachable_endings == ("boom", "draw")
    assert report.endings["deal"] == (
        (("u1", "left"), ("ua", "on"), ("u3", "recall")),
        (("c1", "wait"), ("c2", "wait"), ("c3", "wait")),
    )
    for ending, pair in report.endings.items():
        if pair is not None:
            assert replay_pair(story, pair).ending == ending
    # and in play a side's own scenes count: u1 is being visited
    assert duo.view(story, duo.new_duo(story), "us").visits == {"u1": 1}
