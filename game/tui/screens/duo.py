"""The duo summit's screen: one side's scene and choices, the hand-over between the two
players of one screen, the wait for the other side of a room, what each side did in the
round just played, and the ending as each side reads it.

It drives a `DuoSession` (game.session.duo). At one screen the session moves for both
sides and the screen hides one side's options while the other chooses: before each
side's turn it shows only "Hand over to ...: press Enter". In a room the screen plays
one side and looks at the room every `POLL` seconds (a Textual timer) while it waits.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static

from game.core import duo, engine
from game.core.duo import RoundResult
from game.core.text import meter_line
from game.session.duo import AWAY, HERE, LEFT, DuoError, DuoSession, Partner
from game.tui.recap import choice_text, round_choice_texts
from game.tui.widgets.choices import ChoiceList
from game.tui.widgets.debug import DebugPanel, debug_panels
from game.tui.widgets.meters import MetersPanel
from game.tui.widgets.story_text import StoryText

#: seconds between two looks at the room while waiting
POLL = 0.3

#: what the screen shows: a side choosing, the hand-over, the wait, the ending
CHOOSE, HANDOVER, WAITING, ENDING = "choose", "handover", "waiting", "ending"


class DuoScreen(Screen[None]):
    """A duo game, at one screen or as one side of a room."""

    DEFAULT_CSS = """
    DuoScreen #duo-body { height: 1fr; }
    DuoScreen #duo-main { width: 1fr; }
    DuoScreen #duo-side { width: 34; padding: 0 1; }
    DuoScreen #duo-status { padding: 0 1; background: $boost; text-style: bold; }
    DuoScreen #duo-scroll { height: 1fr; padding: 0 1; }
    DuoScreen #duo-report { color: $text-muted; margin-bottom: 1; }
    DuoScreen #duo-title { margin-bottom: 1; }
    DuoScreen #duo-choices { height: auto; max-height: 50%; }
    DuoScreen #duo-notice { padding: 1 2; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"pick({n})", "Choose", show=n == 1, key_display="1-9")
            for n in range(1, 10)
        ),
        Binding("enter", "ready", "Ready", show=False),
        Binding("t", "transcript", "Transcript", show=False),
        Binding("escape", "app.title", "Title screen"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, session: DuoSession) -> None:
        super().__init__()
        self.session = session
        self.story = session.story
        #: at one screen, the first side is handed the screen first
        self.mode = HANDOVER if session.is_local else CHOOSE
        #: the side choosing now (at one screen: after the hand-over)
        self.side = session.to_move()[0] if session.to_move() else session.role
        self.shown_options: list[engine.Option] = []
        #: rounds already shown as "what each side did"
        self.reported = session.state.round
        self.report: RoundResult | None = session.state.last
        self.partner: Partner | None = session.partner()
        self.timer: Timer | None = None

    # -- building --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="duo-status")
        with Horizontal(id="duo-body"):
            with Vertical(id="duo-main"):
                with VerticalScroll(id="duo-scroll"):
                    yield Static(id="duo-report")
                    yield Static(id="duo-notice")
                    yield Static(id="duo-title")
                    yield StoryText(id="duo-text")
                yield ChoiceList(id="duo-choices")
            with Vertical(id="duo-side"):
                yield MetersPanel(id="duo-meters")
        yield from debug_panels(self.app)
        yield Footer()

    def on_mount(self) -> None:
        session = self.session
        self.title = self.story.title
        if session.is_local:
            self.sub_title = "Duo summit at one screen"
        else:
            self.sub_title = f"Room {session.room} · {session.label(session.role)}"
            self.timer = self.set_interval(POLL, self.look)
        self.refresh_view()

    def on_unmount(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.session.leave()

    # -- what is shown -----------------------------------------------------------------

    def refresh_view(self) -> None:
        """Decide the mode from the session's state, then draw it."""
        session, state = self.session, self.session.state
        if state.round > self.reported:
            self.report = state.last
            self.reported = state.round
        if state.over:
            self.mode = ENDING
        elif session.is_local:
            if self.mode != CHOOSE or self.side not in session.to_move():
                self.side = session.to_move()[0]
                self.mode = HANDOVER
        else:
            self.side = session.role
            self.mode = WAITING if session.waiting_for_partner() else CHOOSE
        self.draw()

    def status_line(self) -> str:
        session, state = self.session, self.session.state
        rounds = duo.duo_of(self.story).rounds
        current = duo.current_round(self.story, state)
        head = f"Round {state.round + 1} of {len(rounds)}: {current.title}"
        if state.over:
            head = f"The summit is over after {state.round} rounds"
        if session.is_local:
            return head
        partner = self.partner
        if partner is None:
            return head
        where = {
            HERE: f"{partner.label} is in the room",
            AWAY: f"{partner.label} has not joined room {session.room} yet",
            LEFT: f"{partner.label} has left (the game is kept; it goes on when they rejoin)",
        }[partner.status]
        return f"{head}  ·  {where}"

    def round_text(self) -> str:
        """The round's own line (`[rounds.<id>].text`), then a blank line; or ""."""
        text = duo.current_round(self.story, self.session.state).text.strip()
        return f"{text}\n\n" if text else ""

    def report_text(self) -> str:
        result = self.report
        if result is None:
            return ""
        title = next(r.title for r in duo.duo_of(self.story).rounds if r.id == result.round)
        me = None if self.session.is_local else self.session.role
        lines = [f"{title}: what each side did"]
        texts = round_choice_texts(self.story, self.session.state, result)
        for item in result.moves:
            text = texts[item.role]
            who = "You" if item.role == me else self.session.label(item.role)
            lines.append(f"  {who}: {text}")
        lines.append("  Meters: " + meter_line(self.story, result.after, result.before))
        return "\n".join(lines)

    def draw(self) -> None:
        session, state = self.session, self.session.state
        status = self.query_one("#duo-status", Static)
        report = self.query_one("#duo-report", Static)
        notice = self.query_one("#duo-notice", Static)
        title = self.query_one("#duo-title", Static)
        text = self.query_one("#duo-text", StoryText)
        choices = self.query_one("#duo-choices", ChoiceList)
        meters = self.query_one("#duo-meters", MetersPanel)
        status.update(Content(self.status_line()))
        report.update(Content(self.report_text()))
        report.display = self.report is not None
        before = self.report.before if self.report is not None else None
        meters.show(self.story, state.meters, before)
        self.shown_options = []
        if self.mode == HANDOVER:
            label = session.label(self.side)
            notice.update(
                Content(
                    f"{self.round_text()}Hand over to {label}.\n\n"
                    f"Press Enter when only {label} can see the screen."
                )
            )
            title.update(Content(""))
            text.show([])
        elif self.mode == WAITING:
            other = session.label(session.other(session.role))
            mine = state.pending.get(session.role, "")
            at = state.scenes.get(session.role)
            seen = duo.view(self.story, state, session.role)
            said = (
                f"\n\nYou chose: {choice_text(self.story, at, mine, seen)}" if at and mine else ""
            )
            notice.update(Content(f"Waiting for {other} to choose…{said}"))
            title.update(Content(""))
            text.show([])
        elif self.mode == ENDING:
            self.draw_ending(notice, title, text)
        else:
            view = duo.view(self.story, state, self.side)
            scene = engine.current_scene(self.story, view)
            assert scene is not None
            notice.update(Content(f"{self.round_text()}{session.label(self.side)}, your choice:"))
            title.update(Content.styled(scene.title, "bold"))
            text.show(duo.shown_text(self.story, state, self.side))
            self.shown_options = [o for o in duo.options(self.story, state, self.side) if o.visible]
        choices.show(self.shown_options)
        choices.display = bool(self.shown_options)
        if self.shown_options:
            choices.focus()
        else:
            self.set_focus(None)  # Enter goes to the screen (the hand-over), not a list
        self.query_one("#duo-scroll", VerticalScroll).scroll_home(animate=False)
        for panel in self.query(DebugPanel):  # `play --debug`: the side on screen
            panel.show(self.story, duo.view(self.story, state, self.side or session.role))

    def draw_ending(self, notice: Static, title: Static, text: StoryText) -> None:
        session, state = self.session, self.session.state
        ending = engine.current_ending(self.story, duo.view(self.story, state, session.role))
        assert ending is not None
        notice.update(Content("The summit is over.  t: write a transcript  ·  Esc: title screen"))
        title.update(Content.styled(f"The end: {ending.title}", "bold"))
        sides = session.sides
        texts: list[str] = []
        for role in sides:
            if len(sides) > 1:
                texts.append(f"For {session.label(role)}:")
            texts += duo.ending_text(self.story, state, role)
        if ending.questions:
            texts.append("For discussion:\n\n" + "\n\n".join(f"- {q}" for q in ending.questions))
        text.show(texts)

    # -- the player's keys ---------------------------------------------------------------

    def action_ready(self) -> None:
        """Enter: the side handed over to is looking; show its scene."""
        if self.mode == HANDOVER:
            self.mode = CHOOSE
            self.draw()

    def action_pick(self, number: int) -> None:
        if self.mode != CHOOSE:
            return
        if not 1 <= number <= len(self.shown_options):
            self.notify(f"There is no choice {number} here.", severity="warning", markup=False)
            return
        option = self.shown_options[number - 1]
        if not option.open:
            self.notify(f"Choice {number} is locked: {option.reason}", markup=False)
            return
        self.choose(option.choice_id)

    @on(OptionList.OptionSelected, "#duo-choices")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.mode == CHOOSE and event.option.id is not None:
            self.choose(event.option.id)

    def choose(self, choice_id: str) -> None:
        side = self.side
        try:
            self.session.move(choice_id, side)
        except (engine.GameError, DuoError) as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        if self.session.autosave_error:
            self.notify(
                f"Autosave failed: {self.session.autosave_error}", severity="error", markup=False
            )
        self.mode = HANDOVER if self.session.is_local else WAITING
        self.refresh_view()

    def look(self) -> None:
        """The timer: look at the room; redraw when the game or the partner moved."""
        try:
            polled = self.session.poll()
        except DuoError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=10)
            if self.timer is not None:
                self.timer.stop()
            return
        if polled.partner_changed and polled.partner is not None:
            before, self.partner = self.partner, polled.partner
            if polled.partner.status == LEFT:
                self.notify(
                    f"{polled.partner.label} has left the room. The game is kept: it goes "
                    "on when they join again.",
                    severity="warning",
                    markup=False,
                    timeout=8,
                )
            elif polled.partner.status == HERE:
                back = before is not None and before.status == LEFT
                verb = "is back" if back else "has joined the room"
                self.notify(f"{polled.partner.label} {verb}.", markup=False)
        if polled.changed:
            self.refresh_view()
        elif polled.partner_changed:
            self.query_one("#duo-status", Static).update(Content(self.status_line()))

    def action_transcript(self) -> None:
        if self.mode != ENDING:
            return
        from game.tools.documents.duo_transcript import write_duo_transcript

        path = self.session.transcript_path()
        side = "" if self.session.is_local else self.session.role
        try:
            write_duo_transcript(path, self.story, self.session.state, side)
        except OSError as exc:
            self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Transcript written to {path}", markup=False, timeout=8)
