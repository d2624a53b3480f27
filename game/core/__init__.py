"""The core: the frozen story model and the rules of play. Pure: no files, no UI."""
