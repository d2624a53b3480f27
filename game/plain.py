"""The line mode: for screen readers, pipes and scripts. No Textual here.

It prints the scene, its passages, the meters and numbered choices, and reads one
line at a time: a choice number, `u` (undo), `s NAME` (save), `q` (quit) or `?`.
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from game import engine, saves
from game.engine import GameState
from game.model import Story
from game.text import meter_line, wrap

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
        on_end: Callable[[PlainGame, GameState], None] | None = None,
        autosave_slot: str = saves.AUTOSAVE,
    ) -> None:
        self.autosave_slot = saves.check_slot_name(autosave_slot)
        self.autosave_problem = ""
        self.story = story
        self.saves_dir = saves_dir
        # looked up now, not at import: a closed stdin is None, read as end of input
        self.stdin = stdin if stdin is not None else sys.stdin
        if isinstance(self.stdin, io.TextIOWrapper):
            # a line that is not text is re-asked, without losing the lines after it
            self.stdin.reconfigure(errors="replace")
        self.out = stdout if stdout is not None else sys.stdout
        self.err = stderr if stderr is not None else sys.stderr
        #: the state last written to the autosave slot, so "saved" is only said when true
        self.saved: GameState | None = None
        #: the state the game began (or resumed) at
        self.started: GameState | None = None
        self.width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 80) - 2)
        self.on_end = on_end

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
            return ""  # not text: asked again, like any other unreadable answer
        except (OSError, ValueError):
            return None
        if not line:
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
        visible = [o for o in engine.options(self.story, state) if o.visible]
        self.say()
        for number, option in enumerate(visible, 1):
            line = f"  {number}. {option.text}"
            if not option.open:
                line += f"  [locked: {option.reason}]"
            self.say(line)
        return visible

    def where_saved(self, state: GameState) -> str:
        if self.saved is not None and self.saved == state:
            return f"Your game is saved in slot '{self.autosave_slot}'."
        if not state.history or state == self.started:
            return "Nothing new to save."
        return "Your game could not be saved (see the notice above)."

    def autosave(self, state: GameState) -> None:
        try:
            saves.write(self.saves_dir, self.autosave_slot, self.story, state)
            self.saved = state
        except saves.SaveError as exc:
            if str(exc) != self.autosave_problem:  # say it once, not after every choice
                print(f"Notice: {exc}", file=self.err, flush=True)
            self.autosave_problem = str(exc)
        else:
            self.autosave_problem = ""

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
            state = engine.new_game(story, role)
            self.say(f"Your role: {story.roles[role].label}. ({HELP})")
        before: GameState | None = None
        self.started = state
        while not state.over:
            visible = self.show(state, before)
            answer = self.ask(f"Choice (1-{len(visible)}, ? for help): ")
            if answer is None:
                self.say()
                self.say(f"End of input. {self.where_saved(state)}")
                return 0
            if answer in ("q", "quit"):
                self.say(f"Goodbye. {self.where_saved(state)}")
                return 0
            if answer in ("?", "h", "help"):
                self.say(HELP)
                continue
            if answer in ("u", "undo"):
                if not state.history:
                    self.say("Nothing to undo.")
                    continue
                before, state = None, engine.undo(story, state)
                self.say("Undone.")
                self.autosave(state)
                continue
            if answer.startswith("s ") or answer == "s":
                name = answer[1:].strip()
                try:
                    path = saves.write(self.saves_dir, saves.check_slot_name(name), story, state)
                except saves.SaveError as exc:
                    self.say(f"Not saved: {exc}")
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
            before, state = state, engine.choose(story, state, option.choice_id)
            self.autosave(state)
        self.show_ending(state)
        if self.on_end is not None:
            self.on_end(self, state)
        return 0


def _number(answer: str, count: int) -> int | None:
    """The choice a line names (1..count), or None; "²", "①" and 5,000 digits are None."""
    if not (answer.isascii() and answer.isdigit() and len(answer) <= 6):
        return None
    number = int(answer)
    return number if 1 <= number <= count else None
