"""The server's defaults, apart from the server itself: the command line reads them
to describe `serve`'s options without importing aiohttp or textual-serve."""

from __future__ import annotations

#: games at once unless `--max-games` says otherwise: a class and its refreshed tabs
DEFAULT_MAX_GAMES = 40
#: each game's address space, in MB, unless `--game-memory` says otherwise
DEFAULT_GAME_MEMORY_MB = 1024
#: games started ahead, waiting for a tab, unless `--ready-games` (or the environment
#: variable READY_GAMES_VARIABLE) says otherwise: a class (they hold the memory the
#: class will use anyway once it plays)
DEFAULT_READY_GAMES = 30
READY_GAMES_VARIABLE = "MAR_A_LAGO_READY_GAMES"
