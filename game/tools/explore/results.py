"""What the explorer finds, per role: the answers `explore` and `check` give."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

Step = tuple[str, str]  # (scene id, choice id)
Path = tuple[Step, ...]
Progress = Callable[[int, float], None]


@attrs.frozen
class DeadEnd:
    """A scene entered with no open choice: the engine ends the game there by rank."""

    scene: str
    states: int  # distinct states that enter it so
    ending: str  # where the first (shortest) of them ends
    path: Path  # the choices that reach it; () with `stuck`: the role's start itself
    stuck: bool = False  # the start scene with nothing open: the game cannot go on


@attrs.frozen
class Trap:
    """States at a scene from which no ending can be reached (a cycle with no way out)."""

    scene: str
    states: int
    path: Path  # the shortest way into the first of them


@attrs.frozen
class RoleReport:
    role: str
    states: int
    complete: bool  # False: stopped at max_states; what is listed is what was covered
    endings: Mapping[str, Path | None]  # the shortest witness, or None if never reached
    reached_scenes: frozenset[str]
    unreachable_scenes: tuple[str, ...]  # scenes open to this role that it never sees
    unreachable_choices: tuple[Step, ...]  # choices of reached scenes never open
    dead_ends: tuple[DeadEnd, ...]
    traps: tuple[Trap, ...] | None  # None when the search was not complete
    meter_ranges: Mapping[str, Mapping[str, tuple[int, int]]]  # scene -> meter -> (lo, hi)
    wrong_role_scenes: tuple[str, ...]  # reached, though the scene's `roles` leaves us out
    seconds: float

    @property
    def unreachable_endings(self) -> tuple[str, ...]:
        return tuple(e for e, path in self.endings.items() if path is None)
