"""`ownit blame FILE [-L a,b] [--json] [--contents -]`: who owns each line, and why.

For each line: the commit that introduced it (``git blame --porcelain``), whether an AI
tool wrote it (a claim in that commit's message, a later claim for the same code, or an
AI-assisted commit), the tool, the owner and the rationale, and the commit carrying the
claim, and how sure that is: ``exact`` (a claim line names the line) or, when only
the commit's trailer or author says an AI helped, ``corroborated`` (``inferred`` for a
trailer a tool also writes without AI code) for the whole commit, not for this very
line. A claim that is not valid (its fingerprint does not match the committed code, its
owner is not accepted by the policy, it is unsigned where the policy asks for signatures,
...) owns nothing: the line shows `INVALID claim by <owner>: <why>` (`ownit verify` says
more).
``--contents -`` blames the text given on stdin (an editor's unsaved buffer). ``-M``
and ``-C`` follow moved and copied lines as git blame does (a renamed file is followed
without them).
"""

from __future__ import annotations

import os
import sys

from ownit.core.printable import printable, printable_json
from ownit.exits import EXIT_OK, UsageError

TYPE_CHECKING = False  # a plain `ownit blame FILE` loads neither argparse nor typing
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ownit.core.provenance import BlameLine, Verdict
    from ownit.git.blame import RunningBlame


