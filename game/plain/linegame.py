"""The line mode: for screen readers, pipes and scripts. No Textual here.

It drives a `GameSession`, as the terminal app does. It prints the scene (the lines
that react to the player's last choice first), the meters and numbered choices, and
reads one line at a time: a choice number, `u` (undo), `s NAME` (save), `q` (quit) or
`?`. After a choice, one line says what it did to the meters; after a line it cannot
use, only the reason and the prompt are printed again, not the scene. Every line is
wrapped to the terminal's width (80 columns when the output is not a terminal).
"""

from __future__ import annotations

import io
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from game.core import engine
from game.core.engine import GameState
from game.core.feedback import effects_line, scene_reading
from game.core.model import Story
from game.core.text import meter_line, paragraphs, shown
from game.format.loader import check_story
from game.format.watch import fingerprint
from game.persist import saves
from game.plain.classroom import ClassLines
from game.plain.flags import with_flag
from game.plain.lines import number as line_number
from game.plain.lines import pick, read_line
from game.session.session import GameSession, Moved, Paused
from game.tools.debug import debug_lines
from game.tools.documents.games import who
from game.tools.documents.transcript import write_transcript

HELP = (
    "Type the number of a choice and press Enter. Other commands: "
    "u = undo the last choice, s NAME = save to slot NAME, q = quit, ? = this help."
)
#: lines are never longer than this, however wide the terminal (for reading)
MAX_WIDTH = 100
#: the width when the output is not a terminal (a pipe, a file)
PIPE_WIDTH = 80


