"""`ownit status [--json] [--all]`: the AI-written regions of this repository that nobody
owns yet (or whose code changed since it was owned), and those the policy objects to
whoever owns them (AI forbidden there, an unapproved tool), re-anchored to the files on
disk, each with its evidence class. The regions of a file that git says was renamed or
moved (staged or committed) follow it to its new name."""

from __future__ import annotations

import time
from pathlib import Path

from ownit.exits import EXIT_OK, UsageError

TYPE_CHECKING = False  # `ownit status` without options loads neither argparse nor typing
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ownit.core.findings import PolicyIssue
    from ownit.core.model import RegionState


def add_parser(subparsers: Any) -> None:
    from ownit.commands._help import JSON_HELP

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


def plain_arguments(arguments: list[str]) -> argparse.Namespace | None:
    """``--all`` and ``--json`` (each any number of times, in any order) as argparse would
    give them, without loading it; None for any other command line."""
    if not set(arguments) <= {"--all", "--json"}:
        return None
    from types import SimpleNamespace

    namespace: Any = SimpleNamespace(
        command="status", all="--all" in arguments, json="--json" in arguments, handler=run
    )
    return namespace  # type: ignore[no-any-return]


def run(args: argparse.Namespace) -> int:
    from ownit.commands import _status_notes as notes
    from ownit.commands._files import current_repository, open_on_disk, shut_down
    from ownit.commit.renamed_files import follow_gone
    from ownit.session import Session
    from ownit.session.status import document_status, outside_reason

    repo = current_repository()
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit status` in your project")
    session = Session()
    now = time.time()
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    unchecked: dict[str, str] = {}  # path -> why its regions are not checked there
    not_asked: dict[str, str] = {}  # region id -> why the policy asks nobody to own it
    try:
        context = session.context_for(repo.toplevel)
        follow_gone(repo.toplevel, context.store)
        paths = sorted({state.region.path for state in context.store.region_states()})
        for key in paths:
            path = repo.toplevel / key
            if not path.is_file():
                missing.append(key)
                continue
            outside = outside_reason(repo, path)
            if outside is not None:  # its regions are not this file's: say so, never drop
                unchecked[key] = outside
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
                why = notes.not_asked(document, entry.state, entry.issue)
                if why is not None:
                    not_asked[entry.state.region.id] = why
            session.close(document.uri)
        notes.say_invalid_policy(context.loaded_policy)  # a typo must not pass unnoticed
    finally:
        shut_down(session)
    if args.json:
        import json

        missing += [f"{key} ({why})" for key, why in unchecked.items()]
        print(json.dumps({"regions": rows, "missingFiles": missing}, indent=2))
        return EXIT_OK
    _print_rows(rows, missing, not_asked, show_all=args.all)
    if unchecked:
        import sys

        from ownit.core.printable import printable
    for key, why in unchecked.items():
        print(f"ownit: {printable(key)}: {printable(why)}; its regions are kept", file=sys.stderr)
    return EXIT_OK


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
    rows: list[dict[str, Any]], missing: list[str], not_asked: dict[str, str], *, show_all: bool
) -> None:
    """One line per region, in columns as wide as their content: where, ownership, tool
    (and model), evidence class, age; under each unowned or stale one, the command that owns it."""
    import shlex
    import sys

    from ownit.core.columns import line_span, table
    from ownit.core.printable import not_an_option, printable

    if not rows:
        print("no AI-written regions" if show_all else "no unowned or stale AI-written code")
    cells = []
    for row in rows:
        first, last = row["lines"]
        where = printable(f"{row['path']}:{line_span(first, last)}")
        tool = printable(row["tool"] + (f":{row['model']}" if row["model"] else ""))
        evidence = f"{row['evidence']} evidence"
        cells.append([where, row["ownership"], tool, evidence, f"marked {row['age']}"])
    for row, line in zip(rows, table(cells), strict=True):
        print(line)
        target = printable(shlex.quote(f"{not_an_option(row['path'])}:{row['lines'][0]}"))
        issue = row.get("policy")
        if issue is not None:
            print(f"    {issue['code']}: {printable(issue['reason'])}")
        if issue is not None and issue["code"] == "ai-forbidden":
            print(f'    not AI-written? ownit dismiss {target} -m "<how you know>"')
        elif row["ownership"] in ("unowned", "stale") and row["regionId"] in not_asked:
            print(f"    not asked here: {printable(not_asked[row['regionId']])}")
        elif row["ownership"] in ("unowned", "stale"):
            print(f'    own it: ownit claim {target} -m "<why it is right>"')
    for key in missing:
        print(f"ownit: {printable(key)}: file not found; its regions are kept", file=sys.stderr)
