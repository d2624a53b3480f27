"""DuoSession: hot-seat, and rooms shared through the class store (in one process here;
tests/test_duo_cli.py plays them through real processes)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from duo_support import STORY

from game.core import duo
from game.core.engine import GameError
from game.persist import saves
from game.persist.classstore import ClassStore
from game.session.duo import (
    AWAY,
    HERE,
    LEFT,
    DuoError,
    DuoSession,
    check_room_name,
    new_room_code,
)


def join(tmp_path, role=None, holder="", room="R1", story=STORY):
    return DuoSession.join(story, tmp_path, room, role, holder=holder or f"test:{role}:x")


def test_hot_seat_moves_for_both_sides_and_autosaves_a_duo_save(tmp_path):
    session = DuoSession.local(STORY, tmp_path)
    assert session.sides == ("us", "cn") and session.is_local
    assert session.to_move() == ("us", "cn")
    session.move("warm", "us")
    assert session.to_move() == ("cn",)
    state = session.move("offer", "cn")
    assert state.round == 1 and session.to_move() == ("us", "cn")
    loaded = saves.load(STORY, session.save_path())
    assert loaded.duo == state
    assert loaded.save.duo is not None and loaded.save.duo.side == "" and loaded.save.duo.room == ""
    assert loaded.state == duo.view(STORY, state, "us")
    assert session.poll().changed is False and session.partner() is None


def test_hot_seat_needs_the_side_and_keeps_the_rules(tmp_path):
    session = DuoSession.local(STORY, tmp_path)
    session.move("warm", "us")
    with pytest.raises(GameError, match="already moved"):
        session.move("press", "us")


def test_a_duo_save_is_not_continued_as_a_one_player_game(tmp_path):
    session = DuoSession.local(STORY, tmp_path)
    session.move("warm", "us")
    assert saves.newest(tmp_path, STORY) is None  # Continue never picks it
    from game.session.session import GameSession

    with pytest.raises(saves.SaveError, match="a duo summit's game"):
        GameSession(STORY, tmp_path).load(session.save_path())


def test_two_sides_of_a_room_play_one_game(tmp_path):
    us = join(tmp_path, "us")
    assert us.partner() is not None and us.partner().status == AWAY
    cn = join(tmp_path, "cn")
    assert us.poll().partner_changed and us.partner().status == HERE
    us.move("press")
    assert us.waiting_for_partner()
    polled = cn.poll()
    assert polled.changed and cn.state.pending == {"us": "press"}  # known, never shown
    assert cn.to_move() == ("cn",)
    cn.move("offer")
    polled = us.poll()
    assert polled.changed and us.state == cn.state
    assert us.state.scenes == {"us": "u2", "cn": "c2_pressed"}
    # each side's save is the whole list of moves, and names its side and room
    for session, side in ((us, "us"), (cn, "cn")):
        loaded = saves.load(STORY, tmp_path / f"duo-R1-{side}.json")
        assert loaded.duo == session.state and loaded.state.role == side
        assert loaded.save.duo is not None and loaded.save.duo.room == "R1"
    store = ClassStore.open(tmp_path)
    assert [m.role for m in store.moves("R1")] == ["us", "cn"]
    assert {g.role for g in store.games()} == {"us", "cn"}


def test_a_side_moves_only_for_itself(tmp_path):
    us = join(tmp_path, "us")
    with pytest.raises(GameError, match="does not play"):
        us.move("offer", "cn")


def test_a_third_player_and_a_second_holder_of_a_role_are_refused(tmp_path):
    join(tmp_path, "us")
    with pytest.raises(
        DuoError,
        match=r"The host is already being played in room 'R1'; the free side there is The guest",
    ):
        join(tmp_path, "us", holder="someone:else:1")
    join(tmp_path, "cn")
    with pytest.raises(
        DuoError, match=r"room 'R1' is full: The host and The guest are both being played"
    ):
        join(tmp_path, None, holder="third:player:3")


def test_without_a_role_the_free_side_is_taken(tmp_path):
    first = join(tmp_path, None, holder="a:1:1")
    second = join(tmp_path, None, holder="b:2:2")
    assert (first.role, second.role) == ("us", "cn")


def test_a_partner_who_leaves_is_told_and_rejoining_resumes_the_game(tmp_path):
    us = join(tmp_path, "us")
    cn = join(tmp_path, "cn")
    us.move("warm")
    cn.move("offer")
    us.move("deal")
    us.leave()
    assert cn.poll().partner is not None and cn.poll().partner.status == LEFT
    back = join(tmp_path, "us", holder="test:us:again")
    assert back.state == us.state and back.state.pending == {"us": "deal"}
    assert back.game_id == us.game_id  # the same game, resumed
    assert cn.poll().partner.status == HERE
    cn.move("agree")
    back.poll()
    assert back.state == cn.state and back.state.round == 2


def test_a_seat_whose_process_died_on_this_machine_is_free_at_once(tmp_path):
    import socket

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    holder = f"{socket.gethostname()}:{dead.stdout.strip()}:dead"
    ClassStore.open(tmp_path).take_seat("R1", "us", holder, STORY.id)
    taken = join(tmp_path, "us", holder="test:us:new")
    assert taken.role == "us"


def test_a_room_of_another_story_is_refused(tmp_path):
    ClassStore.open(tmp_path).take_seat("R1", "us", "x:1:1", "another-story")
    with pytest.raises(DuoError, match="another story"):
        join(tmp_path, "cn")


def test_moves_that_do_not_fit_the_story_are_a_clear_error(tmp_path):
    ClassStore.open(tmp_path).add_move("R1", "us", "elsewhere", "warm", 0)
    with pytest.raises(DuoError, match="same story and version"):
        join(tmp_path, "cn")


@pytest.mark.parametrize("name", ["", "a/b", "..", "x" * 40, "-x", "ü"])
def test_room_names_are_checked(name):
    with pytest.raises(DuoError, match="is not a room name"):
        check_room_name(name)


def test_room_codes_are_short_and_unambiguous():
    codes = {new_room_code() for _ in range(200)}
    assert all(len(c) == 5 and not set(c) & set("01ILO") for c in codes)
    seen: list[str] = []
    code = new_room_code(lambda c: (seen.append(c), len(seen) < 3)[1])
    assert code == seen[-1] and len(seen) == 3


def test_both_sides_moving_at_once_never_lose_or_double_a_move(tmp_path):
    """Two threads, one per side, move at the same moment every round."""
    us = join(tmp_path, "us")
    cn = join(tmp_path, "cn")
    plan = {"us": ["warm", "deal", "thanks"], "cn": ["offer", "agree", "thanks"]}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def side(session: DuoSession) -> None:
        try:
            for choice in plan[session.role]:
                barrier.wait(timeout=10)
                session.move(choice)
                while not session.state.over and session.waiting_for_partner():
                    session.poll()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=side, args=(s,)) for s in (us, cn)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    us.poll()
    cn.poll()
    assert us.state == cn.state and us.state.ending == "deal"
    assert len(ClassStore.open(tmp_path).moves("R1")) == 6


def test_a_duo_save_whose_sides_do_not_match_its_choices_is_refused(tmp_path):
    import attrs

    from game.persist import duosaves

    state = DuoSession.local(STORY, tmp_path).move("warm", "us")
    save = duosaves.make_duo_save(STORY, state)
    assert save.duo is not None
    bad = saves.seal(attrs.evolve(save, duo=attrs.evolve(save.duo, sides=[])))
    with pytest.raises(saves.SaveError, match=r"1 choices but 0 sides: not a whole duo save"):
        saves.restore(STORY, bad, "bad")
    moved = saves.seal(attrs.evolve(save, choices=[("u1", "gone")]))
    with pytest.raises(saves.SaveError, match="cannot be replayed: move 1 \\(us\\)"):
        saves.restore(STORY, moved, "moved")


def test_a_forked_process_holds_seats_as_itself():
    """A served game is forked from a process that has loaded the game: its seats must
    be its own, not the parent's."""
    import os

    from game.persist.classstore import holder_token

    mine = holder_token()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, holder_token().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 200).decode()
    os.close(read)
    os.close(write)
    assert child != mine and child.split(":")[1] == str(pid)
    assert holder_token() == mine