def line_width(out: TextIO) -> int:
    """The columns a line may fill: the terminal's (at most MAX_WIDTH), or PIPE_WIDTH."""
    try:
        tty = out.isatty()
    except (AttributeError, ValueError, OSError):
        tty = False
    columns = shutil.get_terminal_size((PIPE_WIDTH, 24)).columns if tty else PIPE_WIDTH
    return max(20, min(columns, MAX_WIDTH))


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
        watch: Path | None = None,
        autosave_slot: str | None = None,
        width: int | None = None,
        player: saves.Player | None = None,
    ) -> None:
        """`autosave_slot`: None gives each game a slot of its own; a name fixes it.
        `width`: the columns of a line (default: the terminal's, or 80 in a pipe)."""
        if autosave_slot is not None:
            saves.check_slot_name(autosave_slot)
        self.session = GameSession(story, saves_dir, autosave_slot=autosave_slot, player=player)
        self.story = story
        self.saves_dir = saves_dir
        # looked up now, not at import: a closed stdin is None, read as end of input
        self.stdin = stdin if stdin is not None else sys.stdin
        if isinstance(self.stdin, io.TextIOWrapper):
            # a line that is not text is re-asked, without losing the lines after it
            self.stdin.reconfigure(errors="replace")
        self.out = stdout if stdout is not None else sys.stdout
        self.err = stderr if stderr is not None else sys.stderr
        #: the longest line printed (one column short of the edge: no auto-wrap surprises)
        self.width = (width if width is not None else line_width(self.out)) - 1
        #: after the ending, offer to write the transcript
        self.transcript_offer = offer_transcript
        #: `play --debug`: exact meters, flags, the scene's id and file:line under each scene
        self.debug = debug
        #: `play --plain --watch`: the story folder, reloaded when its files change
        self.watch = watch
        self._seen = fingerprint(watch) if watch is not None else None
        #: the class's part: who plays, news flashes, the clock
        self.classroom = ClassLines(self)

    @property
    def autosave_slot(self) -> str:
        """The slot the game in progress autosaves to."""
        return self.session.autosave_slot

    def say(self, text: str = "") -> None:
        print(shown(text), file=self.out, flush=True)  # no control character reaches it

    def tell(self, text: str, indent: str = "", hanging: str | None = None) -> None:
        """Print `text` (paragraphs apart by a blank line) wrapped to the line width;
        `hanging` indents the lines after the first of each paragraph."""
        later = indent if hanging is None else hanging
        width = max(len(later) + 10, self.width)
        self.say(
            "\n\n".join(
                textwrap.fill(
                    p,
                    width=width,
                    initial_indent=indent,
                    subsequent_indent=later,
                    break_on_hyphens=False,
                )
                for p in paragraphs(text)
            )
        )

    def tell_error(self, text: str) -> None:
        """A notice on stderr, whole on one line (a log reads it as one)."""
        print(text, file=self.err, flush=True)

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
            self.tell(f"{i}. {role.label}", "  ", "     ")
            if role.blurb:
                self.tell(role.blurb, "     ")
        while True:
            answer = self.ask(f"Role (1-{len(roles)}): ")
            if answer is None:
                return None
            picked = line_number(answer, len(roles))
            if picked is not None:
                return roles[picked - 1].id
            self.say(f"Please type a number from 1 to {len(roles)}.")

    def show(self, state: GameState, before: GameState | None) -> list[engine.Option]:
        """Print the scene: title, the lines reacting to what was done, the text, the
        meters and the numbered choices (locked ones with the reason)."""
        scene = engine.current_scene(self.story, state)
        assert scene is not None
        self.say()
        self.tell(f"== {scene.title} ==")
        reactions, texts = scene_reading(self.story, state)
        for text in [*reactions, *texts]:
            self.say()
            self.tell(text)
        self.say()
        meters = meter_line(self.story, state.meters, before.meters if before else None)
        self.tell(f"Meters: {meters}", "", "  ")
        self.show_debug(state)
        visible = [o for o in engine.options(self.story, state) if o.visible]
        self.say()
        for number, option in enumerate(visible, 1):
            line = f"{number}. {option.text}"
            if not option.open:
                line += f"  [locked: {option.reason}]"
            self.tell(line, "  ", " " * (len(str(number)) + 4))
        return visible

    def said_choice(self, before: GameState, after: GameState) -> None:
        """One line: what the choice just made did to the meters."""
        self.say()
        self.tell(f"Last choice: {effects_line(self.story, before, after)}", "", "  ")

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
            self.tell_error(f"Notice: {with_flag(moved.autosave_error)}")
        if moved.store_warning:
            self.tell_error(f"Notice: {moved.store_warning}")
        return moved.state

    def offer_transcript(self, state: GameState) -> None:
        """After the ending: one key (t, Enter) writes the transcript."""
        self.say()
        self.tell("Press t then Enter to write a transcript (Enter alone to finish).")
        answer = self.ask("t or Enter: ")
        if answer is None:
            self.say()
            return
        if answer.lower() not in ("t", "transcript"):
            return
        path = self.session.transcript_path()
        try:
            write_transcript(path, self.story, state, who=who(self.session.player))
        except OSError as exc:
            self.tell_error(
                f"Could not write the transcript to {path} ({exc.strerror or exc}). "
                f"Write it later with: mar-a-lago transcript {self.autosave_slot}"
            )
            return
        self.say(f"Transcript written to {path}")  # a path to copy: never broken

    def show_ending(self, state: GameState) -> None:
        ending = engine.current_ending(self.story, state)
        assert ending is not None
        self.say()
        self.tell(f"== THE END: {ending.title} ==")
        for text in engine.shown_text(self.story, state):
            self.say()
            self.tell(text)
        self.say()
        self.tell("Final meters: " + meter_line(self.story, state.meters), "", "  ")
        self.show_debug(state)
        if ending.questions:
            self.say()
            self.say("For discussion:")
            for question in ending.questions:
                self.tell(f"- {question}", "", "  ")

    def run(
        self,
        state: GameState | None = None,
        role: str | None = None,
        slot: str | None = None,
        game: saves.GameInfo | None = None,
    ) -> int:
        """Play from `state` (a loaded save, autosaving on in its `slot`; or a start), or
        from the title and the role's start; 0 at the end, at `q` or at end of input."""
        story = self.story
        if state is None:
            self.tell(story.title + (f": {story.subtitle}" if story.subtitle else ""))
            if story.source:
                self.tell(f"Source: {story.source}")
            if story.intro:
                self.say()
                self.tell(story.intro)
            self.say()
            role = role or self.pick_role()
            if role is None:
                self.say("End of input.")
                return 0
            state = self.session.start(role)
            self.tell(f"Your role: {story.roles[role].label}. ({HELP})")
        else:
            self.session.resume(state, slot, game)
        self.classroom.who()
        before: GameState | None = None
        while not state.over:
            visible = self.show(state, before)
            outcome = self.prompt(state, visible)
            if outcome is None:
                return 0
            before, state = outcome
        self.show_ending(state)
        if self.transcript_offer:
            self.offer_transcript(state)
        return 0

    def reload(self) -> GameState | None:
        """`--watch`: when the story's files changed since the last look, load it again
        and play on with the choices that still fit (the new state); None when nothing
        changed or the edited story has problems (they are shown; play goes on)."""
        if self.watch is None:
            return None
        now = fingerprint(self.watch)
        if now == self._seen:
            return None
        self._seen = now
        story, problems = check_story(self.watch)
        if story is None:
            count = len(problems)
            self.tell_error(f"The edited story has {count} problem(s); playing on as it was:")
            for problem in problems[:10]:
                self.tell_error(str(problem))
            return None
        before = self.session.state
        refitted = self.session.refit(story)
        self.story = story
        if refitted is None:
            role = before.role if before is not None else next(iter(story.roles))
            self.tell("The story changed: your game no longer fits it, so it starts again.")
            return self.session.start(role if role in story.roles else next(iter(story.roles)))
        self.tell(
            f"The story changed and was loaded again: {refitted.kept} of "
            f"{refitted.total} choices still fit."
        )
        return refitted.state

    def prompt(
        self, state: GameState, visible: list[engine.Option]
    ) -> tuple[GameState | None, GameState] | None:
        """Ask until a line moves the game: (the state before, the new state), or None
        to stop (quit, end of input). A line it cannot use gets its reason and the prompt
        again, never the whole scene."""
        question = f"Choice (1-{len(visible)}, ? for help): "
        while True:
            self.classroom.clock()
            answer = self.ask(question)
            if answer is None:
                self.say()
                self.tell(f"End of input. {self.where_saved()}")
                return None
            reloaded = self.reload()
            if reloaded is not None:
                if answer:
                    self.tell(f"(Your answer '{answer}' was not used: choose again.)")
                return None, reloaded
            if answer in ("q", "quit"):
                self.tell(f"Goodbye. {self.where_saved()}")
                return None
            if answer in ("?", "h", "help"):
                self.tell(HELP)
                continue
            if answer in ("u", "undo"):
                undone = self.session.undo()
                if undone is None:
                    self.say("Nothing to undo.")
                    continue
                self.say("Undone.")
                return None, self.moved(undone)
            if answer.startswith("s ") or answer == "s":
                name = answer[1:].strip()
                try:
                    path = self.session.save_as(name)
                except saves.SaveError as exc:
                    self.tell(f"Not saved: {with_flag(exc)}")
                else:
                    self.tell(f"Saved to slot '{name}' ({path}).")
                continue
            option = pick(answer, visible)
            if isinstance(option, str):
                self.tell(option)
                continue
            try:
                moved = self.session.choose(option.choice_id)
            except Paused as exc:
                self.tell(f"{exc} Then type your choice again.")
                continue
            after = self.moved(moved)
            self.said_choice(state, moved.before_news or after)
            self.classroom.news(moved)
            return state, after
