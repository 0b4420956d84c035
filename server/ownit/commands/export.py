"""`ownit export agent-trace [REV-RANGE] [-o FILE]`: ownit's AI-written lines as Agent Trace
records (spec v0.1), one JSON object per line (see ownit.agents.trace_export)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ownit.exits import EXIT_OK, UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="export AI attribution for other tools")
    kinds = parser.add_subparsers(dest="export_kind", metavar="KIND")
    trace = kinds.add_parser(
        "agent-trace",
        help="Agent Trace records (JSON lines)",
        description=(
            "Write Agent Trace records of the AI-written lines: the working tree's regions, or"
            " with REV-RANGE the AI-Owned/AI-Unowned trailer lines of those commits (one"
            " commit: that commit alone). `ownit import agent-trace` reads them back."
        ),
    )
    trace.add_argument("range", nargs="?", metavar="REV-RANGE", help="A..B, A...B or one commit")
    trace.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    trace.set_defaults(handler=run)
    parser.set_defaults(handler=_no_kind)


def _no_kind(args: argparse.Namespace) -> int:
    raise UsageError("say what to export: ownit export agent-trace [REV-RANGE]")


def run(args: argparse.Namespace) -> int:
    from ownit.agents.trace_export import export_commits, export_working_tree
    from ownit.commands._files import current_repository
    from ownit.core.printable import printable, printable_json
    from ownit.git.history import log
    from ownit.git.repo import GitError
    from ownit.whole_file import write_whole

    repo = current_repository()
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit export` in your project")
    try:
        if args.range is None:
            done = export_working_tree(repo)
        else:
            from ownit.git.rev_range import resolve_range

            chosen = resolve_range(repo.toplevel, args.range, everything=False)
            done = export_commits(repo, log(repo.toplevel, chosen.revisions))
    except GitError as error:
        raise UsageError(str(error)) from None
    for problem in done.problems:
        print(f"ownit export: {printable(problem)}", file=sys.stderr)
    body = "".join(
        printable_json(json.dumps(record, ensure_ascii=False)) + "\n" for record in done.records
    )
    if args.output is None:
        sys.stdout.write(body)
        return EXIT_OK
    target = Path(args.output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_whole(target, body)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    print(
        f"wrote {len(done.records)} record(s), {done.ranges} range(s), to {printable(str(target))}",
        file=sys.stderr,
    )
    return EXIT_OK
