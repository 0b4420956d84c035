"""`ownit status [--json] [--all]`: the AI-written regions of this repository that nobody
owns yet (or whose code changed since it was owned), and those the policy objects to
whoever owns them (AI forbidden there, an unapproved tool), re-anchored to the files on
disk, each with its evidence class. The regions of a file that git says was renamed or
moved (staged or committed) follow it to its new name."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ownit.commands._help import JSON_HELP
from ownit.core.printable import printable
from ownit.exits import EXIT_OK, UsageError

if TYPE_CHECKING:
    from ownit.core.findings import PolicyIssue
    from ownit.core.model import RegionState
    from ownit.session.contexts import PolicyState
    from ownit.session.documents import Document


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="list unowned and stale AI-written regions",
        description=(
            "The AI-written regions of this repository that nobody owns yet, or whose code"
            " changed since it was owned (stale), placed on the files as they are on disk,"
            " each with the `ownit claim` command that owns it (or why the policy asks nobody"
            " to: a path it does not track, require_ownership: false, a source it does not"
            " count)."
        ),
    )
    parser.add_argument("--all", action="store_true", help="also list owned and dismissed ones")
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import current_repository, open_on_disk, shut_down
    from ownit.commit.renamed_files import follow_gone
    from ownit.session import Session
    from ownit.session.status import document_status

    repo = current_repository()
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit status` in your project")
    session = Session()
    now = time.time()
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    policy_lines: list[str] = []
    not_asked: dict[int, str | None] = {}  # row -> why the policy asks no owner for it
    try:
        context = session.context_for(repo.toplevel)
        follow_gone(repo.toplevel, context.store)
        paths = sorted({state.region.path for state in context.store.region_states()})
        for key in paths:
            path = repo.toplevel / key
            if not path.is_file():
                missing.append(key)
                continue
            try:
                document = open_on_disk(session, Path(path))
            except UsageError as error:
                missing.append(f"{key} ({error})")
                continue
            states = sorted(document.states(), key=lambda state: state.region.first_line)
            listed = document_status(
                document,
                states,
                include_owned=args.all,
                include_dismissed=args.all,
                issues=session.policy_issue,
            )
            for entry in listed:
                rows.append(_row(entry.state, entry.issue, now))
                not_asked[len(rows) - 1] = _not_asked(document, entry.state, entry.issue)
            session.close(document.uri)
        policy_lines = _invalid_policy_lines(context.loaded_policy)
    finally:
        shut_down(session)
    for line in policy_lines:  # a typo in .ownit.yaml must not pass unnoticed
        print(f"ownit: {printable(line)}", file=sys.stderr)
    if args.json:
        print(json.dumps({"regions": rows, "missingFiles": missing}, indent=2))
        return EXIT_OK
    _print_rows(rows, missing, not_asked, show_all=args.all)
    return EXIT_OK


def _invalid_policy_lines(state: PolicyState | None) -> list[str]:
    """What is wrong with `.ownit.yaml`, when the listing went by the built-in defaults
    instead (read only when some region asked for the policy: no YAML for an empty store)."""
    if state is None or not state.problems:
        return []
    return [str(problem) for problem in state.problems] + [
        "the policy file is not valid; these regions are listed under the built-in default"
        " policy (see `ownit policy check`)"
    ]


def _not_asked(document: Document, state: RegionState, issue: PolicyIssue | None) -> str | None:
    """Why the policy asks nobody to own this region (as the editor shows no diagnostic
    for it), or None when it does."""
    from ownit.session.rules import rule_for

    rule = rule_for(document)
    if rule is None or issue is not None:
        return None
    if document.excluded:
        return f"the policy does not track this path ({document.excluded})"
    if not rule.needs_ownership:
        return f"require_ownership is false ({rule.origin_phrase('require_ownership')})"
    region = state.region
    if not rule.counts_source(region.source, region.line_count):
        counted = str(region.source) in {str(source) for source in rule.sources}
        key = "sources.heuristic_min_lines" if counted else "sources.count"
        return f"source {region.source} does not count here ({key}, {rule.origin_phrase(key)})"
    return None


def _row(state: RegionState, issue: PolicyIssue | None, now: float) -> dict[str, Any]:
    """A listed region as `ownit status --json` shows it."""
    from ownit.core.findings import format_age
    from ownit.session.status import region_json

    row = region_json(state)
    row["age"] = format_age(now - state.region.created_at)
    if state.claim is not None:
        row["owner"] = state.claim.owner
        row["rationale"] = state.claim.rationale
        row["purpose"] = state.claim.purpose or None
    row["policy"] = None if issue is None else {"code": str(issue.code), "reason": issue.reason}
    return row


def _print_rows(
    rows: list[dict[str, Any]],
    missing: list[str],
    not_asked: dict[int, str | None],
    *,
    show_all: bool,
) -> None:
    """One line per region, in columns as wide as their content: where, ownership, tool
    (and model), evidence class, age; under each unowned or stale one, the command that owns it."""
    import shlex

    from ownit.core.columns import line_span, table

    if not rows:
        print("no AI-written regions" if show_all else "no unowned or stale AI-written code")
    cells = []
    for row in rows:
        first, last = row["lines"]
        where = printable(f"{row['path']}:{line_span(first, last)}")
        tool = printable(row["tool"] + (f":{row['model']}" if row["model"] else ""))
        evidence = f"{row['evidence']} evidence"
        cells.append([where, row["ownership"], tool, evidence, f"marked {row['age']}"])
    for index, (row, line) in enumerate(zip(rows, table(cells), strict=True)):
        print(line)
        target = printable(shlex.quote(f"{row['path']}:{row['lines'][0]}"))
        issue = row.get("policy")
        if issue is not None:
            print(f"    {issue['code']}: {printable(issue['reason'])}")
        if issue is not None and issue["code"] == "ai-forbidden":
            print(f'    not AI-written? ownit dismiss {target} -m "<how you know>"')
        elif row["ownership"] in ("unowned", "stale") and not_asked.get(index):
            print(f"    not asked here: {printable(not_asked[index] or '')}")
        elif row["ownership"] in ("unowned", "stale"):
            print(f'    own it: ownit claim {target} -m "<why it is right>"')
    for key in missing:
        print(f"ownit: {printable(key)}: file not found; its regions are kept", file=sys.stderr)
