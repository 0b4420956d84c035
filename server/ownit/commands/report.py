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
import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ownit.cli import EXIT_OK, UsageError
from ownit.core.printable import printable, printable_json

FORMATS = ("text", "markdown", "sarif")
BY_CHOICES = ("path", "owner", "tool")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="who owns the AI-written code of a range of commits, and why (audit)",
        description=__doc__.split("\n", 2)[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "range",
        nargs="?",
        metavar="REV-RANGE",
        help="A..B, A...B or one commit (default: all of HEAD's history)",
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
    from ownit.commands.verify import AiAdded, PolicyRead, Renames, resolve_range
    from ownit.core import report as core
    from ownit.core.verify import prepare, unowned_at_tip
    from ownit.git import history
    from ownit.git import run as git
    from ownit.git.repo import GitError, find_repository

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
        raise UsageError("not inside a git repository")
    progress.start("ownit report")
    try:
        if args.range is None:
            head = git.rev(cwd, "HEAD")
            if head is None:
                progress.finish()
                if args.statement:
                    raise UsageError("the repository has no commits yet: nothing to state")
                if args.html is not None:
                    return _write_html(args, repo.toplevel, "HEAD", None, None, None, None)
                return _output_empty_repository(args)
            revisions: tuple[str, ...] = (head,)
            spec, base, tip = "HEAD (all history)", None, head
        else:
            rng = resolve_range(cwd, args.range, everything=False)
            spec, revisions, base, tip = rng.spec, rng.revisions, rng.base, rng.tip
        policy_job = (
            PolicyRead(cwd, base, "base") if base is not None else PolicyRead(cwd, tip, "tip")
        )
        progress.phase("reading the commits")
        commits = history.log(cwd, revisions)
        at = policy_job.result()
        policy = at.policy
        made = None
        if args.statement or args.html is not None:
            from ownit.commands._statement import build_statement

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
            )
        if args.statement:
            progress.finish()
            return _print_statement(args, made)
        progress.phase(f"reading the files of {len(commits)} commits")
        prepared = prepare(commits, policy)
        ai_added = AiAdded(cwd, prepared)  # runs while the tip's blobs are read
        renames = Renames(cwd, commits, prepared).result()
        progress.phase("checking the claims")
        invalid = _invalid_claims(cwd, commits, prepared, at, base or tip)
        valid_claims = {
            sha: tuple(c for c in claims if (sha, c) not in invalid)
            for sha, claims in prepared.claims.items()
        }
        tracker = core.unowned_claims(commits, valid_claims, renames)
        pending = tracker.pending()
        paths = sorted({claim.path for _, claim in pending})
        fetched = history.BatchRead(cwd, (f"{tip}:{path}" for path in paths)).result()
        added = ai_added.result()
        view = None if args.no_tip else tip_view(repo, tip, at, base or tip)
    except GitError as error:
        raise UsageError(str(error)) from None

    def tip_lines(path: str) -> list[str] | None:
        data = fetched.get(f"{tip}:{path}")
        return None if data is None else history.git_lines(data)

    shallow = history.shallow_commits(repo.common_dir)
    skipped = sum(1 for sha in added if sha in shallow)
    excluded: dict[str, bool] = {}

    def counted(path: str) -> bool:
        if path not in excluded:
            excluded[path] = policy.is_excluded(path, at.gitattributes_text)
        return not excluded[path]

    unclaimed = unclaimed_lines(
        cwd,
        [c.sha for c in commits],
        added,
        stated=prepared.claims,
        later=valid_claims,
        shallow=shallow,
        counted=counted,
        renames=renames,
    )
    result = core.build(
        commits,
        prepared,
        unclaimed,
        unowned_at_tip(pending, tip_lines),
        tracker=tracker,
        shallow_skipped=skipped,
        renames=renames,
        invalid=invalid,
    )
    from ownit.core.statement import tool_approvals

    excluded_paths = frozenset(path for path, out in excluded.items() if out)
    approvals = tool_approvals(result, commits, prepared, unclaimed, policy, excluded_paths)
    for row in result.tools:
        row.unapproved = approvals.get(row.tool) or ""
    result.tip = view
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

        assert view is not None
        write_json(sarif_log(cwd, spec, base, view, policy, at.note, commits), args.output)
        return EXIT_OK
    from ownit.ci.output import output_to

    with output_to(args.output):  # a reader that goes away (`| head`): cli.main
        _print(args, header, result, spec, at)
    return EXIT_OK


