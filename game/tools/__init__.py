"""Tools for authors and teachers. They return data; they never print or parse arguments."""
