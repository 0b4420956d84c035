"""The signature status of each ``AI-Owned`` claim of some commits, in the shape
:func:`ownit.core.claim_judgement.judge` takes as its ``signatures``, checked against the
keys a commit trusts (docs/trust.md, "Verifying") by :mod:`ownit.git.claim_validity`, the
one place that reads those keys and runs the verifier; and every claim of a range
judged with them (:func:`judge_range_claims`, `ownit attest`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ownit import progress
from ownit.core.claim_judgement import ClaimKey, claim_key
from ownit.core.signing import SignatureStatus, message_signatures
from ownit.core.verify_findings import CommitLike
from ownit.git.claim_validity import signature_verdicts, trusted_keys_at
from ownit.git.signature_verify import ALLOWED_SIGNERS_PATH

if TYPE_CHECKING:
    from ownit.core import trailers as tr
    from ownit.core.claim_judgement import Judgement
    from ownit.git.history import Commit
    from ownit.git.range_reads import PolicyAt

Status = tuple[str, str, str | None]  # (status, detail, key fingerprint)


def check(
    cwd: Path,
    commits: Sequence[CommitLike],
    trusted_at: str | None,
    allowed_signers: str = ALLOWED_SIGNERS_PATH,
) -> dict[ClaimKey, Status]:
    """The status of every signed ``AI-Owned`` claim of ``commits`` (claims with no
    signature are left out: they are unsigned), against the keys of ``trusted_at``
    (None: no keys, so no signature can be accepted)."""
    items = [
        (commit.sha, signed)
        for commit in commits
        if "ai-signature:" in commit.message.lower()
        for signed in message_signatures(commit.message).claims
    ]
    if not items:
        return {}
    if trusted_at is None:
        out: dict[ClaimKey, Status] = {}
        for sha, signed in items:
            if signed.signature is not None:
                why = "no commit to read the trusted keys from (the range has no base)"
                out[claim_key(sha, signed.claim)] = (SignatureStatus.UNKNOWN_KEY.value, why, None)
            elif signed.problem is not None:
                status = SignatureStatus.MALFORMED.value
                out[claim_key(sha, signed.claim)] = (status, signed.problem, None)
        return out
    trusted = trusted_keys_at(cwd, trusted_at, allowed_signers)
    verdicts = signature_verdicts(cwd, trusted, items)
    return {
        claim_key(sha, claim): (verdict.status.value, verdict.message, verdict.key)
        for (sha, claim), verdict in verdicts.items()
    }


def judge_range_claims(
    cwd: Path,
    commits: Sequence[Commit],
    at: PolicyAt,
    trusted_at: str | None,
) -> tuple[list[tuple[Commit, tr.ClaimLine]], dict[ClaimKey, Judgement]]:
    """Every claim of ``commits`` (in range order) and its judgement under ``at``, the
    claimed files read in one batch, signatures against the keys of ``trusted_at``
    (`ownit attest`)."""
    from ownit.core.claim_judgement import blob_specs, judge
    from ownit.core.verify import prepare
    from ownit.git import history

    prepared = prepare(commits, at.policy)
    claims = [(c, claim) for c in commits for claim in prepared.claims.get(c.sha, ())]
    progress.phase(f"checking {len(claims)} claims")
    fetched = history.BatchRead(cwd, (f"{sha}:{path}" for sha, path in blob_specs(claims))).result()

    def blobs(sha: str, path: str) -> list[str] | None:
        data = fetched.get(f"{sha}:{path}")
        return None if data is None else history.git_lines(data)

    with_claims = [c for c in commits if c.sha in prepared.claims]
    signatures = check(cwd, with_claims, trusted_at, at.policy.allowed_signers)
    judgements = judge(
        claims, at.policy, blobs, gitattributes_text=at.gitattributes_text, signatures=signatures
    )
    return claims, judgements
