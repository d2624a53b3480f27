"""The title screen: the story's title, subtitle, source and intro, then the main menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.core.model import Story
from game.tui.screens.base import GameScreen
from game.tui.widgets.story_text import StoryText

if TYPE_CHECKING:
    from game.persist.saves import SlotInfo


def slot_summary(story: Story, info: SlotInfo) -> str:
    """'<role> · <scene or ending> · 2 choices': who, where, how far."""
    save = info.save
    if save is None:
        return info.name
    role = story.roles[save.role].label if save.role in story.roles else save.role
    if save.summary.ending is not None:
        ending = story.endings.get(save.summary.ending)
        where = "Ending: " + (ending.title if ending is not None else save.summary.ending)
    else:
        scene = story.scenes.get(save.summary.scene or "")
        where = scene.title if scene is not None else str(save.summary.scene)
    steps = save.summary.steps
    return f"{role} · {where} · {steps} choice{'' if steps == 1 else 's'}"


class TitleScreen(GameScreen[None]):
    """Start here: New game, Continue, Load, Quit (Continue highlighted when there is a
    game to continue)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_game", "New game"),
        Binding("c", "app.continue_game", "Continue"),
        Binding("l", "app.load", "Load"),
        Binding("p", "app.partner", "Partner", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    #: focus the menu at once (not the scrolling page first, then the menu)
    AUTO_FOCUS = "#menu"

    def __init__(
        self,
        story: Story,
        newest: SlotInfo | None = None,
        *,
        find_newest: Callable[[], SlotInfo | None] | None = None,
    ) -> None:
        """`newest` is the save Continue resumes; or `find_newest` looks for it after the
        first frame (reading the saves should not hold up the first sight of the game)."""
        super().__init__()
        self.story = story
        self.newest = newest
        self.find_newest = find_newest
        #: the player moved in the menu: a save found later does not move the highlight
        self.menu_moved = False

    def compose(self) -> ComposeResult:
        # no Header here: the screen is the title, and the Header widget costs its
        # first frame ~80 ms of start-up (benchmarks/run.py --only startup)
        with Vertical(id="title-column"):
            with VerticalScroll(id="title-page"):
                yield Static(id="story-title")
                yield Static(id="story-subtitle")
                yield Static(id="story-source")
                yield StoryText(id="story-intro")
            with Center(id="menu-row"):
                yield OptionList(id="menu")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.story, self.newest)
        self.query_one("#menu", OptionList).focus()
        if self.find_newest is not None:
            self.call_after_refresh(self.found_newest)
        self.mark_ready()

    def found_newest(self) -> None:
        find, self.find_newest = self.find_newest, None
        if find is not None:
            self.show(self.story, find())

    def show(self, story: Story, newest: SlotInfo | None) -> None:
        """Show `story` (again, after a reload) and the save that Continue resumes."""
        self.story, self.newest = story, newest
        looking = self.find_newest is not None  # for the save (after the first frame)
        self.title = story.title
        self.sub_title = ""
        self.query_one("#story-title", Static).update(Content(story.title))
        for widget_id, text in (
            ("#story-subtitle", story.subtitle),
            ("#story-source", f"Source: {story.source}" if story.source else ""),
        ):
            widget = self.query_one(widget_id, Static)
            widget.update(Content(text))
            widget.display = bool(text)
        intro = self.query_one("#story-intro", StoryText)
        intro.show([story.intro])
        intro.display = bool(story.intro.strip())
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        if not self.menu_moved:
            highlighted = self.menu_default  # Continue: a game in progress, one Enter away
        menu.clear_options()
        if newest is not None:
            resume = Content.assemble(
                "Continue    ", Content.styled(slot_summary(story, newest), "dim")
            )
        elif looking:
            resume = Content.assemble("Continue    ", Content.styled("…", "dim"))
        else:
            resume = Content.assemble("Continue    ", Content.styled("no saved game yet", "dim"))
        menu.add_options(
            [
                Option(Content("New game"), id="new_game"),
                Option(resume, id="continue_game", disabled=newest is None),
                Option(Content("Load a saved game"), id="load"),
                *(
                    [Option(Content("Play with a partner"), id="partner")]
                    if story.duo is not None
                    else []
                ),
                Option(Content("Quit"), id="quit"),
            ]
        )
        menu.highlighted = highlighted if highlighted is not None else 0

    @on(OptionList.OptionHighlighted, "#menu")
    def moved(self, event: OptionList.OptionHighlighted) -> None:
        if self.ready and event.option_index != self.menu_default:
            self.menu_moved = True

    @property
    def menu_default(self) -> int:
        """Continue when the newest save is a game still in progress, else New game."""
        save = self.newest.save if self.newest is not None else None
        return 1 if save is not None and save.summary.ending is None else 0

    @on(OptionList.OptionSelected, "#menu")
    async def pick(self, event: OptionList.OptionSelected) -> None:
        if self.ready:
            await self.run_action(f"app.{event.option.id}")
