"""`mar-a-lago check`: errors, statistics and warnings of a story.

By default it loads the story and runs the checks that need no search (fast: about
the time of parsing the files); `--deep` also searches every state and plays random
games (who reaches what, dead ends, states with no way out, reading time). Many
warnings of one kind come as one line unless `--all`; `--format json` gives every
diagnostic as data, for editors and CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from game.core.model import Story
from game.core.text import shown
from game.format.controls import control_problems
from game.format.loader import Problem
from game.persist.locations import shipped_story_dir
from game.tools.static import StoryWarning, grouped


def _warnings(
    story: Story, folder: Path, deep: bool, out: TextIO | None
) -> tuple[list[StoryWarning], bool]:
    """The warnings (and whether they cover every state); prints the statistics to `out`."""
    if deep:
        from game.tools import stats

        checked = stats.check(story, folder)
        warnings = [
            w if isinstance(w, StoryWarning) else StoryWarning(w.path, w.line, w.message)
            for w in checked.warnings
        ]
        if out is not None:
            print(shown(stats.stats_text(checked.stats)), file=out)
            if not checked.complete:
                print(
                    f"Note: the search stopped at {checked.max_states:,} states per role; "
                    "run `mar-a-lago explore --max-states N` for the whole of it.",
                    file=out,
                )
        complete = checked.complete
        if story.duo is not None:  # the duo summit: every joint state
            from game.tools.explore.duo import explore_duo
            from game.tools.explore.duo_report import duo_summary, duo_warnings, one_player_only

            together = explore_duo(story)
            warnings = one_player_only(warnings, together) + duo_warnings(story, together)
            if out is not None:
                print(shown(duo_summary(story, together)), file=out)
            complete = complete and together.complete
    else:
        from game.tools.static import quick_check, quick_stats_text

        warnings, quick = quick_check(story, folder)  # control characters included
        if out is not None:
            print(shown(quick_stats_text(quick)), file=out)
        return warnings, True
    for p in control_problems(folder):
        warnings.append(StoryWarning(p.path, p.line, p.message, "control-character"))
    return sorted(set(warnings)), complete


def run_check(
    story: Story,
    folder: Path,
    *,
    strict: bool = False,
    deep: bool = False,
    every: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the statistics and the warnings; 1 with `strict` if there are warnings."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    warnings, _ = _warnings(story, folder, deep, out)
    for warning in warnings if every else grouped(warnings):
        print(shown(str(warning)), file=err)
    if warnings and strict:
        print(f"{len(warnings)} warning(s), and --strict makes them errors.", file=err)
        return 1
    return 0


def _diagnostic(item: Problem | StoryWarning, severity: str) -> dict[str, Any]:
    from game.format.codes import code_of

    code = code_of(item) if isinstance(item, Problem) else item.code or "warning"
    return {
        "file": item.path,
        "line": item.line,
        "column": item.column,
        "severity": severity,
        "code": code,
        "message": item.message,
    }


def json_report(
    story: Story | None, problems: list[Problem], folder: Path, *, strict: bool, deep: bool
) -> tuple[dict[str, Any], int]:
    """The `--format json` object and the exit code."""
    diagnostics = [_diagnostic(p, "error") for p in problems]
    warnings: list[StoryWarning] = []
    if story is not None:
        warnings, _ = _warnings(story, folder, deep, None)
        diagnostics += [_diagnostic(w, "warning") for w in warnings]
    failed = story is None or (strict and bool(warnings))
    report = {
        "story": (
            None
            if story is None
            else {"id": story.id, "title": story.title, "version": story.version}
        ),
        "ok": not failed,
        "diagnostics": diagnostics,
    }
    return report, 1 if failed else 0


def cmd_check(args: argparse.Namespace) -> int:
    # the loader itself, not the parse cache: an author checks a story just edited (a
    # miss every time), and writing the cache would cost more than the check
    from game.format.loader import check_story

    folder = args.story if args.story is not None else shipped_story_dir()
    story, problems = check_story(folder)
    deep = getattr(args, "deep", False)
    if getattr(args, "format", "text") == "json":
        report, status = json_report(story, problems, folder, strict=args.strict, deep=deep)
        import json  # only here: the text report needs none of it

        print(json.dumps(report, indent=2, ensure_ascii=False))
        return status
    for problem in problems:
        print(shown(str(problem)), file=sys.stderr)
    if story is None:
        print(f"{len(problems)} problem(s); the story cannot be played.", file=sys.stderr)
        return 1
    print(
        shown(
            f"OK: '{story.title}' ({story.id} v{story.version}): {len(story.scenes)} scenes, "
            f"{story.choice_count} choices, {len(story.endings)} endings, {len(story.roles)} roles"
        )
    )
    return run_check(
        story, folder, strict=args.strict, deep=deep, every=getattr(args, "all", False)
    )
