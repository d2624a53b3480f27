"""Persistence: save files and where they live."""
