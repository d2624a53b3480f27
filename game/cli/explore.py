"""`mar-a-lago explore`: every state searched, or random games, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from game.cli.common import load_or_report
from game.tools.explore.analysis import (
    Progress,
    explore_all,
    explore_json,
    explore_text,
    random_json,
    random_play,
    random_text,
)
from game.tools.explore.asserts import check_all_asserts
from game.tools.explore.workers import available


def _progress_printer() -> Progress | None:
    if not sys.stderr.isatty():
        return None

    def show(states: int, seconds: float) -> None:
        rate = states / seconds if seconds else 0.0
        print(f"\r  {states:,} states, {rate:,.0f}/s ...", end="", file=sys.stderr, flush=True)

    return show


def run_explore(args: argparse.Namespace) -> int:

    story = load_or_report(args.story)
    if story is None:
        return 1
    roles = list(story.roles)
    if args.role is not None:
        if args.role not in story.roles:
            print(f"--role: no role '{args.role}'; roles: {', '.join(roles)}", file=sys.stderr)
            return 2
        roles = [args.role]
    if args.random is not None:
        if args.random < 1:
            print("--random: give a number of games, 1 or more", file=sys.stderr)
            return 2
        played = {r: random_play(story, r, args.random, args.seed) for r in roles}
        if args.json:
            print(json.dumps(random_json(played, args.seed), indent=2))
        else:
            print(random_text(story, played, args.seed))
        return 0
    progress = _progress_printer()
    reports = explore_all(
        story, roles, max_states=args.max_states, progress=progress, workers=available()
    )
    if progress is not None:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    checked = check_all_asserts(story, roles, max_states=args.max_states)
    together = None  # the duo summit, both sides at once (not with --role)
    if story.duo is not None and args.role is None:
        from game.tools.explore.duo import explore_duo
        from game.tools.explore.duo_report import duo_json, duo_text

        together = explore_duo(story, max_states=args.max_states, progress=progress)
        if progress is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.json:
        data = explore_json(story, reports, args.max_states, checked)
        if together is not None:
            data["duo"] = duo_json(together)
        print(json.dumps(data, indent=2))
    else:
        print(explore_text(story, reports, args.max_states, checked))
        if together is not None:
            print()
            print(duo_text(story, together))
    if not all(r.complete for r in reports.values()) or (together and not together.complete):
        print(
            f"The search stopped at --max-states {args.max_states:,}; raise it to search further.",
            file=sys.stderr,
        )
    return 0
