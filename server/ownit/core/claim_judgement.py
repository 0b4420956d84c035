"""Whether each claim of history holds, for the readers that count claims at the tip
(``ownit report``'s at-the-tip view, ``ownit attest``). Pure.

This is the one place those readers ask; it asks the single claim-validity judgement
(:func:`ownit.core.claim_validity.judge_claim`, through :meth:`Verifier.judge`, the same
one ``ownit verify``, ``ownit blame`` and the editor use): the claim's path is a file of
its commit, its fingerprint matches the committed lines (or the same number of lines
elsewhere in that blob: the lines moved, the claim holds), and for ``AI-Owned`` its
signature where the policy's ``signatures`` requires one, that the owner is the commit's
author or committer unless a valid signature proves the claim, the rationale passes the
policy's rules and the policy accepts the owner for the path.

Signature status is what checking the claim's ``AI-Signature`` against the keys the
policy's base trusts found (:class:`ownit.core.signing.SignatureStatus` values), or
``unsigned`` when the claim carries none; ``AI-Unowned`` claims are never signed
(``not-applicable``). Whether a signature makes a claim valid or invalid is the policy's
``signatures`` setting (``off``: not at all; ``require``: a claim without a valid one
is invalid).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ownit.core import trailers as tr
from ownit.core.policy import Policy
from ownit.core.signing import SignatureStatus, SignatureVerdict
from ownit.core.verify import Verifier
from ownit.core.verify_findings import FINDING_KINDS, CommitLike

VALID = "valid"
INVALID = "invalid"
UNSIGNED = "unsigned"
NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True, slots=True)
class Judgement:
    """What one claim of one commit is worth."""

    validity: str  # VALID | INVALID
    reason: str = ""  # why it is invalid, for people ("" when valid)
    code: str = ""  # the problem code (verify's finding kind) when invalid
    signature: str = UNSIGNED  # a SignatureStatus value, UNSIGNED or NOT_APPLICABLE
    signature_detail: str = ""  # what the signature check said, for people
    signing_key: str | None = None  # the key's fingerprint, when it could be read

    @property
    def valid(self) -> bool:
        return self.validity == VALID


ClaimKey = tuple[str, str]  # (commit sha, claim key "path:first-last fingerprint")


def claim_key(sha: str, claim: tr.ClaimLine) -> ClaimKey:
    return (sha, f"{claim.owned}:{claim.path}:{claim.first}-{claim.last}:{claim.fingerprint}")


def judge(
    claims: Iterable[tuple[CommitLike, tr.ClaimLine]],
    policy: Policy,
    blobs: Callable[[str, str], list[str] | None],
    *,
    gitattributes_text: str | None = None,
    signatures: Mapping[ClaimKey, tuple[str, str, str | None]] | None = None,
) -> dict[ClaimKey, Judgement]:
    """A judgement for each (commit, claim). ``blobs(sha, path)``: the lines of ``path``
    in commit ``sha`` (None: no such file). ``signatures``: per claim, (status, detail,
    key) of its signature check, for the claims that carry one."""
    signed = signatures or {}

    def verdict(sha: str, claim: tr.ClaimLine) -> SignatureVerdict | None:
        status, detail, signing_key = signed.get(claim_key(sha, claim), (UNSIGNED, "", None))
        try:
            return SignatureVerdict(SignatureStatus(status), detail, signing_key)
        except ValueError:
            return None  # unsigned

    verifier = Verifier(
        policy, blobs=blobs, tip=None, gitattributes_text=gitattributes_text, signatures=verdict
    )
    out: dict[ClaimKey, Judgement] = {}
    for commit, claim in claims:
        key = claim_key(commit.sha, claim)
        if key in out:
            continue
        judged = verifier.judge(commit, claim)
        if claim.owned:
            status, detail, signing_key = signed.get(key, (UNSIGNED, "", None))
        else:
            status, detail, signing_key = NOT_APPLICABLE, "", None
        if judged.problems:
            first = judged.problems[0]
            out[key] = Judgement(
                INVALID, first.message, FINDING_KINDS[first.kind], status, detail, signing_key
            )
        else:
            out[key] = Judgement(
                VALID, signature=status, signature_detail=detail, signing_key=signing_key
            )
    return out


def blob_specs(claims: Sequence[tuple[CommitLike, tr.ClaimLine]]) -> list[tuple[str, str]]:
    """(commit, path) of every blob :func:`judge` reads for ``claims``."""
    return list(dict.fromkeys((commit.sha, claim.path) for commit, claim in claims))
