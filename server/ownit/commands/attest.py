"""`ownit attest [REV-RANGE] [-o FILE] [--predicate-only]`: an in-toto attestation of who
owns the AI-written code of a commit.

Writes an in-toto Statement v1 (JSON) whose subject is the range's tip commit (a
``gitCommit`` digest) and whose predicate (type
``https://ownit.dev/attestation/ai-ownership/v1``, docs/attestation.md) lists every
``AI-Owned``/``AI-Unowned`` claim of the range with its validity (the checks of ``ownit
verify``) and its signature status (checked against the keys of the range's base; with no
base, of the tip), and the AI-written lines at the tip that nobody owns (as ``ownit
report``'s at-the-tip view). The statement is not signed: sign it with the tools you
attest with, e.g. ``ownit attest --predicate-only -o p.json`` then ``cosign attest-blob
--type https://ownit.dev/attestation/ai-ownership/v1 --predicate p.json …``.

REV-RANGE is as for ``ownit report``: ``A..B``, ``A...B`` or one commit; without one,
every commit reachable from HEAD. The policy is read from the base (else the tip).
Exit 0 whatever the attestation says; 2 on a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ownit.commands._range import add_range_parser
from ownit.exits import EXIT_OK, UsageError


def add_parser(subparsers: Any) -> None:
    parser = add_range_parser(
        subparsers,
        "attest",
        help="write an in-toto attestation of who owns a commit's AI-written code",
        doc=__doc__,
        range_help="A..B, A...B or one commit (default: all of HEAD's history)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the statement to FILE instead of stdout"
    )
    parser.add_argument(
        "--predicate-only",
        action="store_true",
        help="write the predicate alone (for cosign attest-blob --predicate)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import datetime

    from ownit import __version__, progress
    from ownit.ci.output import write_json
    from ownit.ci.verify_alerts import repository_uri
    from ownit.commands._range import policy_of
    from ownit.core import attestation
    from ownit.git import claim_signatures, history
    from ownit.git.range_reads import PolicyRead
    from ownit.git.range_report import tip_view
    from ownit.git.repo import GitError, find_repository
    from ownit.git.rev_range import range_or_history

    cwd = Path.cwd()
    try:
        repo = find_repository(cwd)
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError("not inside a git repository: run `ownit attest` in your project")
    progress.start("ownit attest")
    try:
        rng = range_or_history(cwd, args.range)
        if rng is None:
            raise UsageError("the repository has no commits yet: nothing to attest")
        spec, revisions, base, tip = rng.spec, rng.revisions, rng.base, rng.tip
        policy_commit = base or tip
        policy_job = PolicyRead(cwd, policy_commit, "base" if base else "tip")
        progress.phase("reading the commits")
        commits = history.log(cwd, revisions)
        at = policy_of(policy_job)
        claims, judgements = claim_signatures.judge_range_claims(cwd, commits, at, policy_commit)
        view = tip_view(repo, tip, at, policy_commit)
    except GitError as error:
        raise UsageError(str(error)) from None
    repository = repository_uri(cwd)
    body = attestation.predicate(
        attestation.AttestRange(spec, base, tip, len(commits)),
        claims,
        judgements,
        view,
        policy=at.note,
        policy_commit=policy_commit,
        trusted_keys_from=policy_commit,
        repository=repository,
        generator=f"ownit {__version__}",
        generated_at=datetime.datetime.now(datetime.UTC),
    )
    document = body if args.predicate_only else attestation.statement(tip, repository, body)
    progress.finish()
    write_json(document, args.output)
    return EXIT_OK
