"""The Textual game: an app factory (`make_app`), its screens, widgets and one stylesheet.

The TUI is a thin view over the engine: the game state is a `GameState` held by the
app, and every rule of the game is the engine's. Story text is never read as markup.
"""
