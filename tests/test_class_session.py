"""A GameSession in a class: who plays, each game's own id and code, progress in the
class store, news and the clock, and no game ever lost (a new game never writes over
another, a finished game's save never changes again, undo after the end branches)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from game.core.model import Inject, Story
from game.persist import saves
from game.persist.classstore import STORE_FILE, ClassStore
from game.persist.saves import Player
from game.session.session import GameSession, Paused


@pytest.fixture
def story(mini_story: Story) -> Story:
    calm = Inject("calm", "Calm news", "Things calm down.", {"heat": -2})
    for_bob = Inject("for_bob", "Bob only", "Only Bob.", {"trust": 1}, roles=("bob",))
    return attrs.evolve(mini_story, injects={"calm": calm, "for_bob": for_bob})


def session(story: Story, folder: Path, name: str = "Ana", **more: object) -> GameSession:
    return GameSession(story, folder, player=Player(name, "Red"), **more)  # type: ignore[arg-type]


def test_a_game_has_its_own_id_code_player_and_named_slot(story: Story, tmp_path: Path) -> None:
    game = session(story, tmp_path)
    game.start("alice")
    game.choose("warm")
    info = game.game
    assert info is not None and info.id and len(info.code) == 4
    assert info.player == Player("Ana", "Red")
    assert "Ana" in game.autosave_slot and game.autosave_slot.startswith("autosave-mini-")
    save = saves.read(tmp_path / f"{game.autosave_slot}.json")
    assert save.game is not None and save.game.id == info.id and save.game.code == info.code
    assert "Ana" in game.transcript_path().name


def test_a_second_game_of_the_same_name_never_touches_the_first(
    story: Story, tmp_path: Path
) -> None:
    first = session(story, tmp_path)
    first.start("alice")
    first.choose("warm")
    path = tmp_path / f"{first.autosave_slot}.json"
    before = path.read_bytes()
    second = session(story, tmp_path)
    second.start("alice")
    second.choose("cold")
    assert second.autosave_slot != first.autosave_slot
    assert path.read_bytes() == before
    assert second.game is not None and first.game is not None
    assert second.game.id != first.game.id and second.game.code != first.game.code


def test_new_game_in_the_same_session_starts_a_new_save(story: Story, tmp_path: Path) -> None:
    game = session(story, tmp_path)
    game.start("alice")
    game.choose("warm")
    game.choose("wait")  # the end: Good
    ended = tmp_path / f"{game.autosave_slot}.json"
    before = ended.read_bytes()
    game.start("alice")
    game.choose("cold")
    assert ended.read_bytes() == before
    assert len(list(tmp_path.glob("autosave-*.json"))) == 2


def test_undo_after_the_ending_plays_on_as_a_branch(story: Story, tmp_path: Path) -> None:
    game = session(story, tmp_path)
    game.start("alice")
    game.choose("warm")
    game.choose("wait")
    assert game.state is not None and game.state.over
    assert game.game is not None
    ended_id, ended_slot = game.game.id, game.autosave_slot
    before = (tmp_path / f"{ended_slot}.json").read_bytes()
    moved = game.undo()
    assert moved is not None and not moved.state.over
    assert (tmp_path / f"{ended_slot}.json").read_bytes() == before  # never changed again
    assert game.autosave_slot != ended_slot
    branch = saves.read(tmp_path / f"{game.autosave_slot}.json").game
    assert branch is not None and branch.branch_of == ended_id and branch.id != ended_id
    assert [(u.step, u.scene, u.choice) for u in branch.undone] == [(2, "yard", "wait")]
    game.choose("push")  # the branch plays on
    assert (tmp_path / f"{ended_slot}.json").read_bytes() == before


def test_undo_keeps_every_undone_choice_in_the_save(story: Story, tmp_path: Path) -> None:
    game = session(story, tmp_path)
    game.start("alice")
    game.choose("cold")
    game.undo()
    game.choose("warm")
    save = saves.read(tmp_path / f"{game.autosave_slot}.json")
    assert [tuple(c) for c in save.choices] == [("hall", "warm")]
    assert save.game is not None and [u.choice for u in save.game.undone] == ["cold"]


def test_a_save_is_never_written_over_by_another_game(story: Story, tmp_path: Path) -> None:
    other = session(story, tmp_path, "Bo", autosave_slot="shared")
    other.start("bob")
    other.choose("wait")  # a finished game in the slot "shared"
    before = (tmp_path / "shared.json").read_bytes()
    game = session(story, tmp_path, autosave_slot="shared")  # a fixed slot, as older versions
    game.start("alice")
    game.choose("warm")
    assert (tmp_path / "shared.json").read_bytes() == before
    assert game.autosave_slot != "shared"


def test_progress_reaches_the_class_store_on_each_move(story: Story, tmp_path: Path) -> None:
    game = session(story, tmp_path)
    game.start("alice")
    store = ClassStore.open(tmp_path)
    assert game.game is not None
    record = store.game(game.game.id)
    assert record is not None and record.name == "Ana" and record.scene == "hall"
    assert record.steps == 0 and record.code == game.code
    game.choose("warm")
    record = store.game(game.game.id)
    assert record is not None and record.scene == "yard" and record.steps == 1
    assert record.meters == {"trust": 5, "heat": 2} and record.slot == game.autosave_slot
    game.choose("wait")
    record = store.game(game.game.id)
    assert record is not None and record.ending == "good" and record.status == "finished"


def test_an_anonymous_game_alone_makes_no_class_store(story: Story, tmp_path: Path) -> None:
    game = GameSession(story, tmp_path)
    game.start("alice")
    game.choose("warm")
    assert not (tmp_path / STORE_FILE).exists()
    ClassStore.open(tmp_path)  # a class folder: the teacher's console made it
    game.choose("wait")
    assert len(ClassStore.open(tmp_path).games()) == 1


def test_news_reaches_a_running_game_at_its_next_move_once(story: Story, tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    store.send_inject("calm")  # before the game began: not for it
    game = session(story, tmp_path)
    game.start("alice")
    store.send_inject("calm")
    store.send_inject("for_bob")  # not for this role
    moved = game.choose("cold")  # heat 4, then the news: 2
    assert [n.id for n in moved.news] == ["calm"]
    assert moved.state.meters["heat"] == 2 and moved.state.news == ((1, "calm"),)
    assert game.choose("push").news == ()  # once only
    save = saves.load(story, tmp_path / f"{game.autosave_slot}.json")
    assert save.state == game.state and [(n.step, n.id) for n in save.save.news] == [(1, "calm")]


def test_the_clock_pauses_games_and_time_up_makes_a_final_choice(
    story: Story, tmp_path: Path
) -> None:
    store = ClassStore.open(tmp_path)
    game = session(story, tmp_path)
    game.start("alice")
    store.pause()
    with pytest.raises(Paused, match="paused"):
        game.choose("warm")
    assert game.state is not None and game.state.history == ()
    store.resume()
    store.set_time_limit(0)
    assert game.clock().expired
    moved = game.choose("warm")
    assert moved.closed and moved.state.over and moved.state.ending == "good"
    loaded = saves.load(story, tmp_path / f"{game.autosave_slot}.json")
    assert loaded.state == moved.state and loaded.save.closed == 1


def test_a_game_is_rejoined_by_name_or_code(story: Story, tmp_path: Path) -> None:
    first = session(story, tmp_path, autosave_slot="game-1", private=True)
    first.start("alice")
    first.choose("warm")
    assert first.game is not None
    code, game_id = first.code, first.game.id
    # the tab is refreshed: a new process, the same player
    again = session(story, tmp_path, autosave_slot="game-2", private=True)
    found = again.games_of("ana")
    assert [info.name for info in found] == [first.autosave_slot]
    assert [info.name for info in again.games_of("", code=code)] == [first.autosave_slot]
    again.rejoin(found[0].path)
    assert again.game is not None and again.game.id == game_id and again.code == code
    assert again.autosave_slot == first.autosave_slot
    again.choose("wait")
    assert saves.read(found[0].path).summary.ending == "good"


def test_a_named_copy_resumed_is_a_branch(story: Story, tmp_path: Path) -> None:
    game = session(story, tmp_path)
    game.start("alice")
    game.choose("warm")
    game.save_as("mine")
    assert game.game is not None
    first_id = game.game.id
    later = session(story, tmp_path)
    later.load(tmp_path / "mine.json")
    assert later.game is not None and later.game.branch_of == first_id
    assert later.game.id != first_id and later.autosave_slot != game.autosave_slot
    game.choose("wait")  # the end: its save (and a copy of it) are kept as they are
    game.save_as("final")
    with pytest.raises(saves.SaveError, match="holds a finished game"):
        later.save_as("final")


def test_a_class_store_out_of_reach_never_stops_the_game(story: Story, tmp_path: Path) -> None:
    (tmp_path / STORE_FILE).write_bytes(b"this is not a database" * 50)
    game = session(story, tmp_path)
    game.start("alice")
    first = game.choose("warm")
    assert "class store" in first.store_warning
    second = game.choose("wait")
    assert second.store_warning == "" and second.state.over  # said once; played on


def test_a_failed_autosave_is_an_event_for_the_teacher(story: Story, tmp_path: Path) -> None:
    store = ClassStore.open(tmp_path)
    game = session(story, tmp_path)
    game.start("alice")
    (tmp_path / f"{game.autosave_slot}.json").mkdir()  # a folder where the save goes
    moved = game.choose("warm")
    assert moved.autosave_error is not None
    events = store.events_since(0)
    assert [e.kind for e in events] == ["autosave"]
    assert events[0].message.startswith("Ana:")
