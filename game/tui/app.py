"""The Textual app: it drives a `GameSession` (the game in progress, its undo, autosave
and slots) and shows its state on the title, scene and ending screens.

`make_app` is the one factory used by the CLI, the tests and the web server. No key
can crash it: while it quits, or while its screen is being built or torn down, every
action but quit is refused (`check_action`, `screens/base.py`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import Screen
from textual.theme import Theme

from game.core.model import Story
from game.format.watch import Fingerprint, fingerprint
from game.tui import settings
from game.tui.debugging import Debugging
from game.tui.messages import ChoicePicked
from game.tui.screens.title import TitleScreen

# For a fast first frame only the title screen is imported with the app: every other
# screen (and its widgets), the engine and the saves (cattrs) are imported in the
# methods that need them, and the title looks for a save to continue after its first
# frame.
if TYPE_CHECKING:
    from game.core.engine import GameState, Start
    from game.persist import saves
    from game.session.duo import DuoSession
    from game.session.session import GameSession, Moved
    from game.tui.duo import DuoLaunch

#: the theme until the player picks another (then remembered in their config folder)
DEFAULT_THEME = "textual-dark"
#: Textual's own palette entries worth offering beside the game's
KEPT_SYSTEM_COMMANDS = ("Theme", "Quit")


def game_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens."""
    from game.tui.commands import GameCommands

    return GameCommands


