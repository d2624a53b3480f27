"""`mar-a-lago check`: errors, statistics and warnings of a story."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from game.cli.common import load_or_report
from game.core.model import Story
from game.core.text import shown
from game.format.controls import control_problems
from game.persist.locations import shipped_story_dir
from game.tools import stats
from game.tools.stats import stats_text


def run_check(
    story: Story,
    folder: Path,
    *,
    strict: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the statistics and the warnings; 1 with `strict` if there are warnings."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    checked = stats.check(story, folder)
    warnings = [*map(str, checked.warnings), *map(str, control_problems(folder))]
    print(shown(stats_text(checked.stats)), file=out)
    if not checked.complete:
        print(
            f"Note: the search stopped at {checked.max_states:,} states per role; "
            "run `mar-a-lago explore --max-states N` for the whole of it.",
            file=out,
        )
    for warning in warnings:
        print(shown(warning), file=err)
    if warnings and strict:
        print(f"{len(warnings)} warning(s), and --strict makes them errors.", file=err)
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    story = load_or_report(args.story)
    if story is None:
        return 1
    print(
        shown(
            f"OK: '{story.title}' ({story.id} v{story.version}): {len(story.scenes)} scenes, "
            f"{story.choice_count} choices, {len(story.endings)} endings, {len(story.roles)} roles"
        )
    )
    folder = args.story if args.story is not None else shipped_story_dir()
    return run_check(story, folder, strict=args.strict)
