"""`ownit claim PATH:LINE -m RATIONALE [--purpose TAG] [--commit]`: own the AI region
holding that line: one recorded in the store, or lines history says an AI-assisted commit
wrote (``git blame`` and the claims of history, as ``ownit blame`` shows them), which are
recorded as a region then. A second owner (policy ``second_owner``, ``codeowner``) claims
lines someone else owns the same way.

``--purpose`` tags what the AI code is for (tests, refactor, feature, …; one of the
policy's ``purposes`` when it lists them); the tag travels with the claim into the
commit (an ``AI-Purpose`` trailer, docs/trailers.md).

With ``--commit`` the claim also gets a commit of its own (empty, on HEAD, its trailers the
claim's), for code that is already committed and no other commit is coming; what is
staged stays staged and out of it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ownit.commands._help import JSON_HELP
from ownit.exits import EXIT_OK, UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("claim", help="own the AI-written region at PATH:LINE")
    parser.add_argument(
        "location",
        metavar="PATH:LINE",
        help="the file and a line of the region, e.g. src/auth.py:25",
    )
    parser.add_argument(
        "-m",
        "--message",
        required=True,
        metavar="RATIONALE",
        help="why this code is correct and safe",
    )
    parser.add_argument(
        "--purpose",
        metavar="TAG",
        default="",
        help="what the AI code is for: tests, refactor, feature, … (the policy's purposes"
        " list, when it has one)",
    )
    parser.add_argument(
        "--commit",
        action="store_true",
        help="also make a claim-only commit (for code already committed; staged changes"
        " stay staged)",
    )
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import checked_path, file_on_disk, parse_path_line, region_at

    raw_path, line = parse_path_line(args.location)
    path = checked_path(raw_path)
    with file_on_disk(path) as (session, document):
        region_id = region_at(session, document, line)
        claim = session.claim(document.uri, region_id, args.message, args.purpose)
        region_id = claim.region_id  # lines known from history are recorded as a region now
        region = document.tracked[region_id].region
    commit = _commit(path, region_id) if args.commit else None
    if args.json:
        out: dict[str, Any] = {
            "regionId": region_id,
            "path": region.path,
            "lines": [region.first_line + 1, region.end_line],
            "owner": claim.owner,
            "rationale": claim.rationale,
            "purpose": claim.purpose or None,
        }
        if args.commit:
            out["commit"] = commit
        print(json.dumps(out))
    else:
        from ownit.core.printable import printable

        where = f"{region.path}:{region.display_lines()}"
        tag = f" [{claim.purpose}]" if claim.purpose else ""
        print(printable(f"owned {where}{tag} as {claim.owner}: {claim.rationale}"))
        if commit is not None:
            print(f"committed the claim alone as {commit[:12]}")
    if commit is None:
        _say_if_hooks_missing(path)
    return EXIT_OK


def _say_if_hooks_missing(path: Path) -> None:
    """The claim goes with the next commit only through the hooks: say so now if they are
    not installed (a file outside any repository has no commit to go with)."""
    from ownit.git.repo import find_repository
    from ownit.setup.hook_state import hooks_missing_note

    repo = find_repository(path.parent)
    note = None if repo is None else hooks_missing_note(repo.toplevel, "this claim")
    if note is not None:
        print(f"ownit: {note}", file=sys.stderr)


def _commit(path: Path, region_id: str) -> str:
    from ownit.commit.claim_only import ClaimCommitError, claim_only_commit
    from ownit.git.repo import GitError, find_repository

    try:
        repo = find_repository(path, refresh=True)
        if repo is None:
            raise UsageError("--commit needs a git repository; the claim is recorded")
        return claim_only_commit(repo, region_id, sys.stderr)
    except (ClaimCommitError, GitError) as error:
        raise UsageError(f"claim recorded, but {error}") from None
