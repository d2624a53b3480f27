"""The teacher's console, `mar-a-lago teach DIR`: every game of the class folder as it is
played, refreshed every second from the class store, with keys to send news, pause and
resume every game, and give a time limit. Duo rooms have a table of their own (each
side's player, the round, whose move is awaited, the ending: `game.teach.duorooms`);
pause holds them, news and the time limit do not reach them, and the console says so.

It reads and writes the store only (never a save), so it runs beside `serve` or beside
students' terminals, and can itself be served to a projector.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.core.model import Story
from game.persist.classkeep import keep_open
from game.persist.classstore import ClassStore, Clock, Event, GameRecord, Room, StoreError
from game.teach import duorooms
from game.teach.roster import COLUMNS, SORT_KEYS, clock_text, ending_counts, rows

#: seconds between two looks at the class store (the issue asks for 2 s at most)
REFRESH = 1.0
#: the events the console keeps on screen
EVENTS_SHOWN = 4


class InjectScreen(ModalScreen[tuple[str, str] | None]):
    """Pick the news to send to every running one-player game (duo rooms take none)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                "Send news to every running one-player game (Enter). Duo rooms do not "
                "take news: their games go on without it."
            )
            options = []
            for inject in self.story.injects.values():
                roles = (
                    " (" + ", ".join(self.story.roles[r].label for r in inject.roles) + ")"
                    if inject.roles
                    else ""
                )
                options.append(Option(Content(inject.title + roles), id=inject.id))
            yield OptionList(*options, id="injects")

    def on_mount(self) -> None:
        self.query_one("#injects", OptionList).focus()

    @on(OptionList.OptionSelected, "#injects")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((str(event.option.id), ""))