class GameApp(Debugging):
    """Cooperate or Else! in a terminal (or a browser, through textual-serve)."""

    CSS_PATH = "app.tcss"
    #: below 96 columns the meters go on top of the text (it gets the width), one a line
    #: below 60 and two a line from there; from 140 the text column and the meters sit
    #: centred with room to spare
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (typed by App, not as a ClassVar)
        (0, "-tiny"),
        (60, "-narrow"),
        (96, "-normal"),
        (140, "-wide"),
    ]
    #: below 26 rows the header bar goes (every row is the text's)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (26, "-tall")]  # noqa: RUF012
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {game_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]
    #: seconds between two looks at the story files in watch mode
    WATCH_INTERVAL: ClassVar[float] = 0.5
    #: a duo summit to open first (`play --duo`, `play --room`), the one in progress,
    #: and whether opening it failed
    duo_launch: DuoLaunch | None = None
    duo_session: DuoSession | None = None
    duo_failed: bool = False

    def __init__(
        self,
        story: Story,
        saves_dir: Path,
        *,
        story_dir: Path | None = None,
        role: str | None = None,
        loaded: saves.Loaded | None = None,
        loaded_from: Path | None = None,
        start: Start | None = None,
        watch: bool = False,
        autosave_slot: str | None = None,
        private_saves: bool = False,
        player: saves.Player | None = None,
        served: bool = False,
        debug: bool = False,
    ) -> None:
        super().__init__()
        #: `play --debug`: a debug panel under the scene and the ending (F12/ctrl+d)
        self.debug = debug
        #: who plays (`--name`/`--team`); a served game asks first
        self.player = player
        self.served = served
        #: served games share the teacher's config folder: their themes are not kept
        self.keep_theme = not private_saves
        remembered = settings.saved_theme() if self.keep_theme else None
        self.theme = remembered if remembered in self.available_themes else DEFAULT_THEME
        #: set once the app begins to quit: no action, screen or move after that
        self.closing = False
        self._story = story
        self.saves_dir = saves_dir
        self.story_dir = story_dir
        self.fixed_role = role if role in story.roles else None
        self.initial_load = loaded
        #: the file `loaded` came from: a game loaded from an autosave goes on in it
        self.loaded_from = loaded_from
        self.start_point = start
        self.watching = watch
        self.autosave_slot = autosave_slot
        #: served classroom games see only their own saves
        self.private_saves = private_saves
        self._session: GameSession | None = None
        self.main_screen: Screen[None] | None = None
        self.watched: Fingerprint = ()
        self.title = story.title

    # -- the session ---------------------------------------------------------------

    @property
    def session(self) -> GameSession:
        """The game in progress; made at first use, so the engine, the saves and cattrs
        are imported after the first frame."""
        if self._session is None:
            from game.session.session import GameSession

            self._session = GameSession(
                self._story,
                self.saves_dir,
                autosave_slot=self.autosave_slot,
                private=self.private_saves,
                player=self.player,
            )
        return self._session

    @property
    def story(self) -> Story:
        return self._story if self._session is None else self._session.story

    @property
    def state(self) -> GameState | None:
        return None if self._session is None else self._session.state

    # -- starting and showing ----------------------------------------------------

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from game.tui.commands import GamePalette

        is_open = any(isinstance(screen, CommandPalette) for screen in self.screen_stack)
        if self.use_command_palette and not self.closing and not is_open:
            self.push_screen(GamePalette(id="--command-palette"))

    def remember_theme(self, theme: Theme) -> None:
        if theme.name == settings.saved_theme():
            return
        problem = settings.write({"theme": theme.name})
        if problem:
            self.notify(f"The theme is not remembered: {problem}", markup=False, timeout=5)

    def on_mount(self) -> None:
        if self.keep_theme:
            self.theme_changed_signal.subscribe(self, self.remember_theme)
        if self.session.autosave_off:
            off = self.session.autosave_off
            self.notify(f"Autosave is off: {off}", severity="warning", markup=False)
        if self.watching:
            self.watched = fingerprint(self.watched_dir())
            self.set_interval(self.WATCH_INTERVAL, self.check_story_files)
        # Textual holds back every frame until the app has started (its mount included):
        # a screen pushed now is drawn, thrown away, and drawn again later. Pushed once
        # the app has started, its first frame is the first one on the terminal.
        self.start_classroom()
        self.call_later(self.open_first_screen)

    def open_first_screen(self) -> None:
        # The first main screen is pushed once: a screen switched away while it is still
        # mounting can trip its Header.
        if self.ask_who_first(self.open_first_screen):
            return  # a served game asks who plays first, then comes back here
        if self.rejoin_path is not None:  # the player gave the code of their game
            path, self.rejoin_path = self.rejoin_path, None
            self.session.rejoin(path)
            self.show_state()
            self.notify(f"Welcome back: your game goes on ({self.session.code}).", markup=False)
            return
        if self.duo_launch is not None:
            from game.tui.duo import open_duo

            if not open_duo(self, self.duo_launch):
                self.duo_failed = True
                self.show_title()
            return
        if self.initial_load is not None:
            origin = self.loaded_from
            slot = self.session.slot_of(origin) if origin is not None else None
            self.session.resume(self.initial_load.state, slot, self.initial_load.save.game)
            self.show_state()
            if self.initial_load.notice:
                self.notify(self.initial_load.notice, markup=False, timeout=8)
            return
        role = self.known_role()
        if self.start_point is not None and role is not None:
            self.begin(role, self.start_point)
            if self.state is not None:
                return
        self.show_title()
        if self.start_point is not None and role is None:
            self.ask_role(self.begin_from_start)

    def newest_save(self) -> saves.SlotInfo | None:
        return self.session.newest()

    def slot_name(self, name: str) -> str:
        """A served game's named saves carry its own slot as a prefix, so players never
        overwrite one another's saves."""
        return self.session.slot_name(name)

    def switch_main(self, screen: Screen[None]) -> None:
        """Make `screen` the one main screen (title, scene or ending), closing any dialog."""
        if self.closing:
            return
        if self.main_screen is None:
            self.push_screen(screen)
        else:
            while len(self.screen_stack) > 2 and self.screen is not self.main_screen:
                self.pop_screen()
            self.switch_screen(screen)
        self.main_screen = screen

    def show_state(self) -> None:
        """Show the session's state (the game moved on, was undone, loaded or started)."""
        from game.tui.screens.ending import EndingScreen
        from game.tui.screens.scene import SceneScreen

        state = self.state
        if self.closing:
            return
        if state is None:
            self.show_title()
            return
        if state.over:
            self.switch_main(EndingScreen(self.story, state, self.session.transcript_path))
        elif isinstance(self.main_screen, SceneScreen) and self.main_screen.ready:
            self.main_screen.show(self.story, state)
        else:
            self.switch_main(SceneScreen(self.story, state))

    def show_title(self) -> None:
        self.session.leave()
        self.switch_main(TitleScreen(self.story, find_newest=self.newest_save))

    def known_role(self) -> str | None:
        """The role fixed by `--role`, or the story's only role; None when the player picks."""
        if self.fixed_role is not None:
            return self.fixed_role
        if len(self.story.roles) == 1:
            return next(iter(self.story.roles))
        return None

    def ask_role(self, then: Callable[[str], None]) -> None:
        """The known role or the player's pick; then `then(role)`."""
        if self.closing:
            return
        role = self.known_role()
        if role is not None:
            then(role)
        else:

            def picked(role: str | None) -> None:
                if role is not None:
                    then(role)

            from game.tui.screens.role import RoleScreen

            self.push_screen(RoleScreen(self.story), picked)

    def begin(self, role: str, start: Start | None = None) -> None:
        if self.closing:
            return
        from game.core import engine

        try:
            self.session.start(role, start)
        except engine.GameError as exc:
            self.notify(f"Cannot start: {exc}", severity="error", markup=False)
            return
        self.show_state()

    def begin_from_start(self, role: str) -> None:
        self.begin(role, self.start_point)

    # -- the player's moves --------------------------------------------------------

    def on_choice_picked(self, message: ChoicePicked) -> None:
        state = self.state
        if self.closing or state is None:
            return
        if (message.scene, message.step) != (state.scene, len(state.history)):
            return  # picked on a scene the game has already left
        from game.core import engine

        try:
            moved = self.session.choose(message.choice_id)
        except engine.GameError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.after_move(moved)

    def after_move(self, moved: Moved) -> None:
        self.show_state()
        self.classroom_after_move(moved)
        if moved.autosave_error is not None:
            self.notify(
                f"Autosave failed: {moved.autosave_error}",
                severity="error",
                markup=False,
                timeout=8,
            )

    def action_new_game(self) -> None:
        self.ask_role(self.begin)

    def action_undo(self) -> None:
        if self.closing:
            return
        if not self.session.can_undo():
            self.notify("Nothing to undo.", markup=False)
            return
        from game.core import engine

        try:
            moved = self.session.undo()
        except engine.GameError as exc:
            self.notify(f"Cannot undo: {exc}", severity="error", markup=False)
            return
        if moved is not None:
            self.after_move(moved)
        self.notify("Undone: back before your last choice.", markup=False, timeout=2)

    def action_continue_game(self) -> None:
        if self.closing:
            return
        info = self.newest_save()
        if info is None:
            self.notify("No saved game yet: start a new one.", markup=False)
            return
        self.load_path(info.path)

    def action_load(self) -> None:
        if self.closing:
            return
        from game.tui.screens.load import LoadScreen

        def picked(path: Path | None) -> None:
            if path is not None:
                self.load_path(path)

        self.push_screen(LoadScreen(self.story, self.session.slots(), self.saves_dir), picked)

    def load_path(self, path: Path) -> None:
        if self.closing:
            return
        from game.persist import saves
        from game.tui.duo import open_duo_save

        if open_duo_save(self, path):  # a duo summit's game goes on as one
            return
        try:
            loaded = self.session.load(path)
        except saves.SaveError as exc:
            self.notify(f"Cannot load: {exc}", severity="error", markup=False, timeout=10)
            return
        self.show_state()
        self.notify(f"Loaded '{path.stem}'.", markup=False, timeout=3)
        if loaded.notice:
            self.notify(loaded.notice, markup=False, timeout=8)

    def action_save(self) -> None:
        state = self.state
        if self.closing:
            return
        if state is None:
            self.notify("Start or load a game first; then you can save it.", markup=False)
            return
        from game.persist import saves

        existing = self.session.own_slot_names()  # as the player names them
        suggestion = f"{state.role}-{len(state.history)}"

        def named(slot: str | None) -> None:
            if slot is None or self.state is None:
                return
            try:
                path = self.session.save_as(slot)
            except saves.SaveError as exc:
                self.notify(f"Not saved: {exc}", severity="error", markup=False, timeout=10)
                return
            self.notify(f"Saved to slot '{path.stem}' ({path}).", markup=False)

        from game.tui.screens.save import SaveScreen

        self.push_screen(SaveScreen(suggestion, existing), named)

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        if not self.closing and not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.story))

    def action_history(self) -> None:
        from game.tui.screens.scene import SceneScreen

        if self.closing:
            return
        if isinstance(self.main_screen, SceneScreen):
            if self.main_screen.ready:
                self.main_screen.action_toggle_history()
        else:
            self.notify("The history is shown during a game.", markup=False)

    def action_partner(self) -> None:
        """Play with a partner: a room code to share and a side (a duo story)."""
        from game.tui.duo import ask_partner

        ask_partner(self)

    def action_title(self) -> None:
        if not self.closing:
            self.show_title()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from game.tui.screens.ending import EndingScreen
        from game.tui.screens.scene import SceneScreen

        yield SystemCommand("New game", "Start a new game (pick a role)", self.action_new_game)
        if self.state is not None:
            yield SystemCommand("Save game", "Save this game to a named slot", self.action_save)
            if self.state.history:
                yield SystemCommand("Undo", "Undo the last choice", self.action_undo)
        yield SystemCommand("Load game", "Load a saved game", self.action_load)
        if isinstance(self.main_screen, SceneScreen):
            yield SystemCommand(
                "History", "Show or hide the scenes and choices so far", self.action_history
            )
        if isinstance(self.main_screen, EndingScreen):
            yield SystemCommand(
                "Transcript", "Write a transcript of this game", self.main_screen.action_transcript
            )
        yield SystemCommand("Help", "The meters and the keys", self.action_help)
        yield SystemCommand("Title screen", "Back to the title screen", self.action_title)
        for command in super().get_system_commands(screen):
            if command.title in KEPT_SYSTEM_COMMANDS:  # not Keys, Maximize, Screenshot
                yield command


def make_app(story: Story, saves_dir: Path, **options: Any) -> GameApp:
    """The game's app, for the CLI, the tests and the web server alike (the options are
    GameApp's keyword arguments)."""
    return GameApp(story, saves_dir, **options)


def run_app(story: Story, saves_dir: Path, **options: Any) -> int:
    """Build the app with `make_app` (same options), run it, and return its exit code."""
    app = make_app(story, saves_dir, **options)
    app.run()
    session = app._session
    if (
        session is not None
        and session.state is not None
        and session.state.history
        and not session.autosave_off
        and not session.autosave_error
    ):
        print(
            f"Your game is saved in slot '{session.autosave_slot}' ({saves_dir}); "
            "choose Continue to resume it.",
            file=sys.stderr,
        )
    return app.return_code or 0
