"""`mar-a-lago init DIR`: write a small working story, with comments, to start from."""

from __future__ import annotations

import argparse
import sys

from game.tools.starter import starter_files, story_id_for, title_for


def run_init(args: argparse.Namespace) -> int:
    folder = args.folder
    try:
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            what = "a folder with files in it" if folder.is_dir() else "a file"
            print(
                f"init: {folder} is {what}; give a new or empty folder, so nothing is overwritten",
                file=sys.stderr,
            )
            return 1
        name = folder.resolve().name
        story_id = args.story_id or story_id_for(name)
        from game.format.loader import ID

        if not ID.match(story_id):
            print(
                f"init: --id '{story_id}' is not an id; use a-z, 0-9 and _, starting with a letter",
                file=sys.stderr,
            )
            return 2
        folder.mkdir(parents=True, exist_ok=True)
        files = starter_files(str(folder), story_id, title_for(name))
        for file_name, text in files.items():
            (folder / file_name).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"init: cannot write to {folder} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"Wrote a small story to {folder}/: {', '.join(files)}.")
    print("Next:")
    print(f"  mar-a-lago check {folder}             # errors and warnings, as you edit")
    print(f"  mar-a-lago play {folder} --plain      # play it in line mode")
    print(f"  mar-a-lago play {folder} --watch      # play it, reloading as you edit")
    print("The tutorial: docs/writing-stories.md; every key: docs/story-format.md.")
    return 0
