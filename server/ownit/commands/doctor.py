"""`ownit doctor [--json]`: check this repository's ownit set-up, one line per check with
the fix for each problem (see ownit.setup.doctor). Exit 0 all well, 1 something wrong."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ownit.exits import EXIT_OK, EXIT_POLICY, UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check the set-up: hooks, agents, identity, signing, store, policy, editor",
        description=(
            "Check this repository's ownit set-up and print one line per check, with the"
            " command that fixes each problem. Changes nothing. Exit 1 when a check fails."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import current_repository
    from ownit.core.doctor import failed, format_report
    from ownit.git.repo import GitError
    from ownit.setup.doctor import run_checks

    repo = current_repository()
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit doctor` in your project")
    try:
        checks = run_checks(repo)
    except (GitError, OSError) as error:
        raise UsageError(f"cannot check this repository: {error}") from None
    bad = failed(checks)
    if args.json:
        print(json.dumps({"ok": not bad, "checks": [c.to_json() for c in checks]}, indent=2))
    else:
        for line in format_report(checks):
            print(line)
    return EXIT_POLICY if bad else EXIT_OK
