"""`ownit verify [REV-RANGE] [--all] [--format FORMAT] [-o FILE]`: check the claims of a range
of commits (CI).

REV-RANGE is ``A..B`` (the commits of B not in A; the base is A), ``A...B`` (the base is
their merge base), or one commit ``R`` (just that commit; the base is its first parent).
Without one it is ``@{upstream}..HEAD``. ``--all`` checks every commit reachable from
HEAD (no base: the policy committed at HEAD applies, so a team's ``ownit baseline``
counts). The policy (``.ownit.yaml``, ``.gitattributes`` and CODEOWNERS) is read from the
BASE commit, never from the commits under review; a range with no base (a root commit)
gets the built-in default policy. Exit 0: no problems; 1: problems; 2: usage or input error.

FORMAT: ``text`` (default), ``json`` (``--json``), ``sarif`` (SARIF 2.1.0 for code
scanning: one result per problem, placed on the tip) or ``codequality`` (GitLab's Code
Quality report). ``-o FILE`` writes it to FILE instead of stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ownit.commands._range import add_range_parser
from ownit.core.printable import printable, printable_json
from ownit.exits import EXIT_OK, EXIT_POLICY, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from ownit.core.verify_findings import Finding
    from ownit.core.verify_prepare import Prepared
    from ownit.git.history import Commit
    from ownit.git.rev_range import Range

OUTPUT_FORMATS = ("text", "json", "sarif", "codequality")


def add_parser(subparsers: Any) -> None:
    parser = add_range_parser(
        subparsers,
        "verify",
        help="check the claims of a range of commits against the code and the policy (CI)",
        doc=__doc__,
        range_help="A..B, A...B or one commit (default: @{upstream}..HEAD)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="every commit reachable from HEAD (the policy committed at HEAD)",
    )
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="text (default), json, sarif (SARIF 2.1.0, for code scanning) or codequality "
        "(a GitLab Code Quality report)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the result to FILE instead of stdout (the exit code is the same)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print problems only, no info lines"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit import progress
    from ownit.ci.output import output_to, write_json
    from ownit.ci.verify_alerts import FORMATS as ALERT_FORMATS
    from ownit.ci.verify_alerts import VerifyRun, render
    from ownit.commands._range import policy_of, warner
    from ownit.core.verify import ERROR
    from ownit.git import history
    from ownit.git.range_check import checked_range
    from ownit.git.range_reads import PolicyRead
    from ownit.git.repo import GitError, find_repository
    from ownit.git.rev_range import published_commits, resolve_range
    from ownit.git.run import rev

    if args.json and args.format not in (None, "json"):
        raise UsageError(f"give either --json or --format {args.format}, not both")
    args.format = "json" if args.json else args.format or "text"
    cwd = Path.cwd()
    try:
        repo = find_repository(cwd)
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit verify` in your project")
    if args.all and not args.range and rev(cwd, "HEAD") is None:
        return _no_history(args, cwd)
    progress.start("ownit verify")
    try:
        rng = resolve_range(cwd, args.range, everything=args.all)
        # --all has no base: the policy committed at its tip (a team's `ownit baseline`
        # counts there), the built-in defaults when the tip has none.
        policy_job = (
            PolicyRead(cwd, rng.tip, "tip")
            if args.all
            else PolicyRead(cwd, rng.base, "base")  # runs while git log does
        )
        progress.phase("reading the commits of the range")
        commits = history.log(cwd, rng.revisions)
        at = policy_of(policy_job)
    except GitError as error:
        raise UsageError(str(error)) from None
    _say_if_cut(repo.common_dir, commits, warner("verify"))
    policy = at.policy
    if rng.base is None and not args.all:
        policy_note = "built-in defaults (the range has no base commit)"
    else:
        policy_note = at.note

    progress.phase(f"reading the files of {len(commits)} commits")
    try:
        with checked_range(
            cwd,
            repo,
            commits,
            at,
            base=rng.base,
            tip=rng.tip,
            published=lambda: published_commits(cwd, rng, [c.sha for c in commits]),
            warn=warner("verify"),
        ) as checked:
            findings, prepared = checked.findings, checked.prepared
    except GitError as error:
        raise UsageError(str(error)) from None

    order = {c.sha: i for i, c in enumerate(commits)}
    findings.sort(key=lambda f: (order.get(f.commit, -1), f.severity != ERROR, f.path, f.first))
    errors = [f for f in findings if f.severity == ERROR]
    code = EXIT_POLICY if errors else EXIT_OK
    if args.format in ALERT_FORMATS:
        progress.phase("placing the problems on the tip")
        run_info = VerifyRun(
            rng.spec,
            rng.base,
            rng.tip,
            len(commits),
            len(prepared.assisted),
            sum(len(c) for c in prepared.claims.values()),
            policy_note,
            not errors,
        )
        document = render(args.format, cwd, run_info, findings, policy, exit_code=code)
        progress.finish()
        write_json(document, args.output)
        return code
    progress.finish()
    with output_to(args.output):  # a reader that goes away (`| head`): cli.main
        _output(args, rng, commits, prepared, policy_note, findings)
    return code


def _no_history(args: argparse.Namespace, cwd: Path) -> int:
    """``--all`` in a repository with no commit yet: nothing to check, which passes (as
    ``git log`` has nothing to show), said plainly, in the format asked for."""
    from ownit.ci.output import output_to, write_json
    from ownit.ci.verify_alerts import FORMATS as ALERT_FORMATS
    from ownit.ci.verify_alerts import VerifyRun, render
    from ownit.core.policy import default_policy

    spec, policy = "--all (HEAD)", "built-in defaults (no commit yet)"
    if args.format in ALERT_FORMATS:
        run_info = VerifyRun(spec, None, None, 0, 0, 0, policy, True)
        document = render(args.format, cwd, run_info, [], default_policy(), exit_code=EXIT_OK)
        write_json(document, args.output)
        return EXIT_OK
    with output_to(args.output):
        if args.format == "json":
            empty = {"range": spec, "base": None, "tip": None, "commits": 0}
            counts = {"aiAssistedCommits": 0, "claims": 0, "policy": policy, "ok": True}
            report = {**empty, **counts, "findings": [], "info": []}
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
        else:
            print(
                "ownit verify --all: nothing to check: this repository has no commit yet"
                " (commit first; `ownit verify --all` then checks every commit of HEAD)"
            )
    return EXIT_OK


def _say_if_cut(common_dir: Path, commits: list[Commit], warn: Callable[[str], None]) -> None:
    """A shallow clone holds only part of the range (`--all` included): the commits before
    its cut are not checked, and "no problems found" must not read as if they were."""
    from ownit.git import history

    cut = sorted(history.shallow_commits(common_dir) & {c.sha for c in commits})
    if not cut:
        return
    shown = ", ".join(sha[:10] for sha in cut[:3]) + (" …" if len(cut) > 3 else "")
    warn(
        f"this clone is shallow: the history before {shown} is not in it and was not"
        " checked; `git fetch --unshallow` fetches it"
    )


def _output(
    args: argparse.Namespace,
    rng: Range,
    commits: list[Commit],
    prepared: Prepared,
    policy_note: str,
    findings: list[Finding],
) -> None:
    from ownit.core.verify import ERROR

    errors = [f for f in findings if f.severity == ERROR]
    if args.format == "json":
        report: dict[str, Any] = {
            "range": rng.spec,
            "base": rng.base,
            "tip": rng.tip,
            "commits": len(commits),
            "aiAssistedCommits": len(prepared.assisted),
            "claims": sum(len(c) for c in prepared.claims.values()),
            "policy": policy_note,
            "ok": not errors,
            "findings": [f.to_json() for f in findings if f.severity == ERROR],
            "info": [f.to_json() for f in findings if f.severity != ERROR],
        }
        sys.stdout.write(printable_json(json.dumps(report, indent=2, ensure_ascii=False)))
        sys.stdout.write("\n")
    else:
        _print_text(rng, commits, prepared, policy_note, findings, quiet=args.quiet)


def _print_text(
    rng: Range,
    commits: list[Commit],
    prepared: Prepared,
    policy_note: str,
    findings: list[Finding],
    *,
    quiet: bool,
) -> None:
    from ownit.core.verify import ERROR

    out = sys.stdout
    count = len(commits)
    ai = len(prepared.assisted)
    print(
        printable(
            f"ownit verify {rng.spec}: {count} commit{'s' if count != 1 else ''}"
            f" ({ai} AI-assisted); policy: {policy_note}"
        ),
        file=out,
    )
    if not commits:
        print("nothing to check: the range is empty", file=out)
        return
    shown = [f for f in findings if f.severity == ERROR or not quiet]
    current = None
    for finding in shown:
        if finding.commit != current:
            current = finding.commit
            print(f"\n{finding.commit[:10]} {printable(finding.subject)}", file=out)
        # Every part comes from commit data (paths, e-mails, rationales): escaped, so that
        # nothing in a commit can move the cursor or fake a line of this report.
        where = printable(finding.location or "(commit)")
        line = f"{where}: {printable(finding.message)} [{finding.kind}]"
        print(f"  {finding.severity}: {line}", file=out)
        if finding.fix:
            print(f"    fix: {printable(finding.fix)}", file=out)
    errors = sum(1 for f in findings if f.severity == ERROR)
    touched = len({f.commit for f in findings if f.severity == ERROR})
    if errors:
        print(
            f"\n{errors} problem{'s' if errors != 1 else ''} in {touched} "
            f"commit{'s' if touched != 1 else ''}",
            file=out,
        )
    else:
        print("no problems found" + ("" if not shown else " (info lines above)"), file=out)
