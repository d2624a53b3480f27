"""Widgets of the game: story text, meters, choices, history and charts."""
