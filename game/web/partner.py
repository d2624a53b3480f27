"""Play with a partner, in the browser: what `serve` tells the teacher about duo games.

Every browser tab runs its own `mar-a-lago play` process (textual-serve), so a duo game
in the browser is two tabs, one per side, meeting in a room of the class store in the
served saves folder: the title screen's "Play with a partner" (game.tui.screens.partner)
offers a fresh short room code to share, or takes the partner's code. Nothing here
runs per tab; this module only says how it works, for the banner of `serve`.
"""

from __future__ import annotations

from game.core.model import Story


def partner_lines(story: Story, role: str | None = None) -> list[str]:
    """The lines `serve` prints about duo games ([] for a story without a duo summit, or
    when `--role` fixes one role for every player)."""
    if story.duo is None or role is not None:
        return []
    sides = " and ".join(story.roles[r].label for r in story.duo.roles)
    return [
        f"Duo summit ({sides}): two students play one game, each in their own tab: each "
        "chooses 'Play with a partner' on the title screen; one keeps the room code shown "
        "and tells it to the other, who types it; each takes a side.",
    ]
