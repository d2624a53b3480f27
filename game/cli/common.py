"""What the commands share: loading a story with its problems on stderr, `--role`,
the saves folder, and writing a document to stdout or a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.core.model import Story


#: stories loaded ahead (`preload`), by folder: the files' fingerprint and the story
_preloaded: dict[Path, tuple[object, Story]] = {}


def preload(folder: Path | None) -> Story | None:
    """Load the story now (the server's zygote, before it forks games): a later
    `load_or_report` of the same unchanged folder gives this story back at once."""
    from game.format.watch import fingerprint
    from game.persist.locations import shipped_story_dir

    where = folder if folder is not None else shipped_story_dir()
    story = load_or_report(folder)
    if story is not None:
        _preloaded[where] = (fingerprint(where), story)
    return story


def load_or_report(folder: Path | None) -> Story | None:
    """The story, or None after printing every problem to stderr. The story comes back
    without control characters in its text (`check` says where they were)."""
    from game.core.text import clean, shown
    from game.format.cache import check_story  # the loader's, with a parse cache for big stories
    from game.persist.locations import shipped_story_dir

    where = folder if folder is not None else shipped_story_dir()
    if where in _preloaded:
        from game.format.watch import fingerprint

        seen, ready = _preloaded[where]
        if fingerprint(where) == seen:
            return ready
    story, problems = check_story(where)
    for problem in problems:
        print(shown(str(problem)), file=sys.stderr)
    if story is None:
        print(f"{len(problems)} problem(s); the story cannot be played.", file=sys.stderr)
        return None
    return clean(story)


def role_exists(story: Story, role: str | None) -> bool:
    """True for no role or a role of the story; else says which roles there are."""
    if role is None or role in story.roles:
        return True
    from game.core.text import shown

    print(shown(f"--role: no role '{role}'; roles: {', '.join(story.roles)}"), file=sys.stderr)
    return False


def saves_dir(args: argparse.Namespace) -> Path:
    from game.persist.locations import default_saves_dir

    return args.saves_dir if args.saves_dir is not None else default_saves_dir()


def deliver(text: str, output: Path | None, what: str) -> int:
    """Print a rendered document, or write it to `output` (making its folder); the exit
    code, with a message on stderr when the file cannot be written. Control characters
    are left out: no document holds one, and a terminal would act on them."""
    from game.core.text import shown

    text = shown(text)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(
            shown(f"Cannot write the {what} to {output} ({exc.strerror or exc})"),
            file=sys.stderr,
        )
        return 1
    return 0
