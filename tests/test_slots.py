"""Every game its own autosave: slot names, and a session that never writes over another
game (game.session.slots, GameSession)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from game.persist import saves
from game.session.session import GameSession
from game.session.slots import (
    autosave_slot_name,
    free_slot,
    is_autosave_slot,
    newest_autosave,
)

MOMENT = dt.datetime(2017, 4, 6, 12, 0, 5)


def test_a_slot_is_named_by_story_role_and_start_time():
    assert autosave_slot_name("mar-a-lago-2017", "trump", MOMENT) == (
        "autosave-mar-a-lago-2017-trump-20170406-120005"
    )
    assert autosave_slot_name("mini", "alice", MOMENT, name="Kim") == (
        "autosave-mini-Kim-alice-20170406-120005"
    )


@pytest.mark.parametrize(
    ("story_id", "role", "name"),
    [
        ("a story/../with spaces", "r", "../../etc/passwd"),
        ("x" * 200, "y" * 200, "z" * 200),
        ("ünïcödé", "rôle", "Zoë O'Brien-Smith"),
        ("--", "__", ""),
        ("mini", "alice", "   "),
    ],
)
def test_any_parts_give_a_valid_slot_name(story_id, role, name):
    for who in (None, name):
        slot = autosave_slot_name(story_id, role, MOMENT, name=who)
        assert saves.check_slot_name(slot) == slot
        assert len(slot) <= 64
        assert slot.startswith("autosave-") and slot.endswith("20170406-120005")
        assert is_autosave_slot(slot)


def test_autosave_slots_and_named_slots_are_told_apart():
    assert is_autosave_slot("autosave")  # the slot of older versions
    assert is_autosave_slot("autosave-mini-alice-20170406-120005")
    assert not is_autosave_slot("autosaved")
    assert not is_autosave_slot("mine")


def test_a_free_slot_never_names_an_existing_save(tmp_path):
    assert free_slot(tmp_path, "s") == "s"
    (tmp_path / "s.json").write_text("{}")
    assert free_slot(tmp_path, "s") == "s_2"
    assert free_slot(tmp_path, "s", taken={"s_2"}) == "s_3"
    long = "a" * 64
    (tmp_path / f"{long}.json").write_text("{}")
    assert len(free_slot(tmp_path, long)) == 64


def test_a_new_game_never_writes_over_another(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path)
    session.start("alice")
    first_slot = session.autosave_slot
    assert first_slot.startswith("autosave-mini-alice-")
    session.choose("warm")
    first = saves.load(mini_story, tmp_path / f"{first_slot}.json").state
    session.start("alice")  # the same second, the same role: still a slot of its own
    assert session.autosave_slot != first_slot
    session.choose("cold")
    assert saves.load(mini_story, tmp_path / f"{first_slot}.json").state == first
    assert len(list(tmp_path.glob("autosave-*.json"))) == 2


def test_a_game_loaded_from_its_autosave_goes_on_there(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path)
    session.start("alice")
    session.choose("warm")
    slot = session.autosave_slot
    again = GameSession(mini_story, tmp_path)
    again.load(tmp_path / f"{slot}.json")
    assert again.autosave_slot == slot
    again.choose("wait")
    assert saves.load(mini_story, tmp_path / f"{slot}.json").state.ending == "good"
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_a_game_loaded_from_a_named_save_leaves_that_save_alone(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path)
    session.start("alice")
    session.choose("warm")
    named = session.save_as("mine")
    before = named.read_bytes()
    session.load(named)
    assert session.autosave_slot != "mine" and is_autosave_slot(session.autosave_slot)
    session.choose("wait")
    assert named.read_bytes() == before


def test_a_fixed_slot_is_every_games_slot(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path, autosave_slot="kim")
    session.start("alice")
    session.choose("warm")
    session.start("bob")
    session.choose("wait")
    assert [p.name for p in tmp_path.iterdir()] == ["kim.json"]
    assert saves.load(mini_story, tmp_path / "kim.json").state.role == "bob"


def test_a_private_session_keeps_its_games_to_itself(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path, autosave_slot="game-tab", private=True)
    session.start("alice")
    session.choose("warm")
    assert session.autosave_slot == "game-tab"
    session.start("bob")
    session.choose("wait")
    assert session.autosave_slot == "game-tab_2"
    session.save_as("mine")
    assert sorted(p.stem for p in tmp_path.iterdir()) == ["game-tab", "game-tab-mine", "game-tab_2"]
    assert {info.name for info in session.slots()} == {"game-tab", "game-tab-mine", "game-tab_2"}
    assert session.own_slot_names() == ["mine"]


def test_transcripts_get_names_no_file_has(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path, autosave_slot="kim")
    first = session.transcript_path()
    assert first == tmp_path / "kim-transcript.md"
    first.write_text("one")
    second = session.transcript_path()
    assert second == tmp_path / "kim-transcript-2.md"
    second.write_text("two")
    assert session.transcript_path() == tmp_path / "kim-transcript-3.md"


def test_load_autosave_means_the_newest_autosave_of_the_story(mini_story, tmp_path):
    session = GameSession(mini_story, tmp_path)
    session.start("alice")
    session.choose("warm")
    older = tmp_path / f"{session.autosave_slot}.json"
    session.start("bob")
    session.choose("wait")
    newer = tmp_path / f"{session.autosave_slot}.json"
    session.save_as("named-later")  # newer, but not an autosave
    os.utime(older, (1, 1))
    found = newest_autosave(tmp_path, mini_story)
    assert found is not None and found.path == newer
    assert newest_autosave(tmp_path / "none", mini_story) is None
