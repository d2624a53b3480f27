"""Screens of the game: title, role, scene, ending, and the help, save and load dialogs."""
