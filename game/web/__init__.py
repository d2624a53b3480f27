"""The web server: the game in browsers, through textual-serve."""
