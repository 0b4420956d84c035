"""`ownit baseline [SINCE] [--dry-run] [--json]`: adopt ownit on a repository with AI
history in one step.

Records `history_since: <SINCE>` in the `defaults` of the repository's `.ownit.yaml`
(written from the example policy when there is none; an existing file keeps its comments
and layout, only that value changes or one line is added), so `ownit verify`, the commit
gate, the editor's history hints, `ownit blame` and `ownit report` ask claims only for
work after it.

SINCE is a revision (default `HEAD`), recorded as the full id of its commit: history
*after* it counts. Or a date `YYYY-MM-DD`: commits made on or after it count. Commit
the file: `ownit verify` reads the policy from the base of the range it checks, so the
baseline applies to ranges whose base has it, and to `--all` (which has no base and reads
the policy committed at HEAD)."""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path
from typing import Any

from ownit.commands._help import doc_description
from ownit.exits import EXIT_OK, UsageError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "baseline",
        help="adopt ownit on existing history: check only work after a commit or date",
        description=doc_description(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "since",
        nargs="?",
        default="HEAD",
        metavar="SINCE",
        help="a revision (default HEAD: history after it counts) or a date YYYY-MM-DD",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the new .ownit.yaml instead of writing it"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _value(toplevel: Path, since: str) -> tuple[str, str]:
    """(what to record, how to say it) for SINCE."""
    from ownit.core.printable import printable
    from ownit.git import run as git

    if _DATE.match(since):
        try:
            datetime.date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"{since!r} is not a real date (YYYY-MM-DD)") from None
        return since, f"commits made on or after {since}"
    if since.startswith("-"):
        raise UsageError(f"expected a revision or a date YYYY-MM-DD, got {since!r}")
    sha = git.rev(toplevel, since)
    if sha is None:
        raise UsageError(
            f"unknown revision {since!r}: give a commit, tag or branch, or a date YYYY-MM-DD"
        )
    shown = git.run(["log", "-1", "--format=%s", sha], toplevel, check=False)
    subject = printable(git.text(shown.stdout).strip())
    return sha, f"commits after {sha[:12]} ({subject})"


def run(args: argparse.Namespace) -> int:
    from ownit.core.baseline import BaselineError, set_history_since
    from ownit.core.policy import POLICY_FILE, PolicyError, load_policy
    from ownit.git.repo import GitError, find_repository
    from ownit.policy_files import example_policy_text, read_policy_text

    try:
        repo = find_repository(Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit baseline` in your project")
    value, meaning = _value(repo.toplevel, args.since)
    path = repo.toplevel / POLICY_FILE
    created = not path.exists()
    try:
        text = example_policy_text() if created else read_policy_text(path, POLICY_FILE)
        load_policy(text, POLICY_FILE)
    except OSError as error:
        raise UsageError(f"{POLICY_FILE}: cannot read: {error.strerror or error}") from None
    except PolicyError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        raise UsageError(f"{POLICY_FILE} is not valid: fix it first (ownit policy check)") from None
    try:
        new_text = set_history_since(text, value)
        policy = load_policy(new_text, POLICY_FILE)
    except (BaselineError, PolicyError) as error:
        raise UsageError(f"{POLICY_FILE} was left as it is: {error}") from None
    recorded = policy.defaults.history_since
    if recorded is None or recorded.value != value:
        raise UsageError(f"{POLICY_FILE} was left as it is: could not set history_since safely")
    overridden = [
        rule.name or f"#{index + 1}"
        for index, rule in enumerate(policy.rules)
        if rule.settings.history_since is not None
    ]
    if args.dry_run:
        sys.stdout.write(new_text)
        return EXIT_OK
    if new_text != text or created:
        from ownit.whole_file import write_whole

        try:
            write_whole(path, new_text)
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(path),
                    "created": created,
                    "historySince": value,
                    "rulesWithTheirOwn": overridden,
                }
            )
        )
        return EXIT_OK
    action = "wrote" if created else "updated"
    print(f"{action} {POLICY_FILE}: defaults.history_since: {value}")
    print(f"from now on claims are asked only for {meaning}")
    if overridden:
        from ownit.core.printable import printable

        names = printable(", ".join(overridden))
        print(f"note: these rules set their own history_since and keep it: {names}")
    print(
        f"commit it (git add {POLICY_FILE} && git commit): `ownit verify` reads the policy"
        " from the base of the range it checks"
    )
    return EXIT_OK
