"""`ownit trailers [--json] [--amend]`: the trailers the next commit gets, from what is
staged now (what the prepare-commit-msg hook would write, under the working tree's policy).
Where the policy asks for signed claims (``signatures: warn|require``) it says which
claims would be committed unsigned and why (no signing key, …); the ``AI-Signature``
lines themselves are made by the hook. Exit 1 when the policy's commit gate would refuse
the commit."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ownit.commands._help import JSON_HELP
from ownit.exits import EXIT_OK, EXIT_POLICY, UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "trailers",
        help="preview the ownit trailers the next commit gets from what is staged",
        description=(
            "Print the trailers the prepare-commit-msg hook would write for what is staged"
            " now, under the working tree's policy, and on stderr what the commit gate would"
            " say, with the `ownit claim` commands that own what is unowned. Nothing is"
            " committed. Exit 1 when the gate would refuse the commit."
        ),
    )
    parser.add_argument(
        "--amend", action="store_true", help="as for `git commit --amend` (compare with HEAD^)"
    )
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ownit.commit import display
    from ownit.commit.planning import open_store, plan_commit, tree_policy
    from ownit.core.commit_plan import apply_policy, gate
    from ownit.core.printable import printable, printable_json
    from ownit.core.trailers import format_trailers
    from ownit.git.repo import GitError, find_repository
    from ownit.store import StoreError

    try:
        repo = find_repository(Path.cwd(), refresh=True)
        if repo is None:
            raise UsageError("not inside a git repository: run `ownit trailers` in your project")
        store = open_store(repo)
        try:
            plan = plan_commit(repo, store, amend=args.amend)
        finally:
            if store is not None:
                store.close()
        display.report_problems(plan.problems, sys.stderr)
        policy = None
        if plan.pieces:
            policy, attributes = tree_policy(repo, sys.stderr)
            plan = apply_policy(plan, policy, attributes)
    except (GitError, StoreError) as error:
        raise UsageError(str(error)) from error
    lines = format_trailers(plan.trailers())
    outlook = []
    if policy is not None and plan.trailers().owned:
        from ownit.git.claim_signing import signing_outlook

        outlook = signing_outlook(repo, policy, plan.trailers().owned)
    if args.json:
        out: dict[str, Any] = {
            "base": plan.base,
            "trailers": lines,
            "pieces": [
                {
                    "path": p.path,
                    "lines": [p.first + 1, p.end],
                    "fingerprint": p.fingerprint,
                    "tool": p.tool,
                    "regionId": p.region_id,
                    "owned": p.owned,
                    "stale": p.stale,
                    "owner": f"{p.owner_name} <{p.owner_email}>" if p.owned else None,
                    "rationale": p.rationale if p.owned else None,
                    "purpose": (p.purpose or None) if p.owned else None,
                }
                for p in plan.pieces
            ],
            "signatures": [
                {
                    "claim": o.claim.location,
                    "policy": o.mode,
                    "signed": o.problem is None,
                    "problem": o.problem,
                }
                for o in outlook
            ],
        }
        print(printable_json(json.dumps(out, indent=2, ensure_ascii=False)))
        return EXIT_OK
    if not lines:
        print(
            "ownit: nothing staged holds AI-written lines; the next commit gets no trailers",
            file=sys.stderr,
        )
        return EXIT_OK
    for line in lines:
        print(printable(line))  # one line each already (encoded); escaped all the same
    from ownit.setup.hook_state import hooks_missing_note

    note = hooks_missing_note(repo.toplevel, "these trailers")
    if note is not None:
        print(f"ownit: {note}", file=sys.stderr)
    for item in outlook:
        if item.problem is None:
            continue
        needs = "requires signed claims" if item.mode == "require" else "asks for signed claims"
        print(
            f"ownit: {printable(item.claim.location)} will be committed UNSIGNED"
            f" ({printable(item.problem)}), and its policy rule {needs}"
            + (": `ownit verify` will not count it as owned" if item.mode == "require" else ""),
            file=sys.stderr,
        )
    verdict = gate(plan, policy) if policy is not None else None
    commit = "git commit --amend" if args.amend else "git commit"
    if verdict is not None and verdict.block:
        display.report_blocked(verdict.block, sys.stderr, preview=commit)
        return EXIT_POLICY
    display.warn_unowned(
        plan, sys.stderr, verdict.warn if verdict is not None else None, preview=commit
    )
    if verdict is not None:
        display.warn_unapproved(verdict, sys.stderr)
    return EXIT_OK
