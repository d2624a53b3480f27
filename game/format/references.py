"""The story format's references across files: gotos name scenes or endings, roles
start at scenes, scenes name roles, effects name meters, one ending is the fallback,
and no scene that can be entered is without choices. Each problem is located.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from game.core.model import Scene
from game.format.diagnostics import Problem
from game.format.shapes import Key, StoryFile, is_int, suggest
from game.format.tables import ShapeChecks


class References(ShapeChecks):
    """The checks that need every file: run as the model is made (`game.format.build`)."""

    def _check_story(self) -> None:
        """One file holds [story], and the story has a role."""
        if self.story_table is None:
            self.problems.append(
                Problem(
                    self.display_root or ".",
                    1,
                    "no file holds [story]; add one with id, title, version and format",
                )
            )
        elif not self.roles:
            sf = self.story_table[0]
            sf.problem(("story",), "the story has no role; add at least one [roles.<id>]")

    def _check_starts(self) -> None:
        """Each role starts at a scene."""
        for role_id, (f, role) in self.roles.items():
            if role.start not in self.scenes and not self.defined("scenes", role.start):
                f.problem(
                    ("roles", role_id, "start"),
                    f"start '{role.start}' names no scene{suggest(role.start, self.scenes)}",
                )

    def _check_fallback(self) -> None:
        """One ending has no `when`, so every game can end."""
        if any(t.get("when") is None for _, t in self.endings.values()):
            return
        if self.endings:
            first = next(iter(self.endings.values()))[0]
            first.problem(
                ("endings",),
                "no fallback ending: give one ending no `when`, so every game can end",
            )
        else:
            self.problems.append(
                Problem(
                    self.display_root or ".",
                    1,
                    "the story has no ending; add an [endings.<id>] without `when` as the fallback",
                )
            )

    def _check_roles(self, f: StoryFile, roles: list[str], path: Key) -> None:
        """A scene's `roles` name roles of the story."""
        for i, role in enumerate(roles):
            if role not in self.roles and not self.defined("roles", role):
                f.problem(
                    (*path, "roles", i), f"role '{role}' does not exist{suggest(role, self.roles)}"
                )

    def _effects(self, f: StoryFile, table: dict[str, Any], path: Key) -> dict[str, int]:
        """A choice's `effects`: the meters they name exist, and each delta is an integer."""
        effects: dict[str, int] = {}
        meters = self.meters
        for meter, delta in table.items():
            if meter not in meters:
                if not self.defined("meters", meter):
                    f.problem(
                        (*path, "effects", meter),
                        f"effects name unknown meter '{meter}'{suggest(meter, meters)}; "
                        f"meters: {', '.join(meters) or 'none defined'}",
                    )
            elif not is_int(delta):
                f.problem((*path, "effects", meter), f"effect on '{meter}' must be an integer")
            else:
                m = meters[meter][1]
                if abs(delta) > m.max - m.min:
                    span = m.max - m.min
                    f.problem(
                        (*path, "effects", meter),
                        f"effect {delta:+d} on '{meter}' is beyond its whole range "
                        f"{m.min}..{m.max}; a choice can move it by {span} at the most",
                    )
                effects[meter] = delta
        return effects

    def _check_entered(self, scenes: Mapping[str, Scene | None], gotos: set[str]) -> None:
        """No scene that a role starts at, or `gotos` (every choice's and route's) name,
        is without choices."""
        entered = {role.start for _, role in self.roles.values()} | gotos
        for scene_id, scene in scenes.items():
            if (
                scene is not None
                and not scene.choices  # (quick: none built when none are written)
                and not self.scenes[scene_id][1].get("choices")
                and scene_id in entered
            ):
                f, _ = self.scenes[scene_id]
                f.problem(
                    ("scenes", scene_id),
                    'has no choices but can be entered; add a choice (goto = "end" ends the game)',
                )

    def _goto(self, f: StoryFile, goto: str, path: Key) -> None:
        if goto == "end":
            return
        if goto.startswith("end:"):
            ending = goto[4:]
            if ending not in self.endings and not self.defined("endings", ending):
                f.problem(
                    path,
                    f"goto '{goto}' names no ending{suggest(ending, self.endings)}; "
                    f"endings: {', '.join(self.endings) or 'none'}",
                )
        elif goto not in self.scenes and not self.defined("scenes", goto):
            hint = suggest(goto, self.scenes)
            if goto in self.endings:
                hint = f' (to end the game there, write goto = "end:{goto}")'
            f.problem(path, f"goto '{goto}' names no scene or ending{hint}")
