"""Line mode in a class: who plays (and the code that rejoins the game), the teacher's
news as a news flash, and the class clock (paused, minutes left, time up)."""

from __future__ import annotations

import math
from typing import Protocol

from game.core.model import Story
from game.core.text import meter_line
from game.persist.classstore import Clock
from game.session.session import GameSession, Moved


class Lines(Protocol):
    """What these lines need of the line mode (`PlainGame`)."""

    session: GameSession
    story: Story

    def say(self, text: str = "") -> None: ...

    def tell(self, text: str, indent: str = "", hanging: str | None = None) -> None: ...


RULE = "*" * 60


def clock_words(clock: Clock) -> str:
    """'The teacher has paused the game.', '10 minutes left.', 'Time is up: ...', or ""."""
    if clock.paused:
        return "The teacher has paused the game: wait for them to resume it."
    if clock.remaining is None:
        return ""
    if clock.remaining <= 0:
        return "Time is up: this is your final choice."
    minutes = math.ceil(clock.remaining / 60)
    return "1 minute left." if minutes == 1 else f"{minutes} minutes left."


class ClassLines:
    """The class's lines of a `PlainGame`."""

    def __init__(self, game: Lines) -> None:
        self.game = game
        self.last_clock = ""

    def who(self) -> None:
        """Once a game begins: who plays it and its code (a player with a name only)."""
        session = self.game.session
        if not session.player.name:
            return
        team = f", team {session.player.team}" if session.player.team else ""
        self.game.tell(
            f"Playing as {session.player.name}{team}. Your game's code is {session.code}; "
            f"it is saved in slot '{session.autosave_slot}'."
        )

    def clock(self) -> None:
        """Before a prompt: the class clock, when it says something new."""
        words = clock_words(self.game.session.clock())
        if words and words != self.last_clock:
            self.game.say()
            self.game.tell(f"[Class clock] {words}")
        self.last_clock = words

    def news(self, moved: Moved) -> None:
        """After a move: each piece of news that came with it, as a news flash; and the
        end of the game when the time was up."""
        game, story = self.game, self.game.story
        before = moved.before_news
        for inject in moved.news:
            game.say()
            game.say(RULE)
            game.tell(f"NEWS FLASH: {inject.title}")
            game.say(RULE)
            game.tell(inject.text)
            if inject.source:
                game.tell(f"(Sources: {', '.join(inject.source)})")
        if moved.news and before is not None:
            game.tell(
                "Meters after the news: " + meter_line(story, moved.state.meters, before.meters),
                "",
                "  ",
            )
        if moved.closed:
            game.say()
            game.tell("[Class clock] Time is up: that was your final choice.")
