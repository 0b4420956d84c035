"""What a range of commits holds before any blob is read (:func:`prepare`): each commit's
claims, its commit-level AI attribution, its exact trailers and signatures. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ownit.core import trailers as tr
from ownit.core.attribution import exact_anywhere
from ownit.core.commit_message import AiCommitDetector, may_hold_claims, message_claims
from ownit.core.model import Evidence, evidence_of_pattern
from ownit.core.policy import Policy
from ownit.core.signing import SignedClaim, message_signatures
from ownit.core.verify_findings import CommitLike


@dataclass(slots=True)
class Prepared:
    """What the range holds before any blob is read."""

    claims: dict[str, tuple[tr.ClaimLine, ...]] = field(default_factory=dict)  # by commit
    # Commit-level AI-assisted commits (every added line is AI): commit -> why.
    ai: dict[str, str] = field(default_factory=dict)
    # commit -> tool or tool:model, as its ai_commit_patterns match names it ("" = unknown)
    ai_tools: dict[str, str] = field(default_factory=dict)
    # commit -> the evidence class of its commit-level attribution
    ai_evidence: dict[str, Evidence] = field(default_factory=dict)
    # Commits whose trailers ownit's hook worked out (AI-Lines: exact): their claim lines
    # are their AI-written lines.
    exact: set[str] = field(default_factory=set)
    # commit -> its AI-Owned claims with the AI-Signature after each (commits with one)
    signed: dict[str, dict[tr.ClaimLine, SignedClaim]] = field(default_factory=dict)

    @property
    def assisted(self) -> set[str]:
        """The commits an AI helped write: commit-level ones and exact ones."""
        return set(self.ai) | self.exact

    def blob_specs(self) -> list[tuple[str, str]]:
        """(commit, path) of every claim."""
        return [(sha, c.path) for sha, claims in self.claims.items() for c in claims]

    def claimed_paths(self) -> set[str]:
        return {c.path for claims in self.claims.values() for c in claims}


def prepare(commits: Sequence[CommitLike], policy: Policy) -> Prepared:
    prepared = Prepared()
    detector = AiCommitDetector(policy)
    for commit in commits:
        if may_hold_claims(commit.message):
            claims = tr.with_purposes(message_claims(commit.message), commit.message)
            if claims:
                prepared.claims[commit.sha] = claims
                if exact_anywhere(commit.message):
                    prepared.exact.add(commit.sha)
                if "ai-signature:" in commit.message.lower():
                    prepared.signed[commit.sha] = {
                        item.claim: item for item in message_signatures(commit.message).claims
                    }
        found = detector.match(
            commit.message,
            commit.author_name,
            commit.author_email,
            commit.committer_name,
            commit.committer_email,
        )
        if found is not None and len(commit.parents) <= 1:
            prepared.ai[commit.sha] = found.reason
            prepared.ai_tools[commit.sha] = found.attribution
            prepared.ai_evidence[commit.sha] = evidence_of_pattern(found.evidence)
    return prepared


def uncovered(
    added: Mapping[str, Sequence[int]], claims: Iterable[tr.ClaimLine]
) -> dict[str, list[int]]:
    """The added lines (per path, 1-based) that no claim states (its ``first``-``last``):
    what a commit-level AI-assisted commit leaves unclaimed, as its claims record it."""
    stated: dict[str, set[int]] = {}
    for claim in claims:
        stated.setdefault(claim.path, set()).update(range(claim.first, claim.last + 1))
    out: dict[str, list[int]] = {}
    for path, lines in added.items():
        left = [n for n in lines if n not in stated.get(path, ())]
        if left:
            out[path] = left
    return out
