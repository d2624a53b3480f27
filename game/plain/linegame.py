"""The line mode: for screen readers, pipes and scripts. No Textual here.

It drives a `GameSession`, as the terminal app does. It prints the scene, its
passages, the meters and numbered choices, and reads one line at a time: a choice
number, `u` (undo), `s NAME` (save), `q` (quit) or `?`.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path
from typing import TextIO

from game.core import engine
from game.core.engine import GameState
from game.core.model import Story
from game.core.text import meter_line, shown, wrap
from game.persist import saves
from game.plain.flags import with_flag
from game.plain.lines import read_line
from game.session.session import GameSession, Moved
from game.tools.debug import debug_lines
from game.tools.documents.transcript import write_transcript

HELP = (
    "Type the number of a choice and press Enter. Other commands: "
    "u = undo the last choice, s NAME = save to slot NAME, q = quit, ? = this help."
)


class PlainGame:
    def __init__(
        self,
        story: Story,
        saves_dir: Path,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        offer_transcript: bool = False,
        debug: bool = False,
        autosave_slot: str = saves.AUTOSAVE,
    ) -> None:
        self.session = GameSession(
            story, saves_dir, autosave_slot=saves.check_slot_name(autosave_slot)
        )
        self.story = story
        self.saves_dir = saves_dir
        self.autosave_slot = autosave_slot
        # looked up now, not at import: a closed stdin is None, read as end of input
        self.stdin = stdin if stdin is not None else sys.stdin
        if isinstance(self.stdin, io.TextIOWrapper):
            # a line that is not text is re-asked, without losing the lines after it
            self.stdin.reconfigure(errors="replace")
        self.out = stdout if stdout is not None else sys.stdout
        self.err = stderr if stderr is not None else sys.stderr
        self.width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 80) - 2)
        #: after the ending, offer to write the transcript
        self.transcript_offer = offer_transcript
        #: `play --debug`: exact meters, flags, the scene's id and file:line under each scene
        self.debug = debug

    def say(self, text: str = "") -> None:
        print(shown(text), file=self.out, flush=True)  # no control character reaches it

    def ask(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        if self.stdin is None:
            return None
        try:
            line = read_line(self.stdin)  # bounded: `< /dev/zero` never ends a line
        except UnicodeDecodeError:
            return ""  # not text: asked again, like any other unreadable answer
        except (OSError, ValueError):
            return None
        if line is None:
            return None
        return line.strip()

    def pick_role(self) -> str | None:
        roles = list(self.story.roles.values())
        if len(roles) == 1:
            return roles[0].id
        self.say("Choose your role:")
        for i, role in enumerate(roles, 1):
            self.say(f"  {i}. {role.label}")
            if role.blurb:
                self.say(wrap(role.blurb, self.width, "     "))
        while True:
            answer = self.ask(f"Role (1-{len(roles)}): ")
            if answer is None:
                return None
            number = _number(answer, len(roles))
            if number is not None:
                return roles[number - 1].id
            self.say(f"Please type a number from 1 to {len(roles)}.")

    def show(self, state: GameState, before: GameState | None) -> list[engine.Option]:
        scene = engine.current_scene(self.story, state)
        assert scene is not None
        self.say()
        self.say(f"== {scene.title} ==")
        for text in engine.shown_text(self.story, state):
            self.say()
            self.say(wrap(text, self.width))
        self.say()
        self.say(
            "Meters: " + meter_line(self.story, state.meters, before.meters if before else None)
        )
        self.show_debug(state)
        visible = [o for o in engine.options(self.story, state) if o.visible]
        self.say()
        for number, option in enumerate(visible, 1):
            line = f"  {number}. {option.text}"
            if not option.open:
                line += f"  [locked: {option.reason}]"
            self.say(line)
        return visible

    def show_debug(self, state: GameState) -> None:
        """`play --debug`: what an author needs to find the scene and its state."""
        if self.debug:
            for line in debug_lines(self.story, state):
                self.say(f"[debug] {line}")

    def where_saved(self) -> str:
        if self.session.is_saved():
            return f"Your game is saved in slot '{self.autosave_slot}'."
        if not self.session.has_news():
            return "Nothing new to save."
        return "Your game could not be saved (see the notice above)."

    def moved(self, moved: Moved) -> GameState:
        if moved.new_error:  # said once, not after every choice
            print(f"Notice: {with_flag(moved.autosave_error)}", file=self.err, flush=True)
        return moved.state

    def offer_transcript(self, state: GameState) -> None:
        """After the ending: one key (t, Enter) writes the transcript."""
        self.say()
        answer = self.ask("Press t then Enter to write a transcript (Enter alone to finish): ")
        if answer is None:
            self.say()
            return
        if answer.lower() not in ("t", "transcript"):
            return
        path = self.session.transcript_path()
        try:
            write_transcript(path, self.story, state)
        except OSError as exc:
            print(
                f"Could not write the transcript to {path} ({exc.strerror or exc}). "
                f"Write it later with: mar-a-lago transcript {self.autosave_slot}",
                file=self.err,
                flush=True,
            )
            return
        self.say(f"Transcript written to {path}")

    def show_ending(self, state: GameState) -> None:
        ending = engine.current_ending(self.story, state)
        assert ending is not None
        self.say()
        self.say(f"== THE END: {ending.title} ==")
        for text in engine.shown_text(self.story, state):
            self.say()
            self.say(wrap(text, self.width))
        self.say()
        self.say("Final meters: " + meter_line(self.story, state.meters))
        self.show_debug(state)
        if ending.questions:
            self.say()
            self.say("For discussion:")
            for question in ending.questions:
                self.say(wrap(f"- {question}", self.width))

    def run(self, state: GameState | None = None, role: str | None = None) -> int:
        story = self.story
        if state is None:
            self.say(story.title + (f": {story.subtitle}" if story.subtitle else ""))
            if story.source:
                self.say(wrap(f"Source: {story.source}", self.width))
            if story.intro:
                self.say()
                self.say(wrap(story.intro, self.width))
            self.say()
            role = role or self.pick_role()
            if role is None:
                self.say("End of input.")
                return 0
            state = self.session.start(role)
            self.say(f"Your role: {story.roles[role].label}. ({HELP})")
        else:
            self.session.resume(state)
        before: GameState | None = None
        while not state.over:
            visible = self.show(state, before)
            answer = self.ask(f"Choice (1-{len(visible)}, ? for help): ")
            if answer is None:
                self.say()
                self.say(f"End of input. {self.where_saved()}")
                return 0
            if answer in ("q", "quit"):
                self.say(f"Goodbye. {self.where_saved()}")
                return 0
            if answer in ("?", "h", "help"):
                self.say(HELP)
                continue
            if answer in ("u", "undo"):
                undone = self.session.undo()
                if undone is None:
                    self.say("Nothing to undo.")
                    continue
                before, state = None, self.moved(undone)
                self.say("Undone.")
                continue
            if answer.startswith("s ") or answer == "s":
                name = answer[1:].strip()
                try:
                    path = self.session.save_as(name)
                except saves.SaveError as exc:
                    self.say(f"Not saved: {with_flag(exc)}")
                else:
                    self.say(f"Saved to slot '{name}' ({path}).")
                continue
            number = _number(answer, len(visible))
            if number is None:
                self.say(f"Please type a number from 1 to {len(visible)} (or ? for help).")
                continue
            option = visible[number - 1]
            if not option.open:
                self.say(f"That choice is locked: {option.reason}")
                continue
            before, state = state, self.moved(self.session.choose(option.choice_id))
        self.show_ending(state)
        if self.transcript_offer:
            self.offer_transcript(state)
        return 0


def _number(answer: str, count: int) -> int | None:
    """The choice a line names (1..count), or None; "²", "①" and 5,000 digits are None."""
    if not (answer.isascii() and answer.isdigit() and len(answer) <= 6):
        return None
    number = int(answer)
    return number if 1 <= number <= count else None
