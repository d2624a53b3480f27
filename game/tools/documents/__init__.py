"""Documents: transcripts and class reports as Markdown or HTML, with SVG charts."""