def add_parser(subparsers: Any) -> None:
    import argparse

    parser = subparsers.add_parser(
        "blame",
        help="show, per line, whether AI wrote it and who owns it (git blame + claims)",
        description=__doc__.split("\n", 2)[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", metavar="FILE", help="the file to blame (a path in this repository)"
    )
    parser.add_argument(
        "-L",
        dest="ranges",
        action="append",
        default=[],
        metavar="START,END",
        help="only these lines (as git blame -L; may be repeated)",
    )
    parser.add_argument(
        "--contents",
        metavar="FILE",
        help="blame this content instead of the working tree file ('-' reads stdin)",
    )
    parser.add_argument(
        "-M",
        dest="move_m",
        action="store_true",
        help="follow lines moved or copied within the file (git blame -M)",
    )
    parser.add_argument(
        "-C",
        dest="move_c",
        action="count",
        default=0,
        help="also follow lines moved or copied from other files of the same commit (git "
        "blame -C; -C -C: of the commit that created the file too, -C -C -C: of any commit)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def plain_arguments(arguments: list[str]) -> argparse.Namespace | None:
    """A command line of the plain shape (``ownit.git.blame_start.plain_blame``: a file,
    ``-L``, ``-M``, ``-C``, ``--json``) as argparse would read it, without loading it."""
    from ownit.git.blame_start import plain_blame

    plain = plain_blame(arguments)
    if plain is None:
        return None
    from types import SimpleNamespace

    namespace: Any = SimpleNamespace(
        command="blame",
        file=plain.file,
        ranges=plain.ranges,
        contents=None,
        move_m=plain.move_m,
        move_c=plain.move_c,
        json=plain.json,
        handler=run,
    )
    return namespace  # type: ignore[no-any-return]


def run(args: argparse.Namespace) -> int:
    from ownit.git import blame  # git blame starts before anything heavy is imported
    from ownit.git.blame_start import take
    from ownit.git.run import GitError

    contents: bytes | None = None
    if args.contents is not None:
        try:
            if args.contents == "-":
                contents = sys.stdin.buffer.read()
            else:
                with open(args.contents, "rb") as file:
                    contents = file.read()
        except OSError as error:
            raise UsageError(f"{args.contents}: cannot read: {error.strerror or error}") from None
    moves = _moves(args)
    # started by ownit.cli before the arguments were parsed, when it is this blame
    early = None if contents is not None else take(os.getcwd(), args.file, args.ranges, moves)
    try:  # the path as given, from here: git resolves it as it would for `git blame`
        if early is not None:
            proc = blame.RunningBlame(early, None)
        else:
            proc = blame.start_blame(os.getcwd(), args.file, args.ranges, contents, moves)
    except GitError as error:
        raise UsageError(str(error)) from None
    try:
        return _run(args, proc, contents, moves)
    except UsageError as error:
        from ownit.commands._blame_failure import explained

        raise UsageError(explained(args.file, str(error))) from None
    finally:
        proc.stop()


def _run(
    args: argparse.Namespace, proc: RunningBlame, contents: bytes | None, moves: list[str]
) -> int:
    from pathlib import Path

    from ownit import progress
    from ownit.core.provenance import verdicts
    from ownit.git import blame
    from ownit.git import run as git
    from ownit.git.claim_validity import blame_validity
    from ownit.git.repo import GitError, find_repository
    from ownit.policy_files import tree_policy

    target = Path(args.file)
    try:
        repo = find_repository(target.parent if str(target.parent) else Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError(
            f"{args.file}: not inside a git repository: run `ownit blame` in your project"
        )
    try:
        relative = repo.relpath(target)
    except ValueError as error:
        raise UsageError(str(error)) from None
    progress.start("ownit blame")
    try:
        progress.phase("git blame")
        policy, gitattributes = tree_policy(
            repo.toplevel, sys.stderr, "the claims shown are judged"
        )
        progress.phase("reading the claims of history")
        head = git.rev(repo.toplevel, "HEAD")
        index = blame.claim_index(repo, policy, head)
        judgements = blame.Judgements(repo, head, gitattributes)
        progress.phase("git blame")
        try:
            lines = blame.finish_blame(proc)
        except blame.BlameError:
            # the path as given failed from here (e.g. through a symbolic link): ask as
            # before, by its path in the repository; git's answer to that is the one said
            proc = blame.start_blame(repo.toplevel, relative, args.ranges, contents, moves)
            lines = blame.finish_blame(proc)
        progress.phase("checking the claims")
        invalid = blame_validity(
            repo.toplevel,
            index,
            lines,
            relative,
            policy,
            head=head,
            gitattributes_text=gitattributes,
            known=judgements.table,
            first_lines=judgements.first_lines,
        )
        judgements.save()
    except GitError as error:
        raise UsageError(str(error)) from None
    found = verdicts(lines, index, relative, invalid, judgements.first_line)
    progress.finish()
    if args.json:  # a reader that goes away (`| head`): cli.main
        _print_json(lines, found)
    else:
        _print_text(lines, found)
    return EXIT_OK


def _moves(args: argparse.Namespace) -> list[str]:
    """git blame's -M/-C options as asked (git's default scores; -C at most three times,
    as git counts it)."""
    if args.move_c > 3:
        raise UsageError("-C can be given at most three times (git blame -C -C -C)")
    return (["-M"] if args.move_m else []) + ["-C"] * args.move_c


def _print_json(lines: list[BlameLine], found: list[Verdict]) -> None:
    """One JSON object per line (:meth:`LineProvenance.to_json`): the line's own keys,
    then its verdict's, written once per verdict."""
    import json

    from ownit.core.provenance import UNCOMMITTED

    tails: dict[int, str] = {}
    out: list[str] = []
    for bl, verdict in zip(lines, found, strict=True):
        tail = tails.get(id(verdict))
        if tail is None:  # "{<verdict's keys>}" -> ", <verdict's keys>}"
            tail = tails[id(verdict)] = ", " + json.dumps(verdict.to_json(), ensure_ascii=False)[1:]
        head = {
            "line": bl.line,
            "text": bl.text,
            "commit": None if bl.commit == UNCOMMITTED else bl.commit,
            "origLine": bl.orig_line,
            "origPath": bl.orig_path,
        }
        out.append(json.dumps(head, ensure_ascii=False)[:-1] + tail + "\n")
    sys.stdout.write(printable_json("".join(out)))


def _print_text(lines: list[BlameLine], found: list[Verdict]) -> None:
    from ownit.core.columns import display_width, line_span, pad
    from ownit.core.provenance import UNCOMMITTED

    claims: dict[tuple[str, Any], int] = {}
    commits: dict[str, int] = {}
    legend: list[str] = []
    # A run of lines shares its verdict (and commit): its column is made once.
    columns: dict[tuple[int, str], str] = {}
    rows: list[tuple[str, str, str, str]] = []
    for bl, r in zip(lines, found, strict=True):
        commit = bl.commit
        sha = commit[:8] if commit != UNCOMMITTED else "uncommit"
        column = columns.get((id(r), commit))
        if column is not None:
            pass
        elif not r.ai:
            column = "-"
        else:
            tool = r.tool or "AI"
            if r.owned:
                key = (r.claim_commit or "", r.claim)
                if key not in claims:
                    claims[key] = len(legend) + 1  # one numbering for every note
                    c = r.claim
                    assert c is not None  # an owned line has its claim
                    legend.append(
                        printable(
                            f"[{claims[key]}] {c.path}:{line_span(c.first, c.last)} owned by"
                            f" {r.owner_email} in {(r.claim_commit or '')[:8]}:"
                            f" {r.rationale or '(no rationale)'}"
                        )
                    )
                also = "".join(f" +{email}" for email in r.co_owners)  # second owners
                column = printable(f"AI {tool} owned {r.owner_email}{also} [{claims[key]}] exact")
            elif r.invalid:
                by = f" by {r.owner_email}" if r.owner_email else ""
                column = printable(f"AI {tool} INVALID claim{by}: {r.invalid}")
            elif r.claim is not None:
                column = printable(f"AI {tool} UNOWNED exact")
            else:
                if commit not in commits:
                    commits[commit] = len(legend) + 1
                    legend.append(
                        printable(
                            f"[{commits[commit]}] commit {commit[:8]}: {r.commit_reason};"
                            f" {r.evidence} evidence for the whole commit: its trailer"
                            " attributes every line the commit added to an AI tool, it does"
                            " not say which lines an AI wrote (no claim covers these lines)"
                        )
                    )
                column = printable(
                    f"AI-assisted commit {tool} UNOWNED {r.evidence}, commit-level"
                    f" [{commits[commit]}]"
                )
            columns[(id(r), commit)] = column
        rows.append((sha, column, str(bl.line), printable(bl.text, keep_tabs=True)))
    # A file's lines share a few distinct columns: each measured and padded once.
    padded = dict.fromkeys(row[1] for row in rows)
    width = max((display_width(column) for column in padded), default=1)
    for column in padded:
        padded[column] = pad(column, width)
    digits = max((len(row[2]) for row in rows), default=1)
    text_out = [
        f"{sha} ({padded[column]} {number:>{digits}}) {text}\n"
        for sha, column, number, text in rows
    ]
    if legend:
        text_out.append("\n")
        text_out.extend(line + "\n" for line in legend)
    sys.stdout.write("".join(text_out))
