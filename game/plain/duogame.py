"""The duo summit in line mode: for scripts, pipes and screen readers. No Textual here.

Two ways, both driving a `DuoSession`:

- hot-seat (`play --duo --plain`): both players at one screen. Before each side
  chooses, a hand-over line asks for Enter once only that side's player looks; then
  the side's scene and choices. After both have chosen, both read what each side did
  and what it did to the meters.
- a room (`play --plain --role R --room NAME`): this process plays one side; the
  other side plays in another process on the same saves folder. Each process reads
  its own choices from stdin, one line at a time, and says plainly while it waits
  for the other side (it reads nothing then).

There is no undo: once both sides have moved, each has seen the other's move.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from game.core import duo, engine
from game.core.duo import DuoState, RoundResult
from game.core.model import Story
from game.core.text import meter_line, wrap
from game.persist.saves import Player
from game.plain.lines import pick
from game.session.duo import AWAY, HERE, LEFT, DuoError, DuoSession, Partner
from game.session.session import Paused
from game.tools.debug import debug_lines
from game.tools.documents.duo_transcript import played_rounds, write_duo_transcript
from game.tools.documents.wording import duo_choice_text

HELP = (
    "Type the number of a choice and press Enter. q = leave the game (it is kept), "
    "? = this help. A duo summit has no undo: each side sees the other's moves."
)
#: seconds between two looks at the room while waiting
POLL = 0.2


class PlainDuo:
    """A duo game in line mode (hot-seat or one side of a room)."""

    def __init__(
        self,
        session: DuoSession,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        offer_transcript: bool = False,
        debug: bool = False,
    ) -> None:
        self.session = session
        #: `play --debug`: each side's exact meters, flags, scene id and file:line
        self.debug = debug
        self.story: Story = session.story
        self.stdin = stdin if stdin is not None else sys.stdin
        if isinstance(self.stdin, io.TextIOWrapper):
            self.stdin.reconfigure(errors="replace")
        self.out = stdout if stdout is not None else sys.stdout
        self.err = stderr if stderr is not None else sys.stderr
        self.width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 80) - 2)
        self.transcript_offer = offer_transcript
        #: the rounds already reported to this player
        self.reported = session.state.round
        #: the autosave failure last told (said once, not after every move)
        self.told = ""

    # -- reading and writing -----------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def ask(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        if self.stdin is None:
            return None
        try:
            line = self.stdin.readline()
        except UnicodeDecodeError:
            return ""
        except (OSError, ValueError):
            return None
        return line.strip() if line else None

    def clear(self) -> None:
        """Wipe a terminal between two sides of one screen (a pipe gets blank lines)."""
        try:
            tty = self.out.isatty() and os.environ.get("TERM", "") not in ("", "dumb")
        except (AttributeError, ValueError, OSError):
            tty = False
        if tty:
            self.out.write("\033[2J\033[3J\033[H")
            self.out.flush()
        else:
            self.say()

    def label(self, role: str) -> str:
        return self.session.label(role)

    # -- what is shown -------------------------------------------------------------------

    def heading(self, state: DuoState) -> None:
        rounds = duo.duo_of(self.story).rounds
        current = duo.current_round(self.story, state)
        self.say()
        self.say(f"=== Round {state.round + 1} of {len(rounds)}: {current.title} ===")
        if current.text:
            self.say(wrap(current.text, self.width))

    def show_side(self, state: DuoState, role: str) -> list[engine.Option]:
        view = duo.view(self.story, state, role)
        scene = engine.current_scene(self.story, view)
        assert scene is not None
        self.say()
        self.say(f"== {scene.title} ({self.label(role)}) ==")
        for text in duo.shown_text(self.story, state, role):
            self.say()
            self.say(wrap(text, self.width))
        self.say()
        self.say("Meters: " + meter_line(self.story, state.meters))
        if self.debug:
            for line in debug_lines(self.story, view):
                self.say(f"[debug] {line}")
        visible = [o for o in duo.options(self.story, state, role) if o.visible]
        self.say()
        for number, option in enumerate(visible, 1):
            line = f"  {number}. {option.text}"
            if not option.open:
                line += f"  [locked: {option.reason}]"
            self.say(line)
        return visible

    def show_round(self, result: RoundResult, me: str | None, start: DuoState) -> None:
        """What each side did in the round just resolved (each choice as its side read
        it at the round's `start`), and the meters after it."""
        title = next(r.title for r in duo.duo_of(self.story).rounds if r.id == result.round)
        self.say()
        self.say(f"== {title}: what each side did ==")
        for item in result.moves:
            text = duo_choice_text(self.story, start, item.role, item.scene, item.choice)
            who = f"You ({self.label(item.role)})" if item.role == me else self.label(item.role)
            self.say(wrap(f"{who}: {text}", self.width))
        self.say("Meters: " + meter_line(self.story, result.after, result.before))

    def catch_up(self, me: str | None) -> None:
        """Report the rounds resolved since the last report."""
        state = self.session.state
        if state.round <= self.reported:
            return
        _, played, _ = played_rounds(self.story, state)
        for done in played[self.reported : state.round]:
            self.show_round(done.result, me, done.start)
        self.reported = state.round

    def show_ending(self, state: DuoState, roles: list[str]) -> None:
        ending = engine.current_ending(self.story, duo.view(self.story, state, roles[0]))
        assert ending is not None
        self.say()
        self.say(f"== THE END: {ending.title} ==")
        first = True
        for role in roles:
            texts = duo.ending_text(self.story, state, role)
            if len(roles) > 1:
                self.say()
                self.say(f"-- For {self.label(role)} --")
            for text in texts if first or len(roles) == 1 else texts[1:]:
                self.say()
                self.say(wrap(text, self.width))
            first = False
        self.say()
        self.say("Final meters: " + meter_line(self.story, state.meters))
        if ending.questions:
            self.say()
            self.say("For discussion:")
            for question in ending.questions:
                self.say(wrap(f"- {question}", self.width))

    def offer_transcript(self, side: str) -> None:
        self.say()
        answer = self.ask("Press t then Enter to write a transcript (Enter alone to finish): ")
        if answer is None:
            self.say()
            return
        if answer.lower() not in ("t", "transcript"):
            return
        path = self.session.transcript_path()
        try:
            write_duo_transcript(path, self.story, self.session.state, side)
        except OSError as exc:
            print(
                f"Could not write the transcript to {path} ({exc.strerror or exc}).",
                file=self.err,
                flush=True,
            )
            return
        self.say(f"Transcript written to {path}")

    def saved_line(self) -> str:
        if self.session.autosave_off or self.session.autosave_error:
            return "The game could not be saved (see the notice above)."
        return f"The game is saved in slot '{self.session.slot}'."

    # -- one choice --------------------------------------------------------------------

    def pick(self, role: str) -> str | None:
        """Show the side's scene and read its choice; None: leave (q, end of input)."""
        state = self.session.state
        visible = self.show_side(state, role)
        while True:
            answer = self.ask(f"Choice (1-{len(visible)}, ? for help): ")
            if answer is None:
                self.say()
                self.say("End of input.")
                return None
            if answer in ("q", "quit"):
                return None
            if answer in ("?", "h", "help"):
                self.say(HELP)
                continue
            if answer in ("u", "undo"):
                self.say("A duo summit has no undo: each side sees the other's moves.")
                continue
            option = pick(answer, visible)
            if isinstance(option, str):
                self.say(option)
                continue
            return option.choice_id

    def autosave_notice(self) -> None:
        error = self.session.autosave_error
        if error and error != self.told:
            print(f"Notice: {error}", file=self.err, flush=True)
        self.told = error

    # -- hot-seat ----------------------------------------------------------------------

    def run_hotseat(self) -> int:
        session, story = self.session, self.story
        self.say(story.title + (f": {story.subtitle}" if story.subtitle else ""))
        sides = " and ".join(self.label(r) for r in session.roles)
        self.say(
            wrap(
                f"A duo summit at one screen: {sides}. In each round each side chooses "
                "in turn while the other player looks away; then both read what each "
                f"side did. ({HELP})",
                self.width,
            )
        )
        while not session.state.over:
            self.catch_up(None)
            self.heading(session.state)
            for role in session.to_move():
                label = self.label(role)
                answer = self.ask(
                    f"Hand over to {label}: press Enter when only they can see the screen. "
                )
                if answer is None or answer in ("q", "quit"):
                    return self.stop()
                choice = self.pick(role)
                if choice is None:
                    return self.stop()
                session.move(choice, role)
                self.autosave_notice()
                self.clear()
        self.catch_up(None)
        self.show_ending(session.state, list(session.roles))
        self.say()
        self.say(self.saved_line())
        if self.transcript_offer:
            self.offer_transcript("")
        return 0

    def stop(self) -> int:
        self.say(f"Goodbye. {self.saved_line()}")
        return 0

    # -- a room ------------------------------------------------------------------------

    def run_room(self) -> int:
        session, story = self.session, self.story
        me = session.role
        self.say(story.title + (f": {story.subtitle}" if story.subtitle else ""))
        self.say(f"Duo summit in room '{session.room}': you advise as {self.label(me)}.")
        if any(m.role == me for m in session.state.moves):
            self.say(f"Resuming the game of room '{session.room}'.")
        partner = session.partner()
        if partner is not None:
            self.say(self.partner_line(partner, None))
        self.say(HELP)
        try:
            while True:
                state = self.wait() if session.waiting_for_partner() else session.state
                self.catch_up(me)
                if state.over:
                    break
                self.heading(state)
                choice = self.pick(me)
                if choice is None:
                    self.say(
                        f"You left room '{session.room}'. The game is kept there: join the "
                        "room again with the same role to go on."
                    )
                    return 0
                self.move_when_running(choice)
                self.autosave_notice()
        except DuoError as exc:
            print(f"Cannot go on: {exc}", file=self.err, flush=True)
            return 1
        finally:
            session.leave()
        self.show_ending(session.state, [me])
        self.say()
        self.say(self.saved_line())
        if self.transcript_offer:
            self.offer_transcript(me)
        return 0

    def move_when_running(self, choice: str) -> None:
        """Make this side's move; while the teacher has paused the class, say so once and
        make it when they resume."""
        told = False
        while True:
            try:
                self.session.move(choice)
                return
            except Paused as exc:
                if not told:
                    self.say(f"[Class clock] {exc} Your choice is made when the game goes on.")
                    told = True
                time.sleep(POLL)

    def partner_line(self, partner: Partner, before: Partner | None) -> str:
        label = partner.label
        if partner.status == HERE:
            if before is not None and before.status == LEFT:
                return f"{label} is back in the room."
            if before is not None:
                return f"{label} has joined the room."
            return f"{label} is in the room."
        if partner.status == LEFT:
            return (
                f"{label} has left the room. The game is kept: it goes on when they "
                "join the room again."
            )
        assert partner.status == AWAY
        return f"{label} has not joined the room yet; you can choose now."

    def wait(self) -> DuoState:
        """Wait for the other side's move of this round, saying so once."""
        session = self.session
        partner = session.poll().partner  # and the session's own idea of it, from now
        label = self.label(session.other(session.role))
        self.say()
        self.say(f"Waiting for {label} to choose...")
        if partner is not None and partner.status == AWAY:
            self.say(f"{label} has not joined the room yet.")
        elif partner is not None and partner.status == LEFT:
            self.say(self.partner_line(partner, None))
        while session.waiting_for_partner():
            time.sleep(POLL)
            polled = session.poll()
            still = session.waiting_for_partner()  # a partner gone after the last move: no news
            if polled.partner_changed and polled.partner is not None and still:
                self.say(self.partner_line(polled.partner, partner))
                partner = polled.partner
        return session.state


def run_plain_duo(
    story: Story,
    saves_dir: Path,
    *,
    room: str | None,
    role: str | None,
    resume: DuoState | None = None,
    player: Player | None = None,
    debug: bool = False,
) -> int:
    """`play --plain --duo` (room None) or `play --plain --role R --room NAME` (`player`:
    who plays that side, for the teacher's console; `debug`: `play --debug`)."""
    if room is None:
        session = DuoSession.local(story, saves_dir, state=resume)
        return PlainDuo(session, offer_transcript=True, debug=debug).run_hotseat()
    try:
        session = DuoSession.join(story, saves_dir, room, role, player=player)
    except DuoError as exc:
        print(f"Cannot join: {exc}", file=sys.stderr)
        return 1
    return PlainDuo(session, offer_transcript=True, debug=debug).run_room()