def _invalid_claims(
    cwd: Path, commits: list[Any], prepared: Any, at: Any, trust: str | None
) -> dict[tuple[str, Any], Any]:
    """Why each invalid claim of the range is invalid (core.claim_validity), judged under
    the policy read for the report, signatures against the keys of ``trust``."""
    from ownit.git.claim_validity import CommitPeople, judge_commits_claims

    people = {
        c.sha: CommitPeople(c.sha, c.author_email, c.committer_email, c.message)
        for c in commits
        if c.sha in prepared.claims
    }
    judged = judge_commits_claims(
        cwd,
        prepared.claims,
        at.policy,
        gitattributes_text=at.gitattributes_text,
        trust_commit=trust,
        commits=people,
    )
    return {key: j for key, j in judged.items() if not j.valid}


def unclaimed_lines(
    cwd: Path,
    order: list[str],
    added: dict[str, dict[str, list[int]]],
    *,
    stated: Any,
    later: Any,
    shallow: set[str] | frozenset[str],
    counted: Callable[[str], bool],
    renames: Any = None,
) -> dict[str, dict[str, int]]:
    """How many lines each AI-assisted commit added, by path, that no claim owns: not
    those its own claims state (``stated``), not those a later claim of the range owns
    (``later``), only in paths ``counted`` keeps (it may cache); shallow commits are
    left out. The one reading of "unclaimed" of the report and its statement."""
    from ownit.core.verify import uncovered

    by_commit = {
        sha: {
            path: lines
            for path, lines in uncovered(by_path, stated.get(sha, ())).items()
            if counted(path)
        }
        for sha, by_path in added.items()
        if sha not in shallow
    }
    by_commit = _owned_later(cwd, order, later, by_commit, renames)
    return {sha: {p: len(lines) for p, lines in paths.items()} for sha, paths in by_commit.items()}


def _owned_later(
    cwd: Path,
    order: list[str],
    claims: Any,
    unclaimed: dict[str, dict[str, list[int]]],
    renames: Any = None,
) -> dict[str, dict[str, list[int]]]:
    """``unclaimed`` without the lines later claims own (core.later_claims), under
    whatever name the file has when they are made."""
    from ownit.core import later_claims
    from ownit.git import history

    wanted = later_claims.blobs_wanted(order, claims, unclaimed, renames)
    if not wanted:
        return unclaimed
    fetched = history.BatchRead(cwd, (f"{sha}:{path}" for sha, path in wanted)).result()
    files: dict[tuple[str, str], list[str] | None] = {}
    for sha, path in wanted:
        data = fetched.get(f"{sha}:{path}")
        files[(sha, path)] = None if data is None else history.git_lines(data)
    return later_claims.take_owned_later(
        order, claims, unclaimed, lambda sha, path: files.get((sha, path)), renames
    )


def tip_view(repo: Any, tip: str, at: Any, policy_commit: str) -> Any:
    """The at-the-tip view of ``tip`` under the report's policy, read from
    ``policy_commit`` (cached by both)."""
    from ownit import progress
    from ownit.commands.verify import _after_revisions
    from ownit.git import tip_scan

    progress.phase("the AI-written lines at the tip")
    return tip_scan.scan(
        repo,
        tip,
        at.policy,
        policy_id=policy_commit,
        gitattributes_text=at.gitattributes_text,
        after_revision=_after_revisions(repo.toplevel, at.policy, tip),
    )


def _print(
    args: argparse.Namespace, header: dict[str, Any], result: Any, spec: str, at: Any
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
    tip: Any,
    policy_at: Any,
    result: Any,
    statement: Any = None,
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
    _write_whole(Path(args.html), text)
    print(f"ownit report: wrote {printable(args.html)}")
    return EXIT_OK


def _print_statement(args: argparse.Namespace, made: Any) -> int:
    from ownit.ci.output import output_to
    from ownit.core.statement import render_markdown

    with output_to(args.output):  # a reader that goes away (`| head`): cli.main
        if args.json:
            _dump(made.to_json())
        else:
            sys.stdout.write(render_markdown(made))
    return EXIT_OK


def _write_whole(path: Path, text: str) -> None:
    """``text`` to ``path`` through a temporary file beside it, so a failure never
    leaves half a page (nor clobbers the one there)."""
    import os
    import tempfile

    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    folder = path.parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


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
