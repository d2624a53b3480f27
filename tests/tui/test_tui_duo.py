"""The duo summit in the Textual app (Pilot): hot-seat with the hand-over screen, one side
of a room waiting for the other (a session of this process plays the other side), and
the title's "Play with a partner"."""

from __future__ import annotations

from pathlib import Path

from duo_support import STORY
from textual.widgets import OptionList
from tui_support import notes, shown

from game.session.duo import DuoSession
from game.tui.app import GameApp, make_app
from game.tui.duo import DuoLaunch
from game.tui.screens.duo import CHOOSE, ENDING, HANDOVER, WAITING, DuoScreen
from game.tui.screens.partner import PartnerScreen
from game.tui.screens.title import TitleScreen


def duo_app(saves_dir: Path, launch: DuoLaunch) -> GameApp:
    app = make_app(STORY, saves_dir)
    app.duo_launch = launch
    return app


def screen_text(app: GameApp) -> str:
    """What the screen shows (a hidden widget shows nothing)."""
    return shown(app.screen)


async def test_hot_seat_hides_one_sides_options_while_the_other_chooses(saves_dir: Path) -> None:
    app = duo_app(saves_dir, DuoLaunch())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuoScreen) and screen.mode == HANDOVER
        text = screen_text(app)
        assert "Hand over to The host" in text and "Press Enter" in text
        assert "Be warm." not in text and "Offer talks." not in text  # no side's options
        await pilot.press("enter")
        assert screen.mode == CHOOSE and screen.side == "us"
        text = screen_text(app)
        assert "Be warm." in text and "Offer talks." not in text
        await pilot.press("2")  # press hard
        assert screen.mode == HANDOVER and screen.side == "cn"
        text = screen_text(app)
        assert "Hand over to The guest" in text
        assert "Press hard." not in text and "Be warm." not in text  # the host's move is hidden
        await pilot.press("enter")
        assert "Offer talks." in screen_text(app)
        await pilot.press("1")  # offer: the round resolves
        text = screen_text(app)
        assert screen.mode == HANDOVER and "Arrival: what each side did" in text
        assert "The host: Press hard." in text and "The guest: Offer talks." in text
        for key in ("enter", "1", "enter", "1", "enter", "1", "enter", "1"):
            await pilot.press(key)
        assert screen.mode == ENDING
        text = shown(screen)
        assert "Us: your side made it." in text and "Cn: your side made it." in text
        await pilot.press("t")
        assert (saves_dir / "duo-hotseat-transcript.md").exists()
    assert (saves_dir / "duo-hotseat.json").exists()


async def test_a_room_side_waits_for_the_other_and_sees_its_move(saves_dir: Path) -> None:
    app = duo_app(saves_dir, DuoLaunch(room="tui1", role="us"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuoScreen) and screen.mode == CHOOSE
        assert "The guest has not joined room TUI1 yet" in screen_text(app)
        seen = notes(app)
        guest = DuoSession.join(STORY, saves_dir, "TUI1", "cn", holder="test:cn:1")
        await pilot.pause(0.5)
        assert any("The guest has joined the room." in n for n in seen)
        await pilot.press("1")  # warm
        assert screen.mode == WAITING
        assert "Waiting for The guest to choose" in screen_text(app)
        assert "You chose: Be warm." in screen_text(app)
        guest.poll()
        guest.move("offer")
        await pilot.pause(0.6)
        assert screen.mode == CHOOSE
        text = screen_text(app)
        assert "Round 2 of 3: Talks" in text
        assert "The guest: Offer talks." in text and "You: Be warm." in text
        assert "They offered talks." in text
        guest.leave()
        await pilot.pause(0.6)
        assert any("The guest has left the room" in n for n in seen)
        assert "The guest has left" in screen_text(app)


async def test_a_full_room_is_refused_with_a_message(saves_dir: Path) -> None:
    DuoSession.join(STORY, saves_dir, "FULL", "us", holder="a:1:1")
    DuoSession.join(STORY, saves_dir, "FULL", "cn", holder="b:2:2")
    app = duo_app(saves_dir, DuoLaunch(room="FULL", role=None))
    seen = notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert app.duo_failed
        assert any("room 'FULL' is full" in n for n in seen)


async def test_play_with_a_partner_from_the_title(saves_dir: Path) -> None:
    app = make_app(STORY, saves_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#menu", OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert "partner" in ids
        await pilot.press("p")
        dialog = app.screen
        assert isinstance(dialog, PartnerScreen)
        code = dialog.code
        assert len(code) == 5
        await pilot.press("down", "enter")  # the second side
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuoScreen)
        assert screen.session.room == code and screen.session.role == "cn"
        await pilot.press("escape")  # back to the title: the seat is left
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
    (seat,) = [s for s in screen.session.store.seats(code) if s.role == "cn"]  # type: ignore[union-attr]
    assert seat.left_at is not None


async def test_loading_a_duo_save_goes_on_as_a_duo_game(saves_dir: Path) -> None:
    session = DuoSession.local(STORY, saves_dir)
    session.move("warm", "us")
    app = make_app(STORY, saves_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.load_path(session.save_path())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuoScreen) and screen.mode == HANDOVER
        assert screen.side == "cn" and screen.session.state.pending == {"us": "warm"}
