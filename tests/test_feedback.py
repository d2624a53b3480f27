"""What a choice did, in words and numbers; a scene's reading order (game.core.feedback)."""

from __future__ import annotations

import pytest

from game.core import engine
from game.core.engine import Start
from game.core.feedback import (
    changes,
    choice_changes,
    describe,
    effects_line,
    is_better,
    scene_reading,
    side_word,
)
from game.core.model import Meter


def after(story, choice, start=None, role="alice"):
    before = engine.new_game(story, role, start)
    return before, engine.choose(story, before, choice)


def test_a_choice_in_words_and_numbers(mini_story):
    before, moved = after(mini_story, "cold")  # trust -1, heat +2 (heat: lower is better)
    assert effects_line(mini_story, before, moved) == "Trust -1 (worse) · Heat +2 (worse)."
    before, moved = after(mini_story, "warm")
    assert effects_line(mini_story, before, moved) == "Trust +2 (better)."


def test_a_choice_that_moves_nothing_says_so(mini_story):
    before, moved = after(mini_story, "wait", role="bob")
    assert effects_line(mini_story, before, moved) == "No meter moved."


def test_an_effect_lost_at_a_limit_is_said(mini_story):
    before, moved = after(mini_story, "cold", Start("hall", {"trust": 0}))
    assert moved.meters["trust"] == 0
    assert effects_line(mini_story, before, moved) == (
        "Trust already at 0 (-1 had no effect) · Heat +2 (worse)."
    )
    before, moved = after(mini_story, "warm", Start("hall", {"trust": 9}))
    [item] = choice_changes(mini_story, before, moved)
    assert (item.asked, item.change, item.lost, item.value) == (2, 1, 1, 10)
    assert describe(item) == "Trust +1 (better; it stops at 10)"
    before, moved = after(mini_story, "warm", Start("hall", {"trust": 10}))
    assert effects_line(mini_story, before, moved) == "Trust already at 10 (+2 had no effect)."


@pytest.mark.parametrize(
    ("good", "change", "better", "word"),
    [
        ("high", 1, True, "better"),
        ("high", -2, False, "worse"),
        ("low", 1, False, "worse"),
        ("low", -1, True, "better"),
        ("low", 0, None, ""),
    ],
)
def test_better_or_worse_follows_the_meters_good_side(good, change, better, word):
    meter = Meter("m", "M", 0, 10, 5, good=good)
    assert is_better(meter, change) is better
    assert side_word(meter, change) == word


def test_a_change_the_choice_did_not_ask_for_is_still_told(mini_story):
    # (a change from elsewhere, e.g. news injected into the game)
    [item] = changes(mini_story, {"trust": 3, "heat": 2}, {"trust": 3, "heat": 1})
    assert (item.asked, item.change, item.lost) == (0, -1, 0)
    assert describe(item) == "Heat -1 (better)"


def test_reactions_come_before_the_scene_text(mini_story):
    state = engine.new_game(mini_story, "alice")  # trust 3: the hall's "Low trust." holds
    assert scene_reading(mini_story, state) == (["Low trust."], ["A hall. [bold]Not markup[/]."])
    warm = engine.new_game(mini_story, "alice", Start("hall", {"trust": 6}))
    assert scene_reading(mini_story, warm) == ([], ["A hall. [bold]Not markup[/]."])


def test_an_ending_reads_as_written(mini_story):
    _, ended = after(mini_story, "warm")
    ended = engine.choose(mini_story, ended, "wait")
    assert ended.ending == "good"
    assert scene_reading(mini_story, ended) == ([], ["It went well.", "Warmth helped."])
