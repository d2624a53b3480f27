"""What authors ask of a story: every state searched, and random playthroughs.

The explorer in one import, for the author commands and the tests. Its parts, each a
module of `game.tools.explore`:

- `compiled`: the story compiled to ints (a state is one int) and predicates;
- `search`: one role's breadth-first search over those ints;
- `findings`: the search's arrays turned into answers; `explore`, `explore_all`;
- `results`: the answers (`RoleReport`, `DeadEnd`, `Trap`) and the path types;
- `random_play`: random games through the engine;
- `asserts`: the story's `asserts`, tested in every reachable state;
- `formatting`: all of it as text and as JSON.

The warnings and statistics of `check` built on this are in `game.tools.stats`.
"""

from __future__ import annotations

from game.tools.explore.compiled import MEMO_CAP, Compiled, condition_flags, tested_conditions
from game.tools.explore.findings import Outcome, explore, explore_all, successors
from game.tools.explore.formatting import explore_json, explore_text, random_json, random_text
from game.tools.explore.random_play import MAX_RANDOM_STEPS, RandomReport, random_play, words
from game.tools.explore.results import DeadEnd, Path, Progress, RoleReport, Step, Trap
from game.tools.explore.search import Search

__all__ = [
    "MAX_RANDOM_STEPS",
    "MEMO_CAP",
    "Compiled",
    "DeadEnd",
    "Outcome",
    "Path",
    "Progress",
    "RandomReport",
    "RoleReport",
    "Search",
    "Step",
    "Trap",
    "condition_flags",
    "explore",
    "explore_all",
    "explore_json",
    "explore_text",
    "random_json",
    "random_play",
    "random_text",
    "successors",
    "tested_conditions",
    "words",
]
