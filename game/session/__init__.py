"""The session: one game in progress, driven alike by every front end."""