class LimitScreen(ModalScreen[float | None]):
    """Ask for a time limit in minutes ("" or 0: none)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                "Minutes left for every one-player game (0 or empty: no time limit), then "
                "Enter. Duo rooms have no time limit: they play on to their ending."
            )
            yield Input(placeholder="e.g. 10", id="minutes")
            yield Static("", id="problem")

    def on_mount(self) -> None:
        self.query_one("#minutes", Input).focus()

    @on(Input.Submitted, "#minutes")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip() or "0"
        try:
            minutes = float(text)
        except ValueError:
            minutes = -1.0
        if not 0 <= minutes <= 24 * 60:
            self.query_one("#problem", Static).update(
                Content(f"'{text}' is not a number of minutes (0 to 1440).")
            )
            return
        self.dismiss(minutes)


class TeachApp(App[int]):
    """The live view of a class folder."""

    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #games { height: 1fr; }
    #rooms-title { height: auto; padding: 0 1; border-top: solid $primary; }
    #rooms { height: auto; max-height: 10; }
    #endings { height: auto; max-height: 6; padding: 0 1; border-top: solid $primary; }
    #events { height: auto; max-height: 5; padding: 0 1; color: $text-muted; }
    InjectScreen, LimitScreen { align: center middle; }
    #dialog { width: 72; height: auto; max-height: 80%; padding: 1 2;
              border: thick $primary; background: $surface; }
    #dialog OptionList { height: auto; max-height: 14; }
    #dialog Label { width: 100%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "inject", "Send news"),
        Binding("p", "pause", "Pause/resume"),
        Binding("t", "time_limit", "Time limit"),
        Binding("s", "sort", "Sort"),
        Binding("r", "reverse", "Reverse"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, folder: Path, story: Story | None = None) -> None:
        super().__init__()
        self.theme = "textual-dark"
        self.folder = folder
        self.story = story
        self.store: ClassStore | None = None
        #: held open so each look at the store closes cheaply (`classkeep`)
        self.keeper: sqlite3.Connection | None = None
        self.sort_by = "last"
        self.reverse = False
        self.games: list[GameRecord] = []
        self.rooms: list[Room] = []
        self.room_lines: list[duorooms.RoomLine] = []
        self.rebuilt = duorooms.Rebuilt()
        self.room_columns: tuple[tuple[str, str], ...] = ()
        self.clock = Clock()
        self.events: list[Event] = []
        self.last_event = 0
        self.problem = ""
        self.title = "Class console"
        self.sub_title = str(folder)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status")
        yield DataTable(id="games", cursor_type="row", zebra_stripes=True)
        yield Static(id="rooms-title")
        yield DataTable(id="rooms", cursor_type="row", zebra_stripes=True)
        yield Static(id="endings")
        yield Static(id="events")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#games", DataTable)
        for key, header in COLUMNS:
            table.add_column(header, key=key)
        self.refresh_class()
        self.set_interval(REFRESH, self.refresh_class)
        table.focus()

    # -- reading the store ----------------------------------------------------------

    def open_store(self) -> ClassStore | None:
        if self.store is None:
            try:
                self.store = ClassStore.open(self.folder)
                self.keeper = keep_open(self.store)
            except StoreError as exc:
                self.problem = str(exc)
                return None
        return self.store

    def refresh_class(self) -> None:
        """Read the games, the clock and new events; show them."""
        store = self.open_store()
        if store is not None:
            try:
                self.games = store.games()
                self.rooms = store.rooms()
                self.clock = store.clock()
                new = store.events_since(self.last_event)
                self.problem = ""
            except StoreError as exc:
                self.problem = str(exc)
                new = []
            if new:
                self.last_event = new[-1].seq
                self.events = (self.events + new)[-EVENTS_SHOWN:]
        self.show()

    def show(self) -> None:
        now = time.time()
        self.room_lines = duorooms.room_lines(self.story, self.rooms, self.games, now, self.rebuilt)
        games = duorooms.one_player(self.games, self.rooms)
        table = self.query_one("#games", DataTable)
        selected = None
        if table.row_count and table.cursor_row is not None:
            try:
                selected = table.coordinate_to_cell_key(
                    Coordinate(table.cursor_row, 0)
                ).row_key.value
            except Exception:  # the table changed under the cursor: no row to keep
                selected = None
        table.clear()
        shown = rows(self.story, games, now, self.sort_by, self.reverse)
        for line in shown:
            table.add_row(*line.cells, key=line.game_id)
        if selected is not None:
            keys = [line.game_id for line in shown]
            if selected in keys:
                table.move_cursor(row=keys.index(selected), animate=False)
        self.show_rooms(now)
        finished = sum(1 for g in games if g.finished)
        header = next(h for k, h in COLUMNS if k == self.sort_by)
        duo = duorooms.status_text(self.room_lines)
        status = (
            f"{len(games)} game(s): {len(games) - finished} playing, "
            f"{finished} finished  ·  {duo + '  ·  ' if duo else ''}"
            f"Clock: {clock_text(self.clock)}  ·  "
            f"sorted by {header}{' (reversed)' if self.reverse else ''}"
        )
        if self.problem:
            status += f"\nProblem: {self.problem}"
        self.query_one("#status", Static).update(Content(status))
        counts = ending_counts(self.story, games)
        if self.room_lines:
            counts.append(("Duo summits", duorooms.ending_count(self.story, self.room_lines)))
        endings = "\n".join(f"{label}: {text}" for label, text in counts)
        self.query_one("#endings", Static).update(
            Content("Endings so far\n" + (endings or "no game yet"))
        )
        events = "\n".join(
            f"{time.strftime('%H:%M:%S', time.localtime(e.at))} {e.kind}: {e.message}"
            for e in self.events
        )
        self.query_one("#events", Static).update(Content(events))

    def show_rooms(self, now: float) -> None:
        """The duo rooms' table (hidden while the class has none)."""
        table = self.query_one("#rooms", DataTable)
        title = self.query_one("#rooms-title", Static)
        lines = self.room_lines
        table.display = title.display = bool(lines)
        if not lines:
            return
        wanted = duorooms.columns(self.story, self.rooms)
        if wanted != self.room_columns:
            table.clear(columns=True)
            for key, header in wanted:
                table.add_column(header, key=key)
            self.room_columns = wanted
        cursor = table.cursor_row
        table.clear()
        for line in lines:
            table.add_row(*duorooms.cells(self.story, line, now), key=line.code)
        if lines and cursor is not None:
            table.move_cursor(row=min(cursor, len(lines) - 1), animate=False)
        title.update(
            Content(
                f"Duo rooms ({len(lines)}): each side's player, the round, whose move is "
                f"awaited. {duorooms.RULES}"
            )
        )

    # -- the teacher's keys -----------------------------------------------------------

    def action_sort(self) -> None:
        index = (SORT_KEYS.index(self.sort_by) + 1) % len(SORT_KEYS)
        self.sort_by = SORT_KEYS[index]
        self.show()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.show()

    @on(DataTable.HeaderSelected)
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_by:
            self.reverse = not self.reverse
        else:
            self.sort_by, self.reverse = key, False
        self.show()

    def action_inject(self) -> None:
        if self.story is None or not self.story.injects:
            self.notify("The story has no news to send ([injects.*]).", severity="warning")
            return

        def picked(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self.send_inject(*choice)

        self.push_screen(InjectScreen(self.story), picked)

    def send_inject(self, inject_id: str, room: str = "") -> None:
        store = self.open_store()
        if store is None or self.story is None:
            self.notify(f"Not sent: {self.problem}", severity="error", markup=False)
            return
        try:
            store.send_inject(inject_id, room)
        except StoreError as exc:
            self.notify(f"Not sent: {exc}", severity="error", markup=False)
            return
        where = f"room {room}" if room else "every running game"
        title = self.story.injects[inject_id].title
        left_out = duorooms.not_reached(self.room_lines, "news")
        self.notify(f"Sent '{title}' to {where}. {left_out}".strip(), markup=False)
        self.refresh_class()

    def action_pause(self) -> None:
        store = self.open_store()
        if store is None:
            self.notify(self.problem, severity="error", markup=False)
            return
        try:
            clock = store.resume() if store.clock().paused else store.pause()
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(
            "Every game is paused, duo rooms too." if clock.paused else "Every game goes on."
        )
        self.refresh_class()

    def action_time_limit(self) -> None:
        def given(minutes: float | None) -> None:
            if minutes is not None:
                self.set_limit(minutes)

        self.push_screen(LimitScreen(), given)

    def set_limit(self, minutes: float) -> None:
        store = self.open_store()
        if store is None:
            self.notify(self.problem, severity="error", markup=False)
            return
        try:
            store.set_time_limit(minutes * 60 if minutes > 0 else None)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        said = f"{minutes:g} minutes left for every game." if minutes > 0 else "No time limit."
        left_out = duorooms.not_reached(self.room_lines, "clock") if minutes > 0 else ""
        self.notify(f"{said} {left_out}".strip(), markup=False)
        self.refresh_class()


def run_console(folder: Path, story: Story | None) -> int:
    app = TeachApp(folder, story)
    app.run()
    return app.return_code or 0
