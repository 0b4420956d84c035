"""`ownit import git-ai [--ref REF] [--json]` (a kind of the `import` verb): git-ai's
authorship notes become regions (see ownit.agents.git_ai_import)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ownit.exits import EXIT_OK, UsageError

DEFAULT_REF = "refs/notes/ai"


def add_kind(kinds: Any) -> None:
    parser = kinds.add_parser(
        "git-ai",
        help=f"git-ai's authorship notes ({DEFAULT_REF})",
        description=(
            "Turn the AI-written lines that git-ai's notes record for the commits of HEAD's"
            " history into ownit regions, where those lines are unchanged in the working tree."
        ),
    )
    parser.add_argument(
        "--ref", default=DEFAULT_REF, help=f"the notes ref to read (default {DEFAULT_REF})"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.agents.git_ai_import import import_git_ai
    from ownit.commands._files import current_repository
    from ownit.core.git_ai import GitAiError
    from ownit.core.printable import printable
    from ownit.git.repo import GitError

    repo = current_repository()
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit import git-ai` in your project")
    if not args.ref or args.ref.startswith("-"):
        raise UsageError(f"--ref {args.ref!r} is not a notes ref")
    try:
        done = import_git_ai(repo, args.ref)
    except (GitAiError, GitError) as error:
        raise UsageError(str(error)) from None
    for problem in done.problems:
        print(f"ownit import: {printable(problem)}", file=sys.stderr)
    if done.notes == 0:
        from ownit.git import run as git

        if git.rev(repo.toplevel, args.ref) is None:  # git clone and fetch leave notes out
            print(
                f"ownit import: this clone has no {printable(args.ref)}: git does not fetch"
                f" notes unless asked; `git fetch origin '{printable(args.ref)}:"
                f"{printable(args.ref)}'` first",
                file=sys.stderr,
            )
    if args.json:
        print(
            json.dumps(
                {
                    "notes": done.notes,
                    "imported": done.imported,
                    "unchanged": done.unchanged,
                    "humanLines": done.human_lines,
                    "outsideHistory": done.outside_history,
                    "problems": done.problems,
                }
            )
        )
        return EXIT_OK
    print(
        f"read {done.notes} note(s): imported {done.imported} range(s); "
        f"{done.unchanged} already recorded; {done.human_lines} line(s) by known humans skipped"
    )
    if done.outside_history:
        print(f"{done.outside_history} note(s) on commits outside HEAD's history were not read")
    return EXIT_OK
