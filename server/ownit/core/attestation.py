"""``ownit attest``: an in-toto Statement v1 about a commit's AI-written code. Pure.

The statement's subject is the tip commit (``digest.gitCommit``); its predicate
(:data:`PREDICATE_TYPE`, documented in docs/attestation.md) lists every claim of the
range with whether it holds and what its signature check found, and the AI-written
lines at the tip that nobody owns (unowned, or under a claim that does not hold). The
statement is unsigned: existing attestation tooling signs it (``cosign attest-blob
--predicate`` with the predicate alone, a CI's attestation step with the statement).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ownit.core import trailers as tr
from ownit.core.claim_judgement import NOT_APPLICABLE, UNSIGNED, ClaimKey, Judgement, claim_key
from ownit.core.signing import SignatureStatus
from ownit.core.tip_view import OWNED, TipView
from ownit.core.verify_findings import CommitLike

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://ownit.dev/attestation/ai-ownership/v1"
PREDICATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class AttestRange:
    spec: str  # as ownit names it
    base: str | None
    tip: str
    commits: int


def _stamp(when: datetime.datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("the time must be timezone-aware")
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def claim_entry(
    commit: CommitLike, claim: tr.ClaimLine, judged: Judgement | None
) -> dict[str, object]:
    signature = (
        judged.signature if judged is not None else (UNSIGNED if claim.owned else NOT_APPLICABLE)
    )
    return {
        "commit": commit.sha,
        "kind": claim.key,
        "path": claim.path,
        "first": claim.first,
        "last": claim.last,
        "fingerprint": claim.fingerprint,
        "tool": claim.tool,
        "owner": claim.owner_email if claim.owned else None,
        "rationale": claim.rationale if claim.owned else None,
        "validity": judged.validity if judged is not None else "invalid",
        "reason": (judged.reason or None) if judged is not None else "not checked",
        "problem": (judged.code or None) if judged is not None else None,
        "signature": {
            "status": signature,
            "detail": (judged.signature_detail or None) if judged is not None else None,
            "key": judged.signing_key if judged is not None else None,
        },
    }


def predicate(
    rng: AttestRange,
    claims: Sequence[tuple[CommitLike, tr.ClaimLine]],
    judgements: Mapping[ClaimKey, Judgement],
    view: TipView,
    *,
    policy: str,
    policy_commit: str | None,
    trusted_keys_from: str | None,
    repository: str | None,
    generator: str,
    generated_at: datetime.datetime,
) -> dict[str, object]:
    entries = [
        claim_entry(c, claim, judgements.get(claim_key(c.sha, claim))) for c, claim in claims
    ]
    owned = [e for e in entries if e["kind"] == "AI-Owned"]
    statuses = [e["signature"]["status"] for e in owned]  # type: ignore[index]
    lines = view.lines
    return {
        "version": PREDICATE_VERSION,
        "generator": generator,
        "generatedAt": _stamp(generated_at),
        "repository": repository,
        "range": {"spec": rng.spec, "base": rng.base, "tip": rng.tip, "commits": rng.commits},
        "policy": {"source": policy, "commit": policy_commit},
        "trustedKeysFrom": trusted_keys_from,
        "summary": {
            "claims": len(entries),
            "valid": sum(1 for e in entries if e["validity"] == "valid"),
            "invalid": sum(1 for e in entries if e["validity"] != "valid"),
            "owned": len(owned),
            "signed": sum(1 for s in statuses if s != UNSIGNED),
            "signaturesValid": sum(1 for s in statuses if s == SignatureStatus.VALID.value),
        },
        "claims": entries,
        "atTip": {
            "lines": lines.to_json(),
            "requiredUnownedLines": view.required_unowned,
            "unowned": [
                {
                    key: value
                    for key, value in region.to_json().items()
                    if key not in ("how", "evidence")
                }
                for region in view.regions
                if region.status != OWNED
            ],
        },
    }


def statement(
    tip: str, repository: str | None, predicate_body: Mapping[str, object]
) -> dict[str, object]:
    """The in-toto Statement v1 of ``predicate_body`` about commit ``tip``."""
    subject: dict[str, object] = {"digest": {"gitCommit": tip}}
    if repository:
        subject["name"] = repository
        subject["uri"] = f"git+{repository}@{tip}" if "://" in repository else None
        if subject["uri"] is None:
            del subject["uri"]
    return {
        "_type": STATEMENT_TYPE,
        "subject": [subject],
        "predicateType": PREDICATE_TYPE,
        "predicate": dict(predicate_body),
    }
