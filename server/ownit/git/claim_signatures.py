"""The signature status of each ``AI-Owned`` claim of some commits, in the shape
:func:`ownit.core.claim_judgement.judge` takes as its ``signatures``, checked against the
keys a commit trusts (docs/trust.md, "Verifying") by :mod:`ownit.git.claim_validity`, the
one place that reads those keys and runs the verifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ownit.core.claim_judgement import ClaimKey, claim_key
from ownit.core.signing import SignatureStatus, message_signatures
from ownit.core.verify_findings import CommitLike
from ownit.git.claim_validity import signature_verdicts, trusted_keys_at
from ownit.git.signature_verify import ALLOWED_SIGNERS_PATH

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
