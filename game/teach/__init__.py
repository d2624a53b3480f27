"""The teacher's console: a live view of a class folder (Textual)."""
