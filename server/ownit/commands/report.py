"""`ownit report [REV-RANGE] [--json | --format text|markdown|sarif [-o FILE] | --html FILE]`:
who owns the AI-written code of a range of commits, and why (an audit view).

REV-RANGE is as for ``ownit verify``: ``A..B``, ``A...B`` or one commit; without one,
every commit reachable from HEAD. The policy (which commits count as AI-assisted, which
paths are excluded) is read from the range's base commit, or from its tip when it has
none (all of history, a root commit). Each claim is judged as ``ownit verify`` judges it
(fingerprint against the committed code, owner against that policy, signature against
the keys trusted there when the policy asks for one): an invalid claim owns nothing and
its lines are counted as ``invalid``. A read: exit 0 whatever it finds; 2 on a usage
error.

At the tip: the AI-written lines present in the files of the range's tip, found through
``git blame`` of the tip (its whole history, whatever the range), each owned (a valid
AI-Owned claim), invalid (covered by a claim that does not hold: forged, stale, an owner
the policy refuses) or unowned; by path, owner and tool. It is cached in the
repository's ``.git/ownit/`` by tip and policy. ``--no-tip`` leaves it out.

--format sarif writes the unowned and invalid AI-written lines at the tip that the
policy asks to be owned as SARIF 2.1.0 (code scanning): one result per region, with
ownit's content fingerprint of its lines. ``-o FILE`` writes it (or any format) to FILE.

--statement prints the AI statement of the range in Markdown, for a client to read: how
much of the changed code is AI-written, by which tools and models (approved or not),
who owns it with what rationale (or exactly what is not owned), second owners on
sensitive paths, the paths that forbid AI and what was found there, what AI was used for,
and which policy (commit and file) was in force. It is checked as `ownit verify` checks
(same findings, claims it refuses not counted as owned); with --json, the same as JSON:
``title``, ``subtitle``, ``verifyOk``, ``problems`` (verify's errors), ``sections``
[{title, text, items}], ``tools`` [{tool, approved, commits, lines, owned, notOwned}].
It is also the first section of the --html page.

--html FILE writes the report as one self-contained HTML page (charts as inline SVG, no
script, nothing fetched; printable): the owned share over time, AI-written lines by tool,
owner and path, the code still unowned at the tip, the policy in force. ``-`` writes it
to stdout. --limit applies to its path chart and table.

--json keys (stable; version 1): ``version``, ``range``, ``base``, ``tip``, ``policy``,
``empty``, ``commits``, ``aiAssistedCommits``, ``commitsWithClaims``,
``aiAssistedCommitsWithoutClaims``, ``shallowCommitsSkipped``, ``lines`` {owned,
unowned, unclaimed, invalid, total, ownedShare}, ``linesByEvidence`` {exact,
corroborated, inferred}, ``tools`` [{tool, commits, owned, unowned, unclaimed, invalid,
total, ownedShare, unapproved}] (``unapproved``: why the policy's tools / models do not
approve it where it wrote, else null), ``owners`` [{owner, regions, lines, paths}],
``paths`` [{path, owned, unowned, unclaimed, invalid, total, ownedShare, owners}] (every
path, under its name after renames; --limit only cuts the tables), ``unownedAtTip``
[{path, first, last, lines, tool, fingerprint, commit, subject, evidence}], ``regions``
[{path, first, last, lines, fingerprint, tool, status (owned, unowned or invalid),
owners, rationale, purpose, commit, invalid (why, or null), renamedTo, evidence, scope}],
``atTip`` (null with --no-tip) {tip, files, trackedFiles, lines {owned, unowned, invalid,
total, ownedShare}, requiredUnownedLines, paths [{path, regions, owned, unowned, invalid,
total, ownedShare}], owners [{owner, …}], tools [{tool, …}], regions [{path, first, last,
lines, status, tool, commit, fingerprint, owner, claimCommit, claim, how, reason, code,
required, rule, evidence}]}.

Evidence: claimed lines are ``exact`` (a claim line names them); unclaimed lines of an
AI-assisted commit are known only from its trailer or author, a statement about the
whole commit (commit-level): ``corroborated``, or ``inferred`` for a pattern a tool also
writes without AI code. Renames and moves (``git mv``, with or without edits) are
followed: code claimed under a file's old name is the same code under its new one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ownit.commands._range import add_range_parser
from ownit.core.printable import printable, printable_json
from ownit.exits import EXIT_OK, UsageError

if TYPE_CHECKING:
    from ownit.core.report import Report
    from ownit.core.statement import Statement
    from ownit.git.history import Commit
    from ownit.git.range_reads import PolicyAt

FORMATS = ("text", "markdown", "sarif")
BY_CHOICES = ("path", "owner", "tool")


def add_parser(subparsers: Any) -> None:
    parser = add_range_parser(
        subparsers,
        "report",
        help="who owns the AI-written code of a range of commits, and why (audit)",
        doc=__doc__,
        range_help="A..B, A...B or one commit (default: all of HEAD's history)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="text (default), markdown, or sarif (SARIF 2.1.0 of the unowned and invalid "
        "AI-written lines at the tip, for code scanning)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report to FILE instead of stdout",
    )
    parser.add_argument(
        "--no-tip",
        action="store_true",
        help="leave out the at-the-tip view (no git blame of the tip's files)",
    )
    parser.add_argument(
        "--markdown",
        action="store_const",
        const="markdown",
        dest="format",
        help="same as --format markdown (a PR comment, an audit file)",
    )
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write the report as a self-contained HTML page with charts to FILE (- : stdout)",
    )
    parser.add_argument(
        "--statement",
        action="store_true",
        help="print the range's AI statement (Markdown; --json: JSON), checked as verify checks",
    )
    parser.add_argument(
        "--by",
        choices=BY_CHOICES,
        action="append",
        help="which breakdown to show (repeatable; default: owner, path and tool)",
    )
    parser.add_argument(
        "--limit",
        type=_limit,
        default=10,
        metavar="N",
        help="paths shown in the path table (default 10; 0: all)",
    )
    parser.set_defaults(handler=run)


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def run(args: argparse.Namespace) -> int:
    from ownit import progress
    from ownit.commands._range import policy_of, warner
    from ownit.core import report as core
    from ownit.git import history
    from ownit.git.range_reads import PolicyRead
    from ownit.git.range_report import build_report
    from ownit.git.repo import GitError, find_repository
    from ownit.git.rev_range import range_or_history

    if args.json and args.format is not None:
        raise UsageError("give either --json or --format, not both")
    if args.html is not None and (args.json or args.format is not None):
        raise UsageError("--html writes the report as a page: give it without --json or --format")
    if args.html == "":
        raise UsageError("--html needs a file name (or - for stdout)")
    if args.statement and (args.html is not None or args.format is not None):
        raise UsageError(
            "--statement prints the statement in Markdown (or --json): give it without"
            " --format or --html (the HTML page starts with the statement anyway)"
        )
    if args.html is not None and args.output is not None:
        raise UsageError("--html names its file itself: give it without -o")
    if args.format == "sarif" and args.no_tip:
        raise UsageError("--format sarif is the at-the-tip view: give it without --no-tip")
    cwd = Path.cwd()
    try:
        repo = find_repository(cwd)
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit report` in your project")
    progress.start("ownit report")
    try:
        rng = range_or_history(cwd, args.range)
        if rng is None:
            progress.finish()
            if args.statement:
                raise UsageError("the repository has no commits yet: nothing to state")
            if args.html is not None:
                return _write_html(args, repo.toplevel, "HEAD", None, None, None, None)
            return _output_empty_repository(args)
        spec, base, tip = rng.spec, rng.base, rng.tip
        policy_job = (
            PolicyRead(cwd, base, "base") if base is not None else PolicyRead(cwd, tip, "tip")
        )
        progress.phase("reading the commits")
        commits = history.log(cwd, rng.revisions)
        at = policy_of(policy_job)
        made = None
        if args.statement or args.html is not None:
            from ownit.git.range_statement import build_statement

            progress.phase(f"checking {len(commits)} commits as verify does")
            made = build_statement(
                cwd,
                repo,
                spec=spec,
                base=base,
                tip=tip,
                commits=commits,
                at=at,
                policy_from="base" if base is not None else "tip",
                warn=warner("verify"),
            )
        if made is not None and args.statement:
            progress.finish()
            return _print_statement(args, made)
        result = build_report(cwd, repo, commits, at, base=base, tip=tip, with_tip=not args.no_tip)
    except GitError as error:
        raise UsageError(str(error)) from None
    progress.finish()
    header = {
        "version": core.JSON_VERSION,
        "range": spec,
        "base": base,
        "tip": tip,
        "policy": at.note,
    }
    if args.html is not None:
        tip_commit = next((c for c in reversed(commits) if c.sha == tip), None)
        if tip_commit is None:  # an empty range (A..A): its tip is not among its commits
            tip_commit = next(iter(history.log(cwd, ["--max-count=1", tip])), None)
        return _write_html(args, repo.toplevel, spec, base, tip_commit, at, result, made)
    if args.format == "sarif":
        from ownit.ci.output import write_json
        from ownit.ci.report_alerts import sarif_log

        assert result.tip is not None
        write_json(sarif_log(cwd, spec, base, result.tip, at.policy, at.note, commits), args.output)
        return EXIT_OK
    from ownit.ci.output import output_to

    with output_to(args.output):  # a reader that goes away (`| head`): cli.main
        _print(args, header, result, spec, at)
    return EXIT_OK


def _print(
    args: argparse.Namespace, header: dict[str, Any], result: Report, spec: str, at: PolicyAt
) -> None:
    from ownit.core import report_render as core

    if args.json:
        _dump({**header, **result.to_json()})
        return
    title = f"ownit report {spec}"
    by = args.by or ["owner", "path", "tool"]
    render = core.render_markdown if args.format == "markdown" else core.render_text
    sys.stdout.write(render(result, title, list(dict.fromkeys(by)), args.limit))
    if args.format != "markdown":
        tip_note = "" if result.tip is None else "; at the tip, only claims that hold count"
        print(
            f"policy: {printable(at.note)}; invalid claims own nothing (`ownit verify` says"
            " why)" + tip_note
        )


def _write_html(
    args: argparse.Namespace,
    toplevel: Path,
    spec: str,
    base: str | None,
    tip: Commit | None,
    policy_at: PolicyAt | None,
    result: Report | None,
    statement: Statement | None = None,
) -> int:
    """The report as a page, written to ``args.html`` whole or not at all."""
    import datetime

    from ownit import __version__
    from ownit.core import report as core
    from ownit.core.policy.summary import summarize
    from ownit.core.report_html import render
    from ownit.core.report_page import build_page, commit_ref

    page = build_page(
        result if result is not None else core.Report(),
        repository=toplevel.name,
        range_spec=spec,
        base=base,
        tip=None if tip is None else commit_ref(tip),
        generated_at=datetime.datetime.now(datetime.UTC),
        generator=f"ownit {__version__}",
        policy=None if policy_at is None else summarize(policy_at.policy, policy_at.note),
        path_limit=args.limit,
        statement=statement,
    )
    text = render(page)
    if args.html == "-":
        sys.stdout.write(text)  # a reader that goes away (`| head`): cli.main
        return EXIT_OK
    from ownit.whole_file import write_whole

    try:
        write_whole(Path(args.html), text)
    except OSError as error:
        raise UsageError(f"cannot write {args.html}: {error.strerror or error}") from None
    print(f"ownit report: wrote {printable(args.html)}")
    return EXIT_OK


def _print_statement(args: argparse.Namespace, made: Statement) -> int:
    from ownit.ci.output import output_to
    from ownit.core.statement import render_markdown

    with output_to(args.output):  # a reader that goes away (`| head`): cli.main
        if args.json:
            _dump(made.to_json())
        else:
            sys.stdout.write(render_markdown(made))
    return EXIT_OK


def _dump(data: dict[str, Any]) -> None:
    sys.stdout.write(printable_json(json.dumps(data, indent=2, ensure_ascii=False)))
    sys.stdout.write("\n")


def _output_empty_repository(args: argparse.Namespace) -> int:
    from ownit.ci.output import output_to, write_json

    if args.format == "sarif":
        from ownit import __version__
        from ownit.core import sarif, tip_alerts

        info = sarif.RunInfo(tool_version=__version__, automation_id="ownit/report/tip/")
        write_json(sarif.build([], tip_alerts.RULES, info), args.output)
        return EXIT_OK
    with output_to(args.output):
        _print_empty_repository(args)
    return EXIT_OK


def _print_empty_repository(args: argparse.Namespace) -> None:
    from ownit.core import report as core

    message = "the repository has no commits yet: nothing to report"
    if args.json:
        header = {"version": core.JSON_VERSION, "range": None, "base": None, "tip": None}
        _dump({**header, "policy": None, **core.Report().to_json()})
    elif args.format == "markdown":
        sys.stdout.write(
            "## ownit report\n\nThe repository has no commits yet: nothing to report.\n"
        )
    else:
        print(f"ownit report: {message}")
