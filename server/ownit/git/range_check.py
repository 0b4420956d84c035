"""`ownit verify`'s checks run over a range of a repository: the one pipeline that
`ownit verify` and `ownit report --statement` (and the first section of `report --html`)
share. Every blob goes through one ``cat-file`` stream, asked in the order the checks
read them; the line diffs and renames run in the background meanwhile; claim signatures
are checked against the keys the BASE trusts."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit import progress
from ownit.git import catfile, history
from ownit.git.range_reads import AiAdded, BlobLines, PolicyAt, Renames
from ownit.git.rev_range import after_revisions

if TYPE_CHECKING:
    from ownit.core import trailers as tr
    from ownit.core.policy import Policy
    from ownit.core.signing import SignatureVerdict
    from ownit.core.verify_findings import CommitLike, Finding
    from ownit.core.verify_prepare import Prepared
    from ownit.git.repo import Repository


@dataclass(slots=True)
class RangeCheck:
    """What the checks found, and what they read on the way."""

    prepared: Prepared
    added: dict[str, dict[str, list[int]]]  # AI-assisted commit -> path -> lines added
    renames: dict[str, list[tuple[str, str]]]
    shallow: frozenset[str]
    findings: list[Finding]
    blobs: BlobLines  # readable while the check is open


@contextlib.contextmanager
def checked_range(
    cwd: Path,
    repo: Repository,
    commits: Sequence[CommitLike],
    at: PolicyAt,
    *,
    base: str | None,
    tip: str,
    published: Callable[[], frozenset[str]] | None = None,
    warn: Callable[[str], None],
) -> Iterator[RangeCheck]:
    """Run the checks of ``commits`` under ``at``; the cat-file stream stays open (for
    ``blobs``) until the block ends. ``published`` says which commits a fix must never
    rewrite; ``warn`` is told of lines of the allowed-signers file that are not used."""
    from ownit.core.verify import Verifier, prepare

    policy = at.policy
    prepared = prepare(commits, policy)
    stream = catfile.Stream(cwd)
    try:
        ai_added = AiAdded(cwd, prepared)
        moves = Renames(cwd, commits, prepared)
        # The claimed files of each commit now (git reads them while diff-tree runs), the
        # files AI-assisted commits added lines to once diff-tree said which, the tip's
        # last (kept: every pending claim may look at them).
        stream.ask(f"{sha}:{path}" for sha, path in prepared.blob_specs())
        added = ai_added.result()
        by_commit = ((sha, sorted(added.get(sha, ()))) for sha in prepared.ai)
        stream.ask(f"{sha}:{path}" for sha, paths in by_commit for path in paths)
        stream.ask(f"{tip}:{path}" for path in sorted(prepared.claimed_paths()))
        blobs = BlobLines(stream, tip)
        after_revision = after_revisions(cwd, policy, tip)
        shallow = frozenset(history.shallow_commits(repo.common_dir))
        done = published() if published is not None else frozenset()
        verdicts = signature_verdicts(cwd, base, policy, prepared, at.gitattributes_text, warn=warn)
        renames = moves.result()
        verifier = Verifier(
            policy,
            blobs=blobs,
            tip=tip,
            codeowners_text=at.codeowners_text,
            gitattributes_text=at.gitattributes_text,
            after_revision=after_revision,
            shallow=shallow,
            renames=renames,
            published=done,
            signatures=lambda sha, claim: verdicts.get((sha, claim)),
        )
        progress.phase(f"checking {len(commits)} commits")
        findings = verifier.run(commits, prepared, added)
        yield RangeCheck(prepared, added, renames, shallow, findings, blobs)
    finally:
        stream.close()


def signature_verdicts(
    cwd: Path,
    base: str | None,
    policy: Policy,
    prepared: Prepared,
    gitattributes_text: str | None,
    *,
    warn: Callable[[str], None],
) -> dict[tuple[str, tr.ClaimLine], SignatureVerdict]:
    """The verdict on each claim signature the policy asks to check (``signatures`` warn
    or require for the claim's path), against the keys the BASE trusts: a branch cannot
    add its own key to get itself accepted."""
    from ownit.git.claim_validity import signature_verdicts as verdicts_of
    from ownit.git.claim_validity import trusted_keys

    asked = []
    for sha, signed in prepared.signed.items():
        for claim, item in signed.items():
            if policy.is_excluded(claim.path, gitattributes_text):
                continue
            if policy.effective(claim.path).signatures != "off":
                asked.append((sha, item))
    if not asked:
        return {}
    progress.phase(f"checking {len(asked)} claim signatures")
    trusted = trusted_keys(cwd, base, policy)
    if trusted.allowed_signers is not None:
        from ownit.core.allowed_signers import parse_allowed_signers

        for problem in parse_allowed_signers(trusted.allowed_signers).problems:
            warn(f"{trusted.allowed_signers_label}: {problem} (this line is not used)")
    return verdicts_of(cwd, trusted, asked)
