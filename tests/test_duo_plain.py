"""The duo summit's line mode in this process (tests/test_duo_cli.py runs real processes)."""

from __future__ import annotations

import io
import threading

from duo_support import STORY

from game.persist import saves
from game.plain.duogame import PlainDuo
from game.session.duo import DuoSession


def hotseat(tmp_path, lines: str) -> tuple[int, str]:
    out = io.StringIO()
    session = DuoSession.local(STORY, tmp_path)
    code = PlainDuo(session, stdin=io.StringIO(lines), stdout=out).run_hotseat()
    return code, out.getvalue()


def test_hot_seat_hands_over_before_each_side_and_reports_each_round(tmp_path):
    code, out = hotseat(tmp_path, "\n2\n\n1\n\n2\n\n2\n")
    assert code == 0
    assert out.count("Hand over to The host") == 2 and out.count("Hand over to The guest") == 2
    # the guest's scene comes after the host's choice, and says nothing of it
    guest = out.index("== C1 (The guest) ==")
    report = out.index("== Arrival: what each side did ==")
    assert guest < report
    assert "Press hard." not in out[out.index("Hand over to The guest") : report]
    assert "The host: Press hard." in out and "The guest: Offer talks." in out
    assert "Meters: Trust 4/10 (+1) | Heat 5/10 (+3)" in out
    assert "== C2_Pressed (The guest) ==" in out  # routed by the host's move
    assert "== THE END: Boom ==" in out
    assert "-- For The host --" in out and "-- For The guest --" in out
    loaded = saves.load(STORY, tmp_path / "duo-hotseat.json")
    assert loaded.duo is not None and loaded.duo.ending == "boom"


def test_hot_seat_refuses_undo_and_bad_numbers_and_stops_on_q(tmp_path):
    code, out = hotseat(tmp_path, "\nu\n9\nx\n1\nq\n")
    assert code == 0
    assert "A duo summit has no undo" in out
    assert "Please type a number from 1 to 2" in out
    assert "Goodbye. The game is saved in slot 'duo-hotseat'." in out
    loaded = saves.load(STORY, tmp_path / "duo-hotseat.json")
    assert loaded.duo is not None and loaded.duo.pending == {"us": "warm"}


def test_hot_seat_resumes_a_loaded_game_where_it_stopped(tmp_path):
    hotseat(tmp_path, "\n1\nq\n")
    loaded = saves.load(STORY, tmp_path / "duo-hotseat.json")
    out = io.StringIO()
    session = DuoSession.local(STORY, tmp_path, state=loaded.duo)
    PlainDuo(session, stdin=io.StringIO("\n1\n"), stdout=out).run_hotseat()
    text = out.getvalue()
    assert "Hand over to The guest" in text.split("===")[2]  # the host has moved already
    assert "The guest: Offer talks." in text


def test_two_sides_of_a_room_each_read_their_own_lines(tmp_path):
    outs = {"us": io.StringIO(), "cn": io.StringIO()}
    lines = {"us": "1\n1\n1\n", "cn": "1\n1\n1\n"}
    codes: dict[str, int] = {}

    def side(role: str) -> None:
        session = DuoSession.join(STORY, tmp_path, "PLAIN", role, holder=f"t:{role}:1")
        game = PlainDuo(session, stdin=io.StringIO(lines[role]), stdout=outs[role])
        codes[role] = game.run_room()

    threads = [threading.Thread(target=side, args=(r,)) for r in ("us", "cn")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == {"us": 0, "cn": 0}
    us, cn = outs["us"].getvalue(), outs["cn"].getvalue()
    for text in (us, cn):
        assert "== THE END: Deal ==" in text
    assert "You (The host): Be warm." in us and "The guest: Offer talks." in us
    assert "You (The guest): Offer talks." in cn
    assert "Us: your side made it." in us and "Us: your side made it." not in cn
    assert "Cn: your side made it." in cn
    assert "Waiting for The guest to choose..." in us or "Waiting for The host to choose..." in cn
