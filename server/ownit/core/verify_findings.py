"""What `ownit verify` reports: a :class:`Finding` (its kind, severity, commit, lines,
message and fix), the kinds' codes, and the commit it is about (:class:`CommitLike`).
Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ownit.core.claim_validity import Problem

ERROR = "error"
INFO = "info"

# Finding kinds.
PATH_MISSING = "claim-path-missing"
OUT_OF_RANGE = "claim-out-of-range"
MISMATCH = "claim-mismatch"
MOVED = "claim-moved"
OWNER_NOT_COMMITTER = "owner-not-committer"
RATIONALE = "rationale-rejected"
OWNER_NOT_ALLOWED = "owner-not-allowed"
OWNER_RULE = "owner-rule"
AI_UNCLAIMED = "ai-commit-unclaimed"
UNOWNED_AT_TIP = "unowned-at-tip"
BLOCKED_UNOWNED = "blocked-unowned"
SHALLOW = "shallow-history"
AI_FORBIDDEN = "ai-forbidden"
UNAPPROVED_TOOL = "unapproved-tool"
SIGNATURE_MISSING = "claim-unsigned"
SIGNATURE_INVALID = "claim-signature-invalid"
SIGNATURE_UNKNOWN_KEY = "claim-signature-unknown-key"
SIGNATURE_EXPIRED = "claim-signature-expired"
SIGNATURE_UNCHECKED = "claim-signature-unchecked"

# The finding kind of each reason a claim is invalid (core.claim_validity).
FINDING_KINDS: dict[Problem, str] = {
    Problem.PATH_MISSING: PATH_MISSING,
    Problem.OUT_OF_RANGE: OUT_OF_RANGE,
    Problem.FINGERPRINT_MISMATCH: MISMATCH,
    Problem.SIGNATURE_MISSING: SIGNATURE_MISSING,
    Problem.SIGNATURE_INVALID: SIGNATURE_INVALID,
    Problem.SIGNATURE_UNKNOWN_KEY: SIGNATURE_UNKNOWN_KEY,
    Problem.SIGNATURE_EXPIRED: SIGNATURE_EXPIRED,
    Problem.SIGNATURE_UNCHECKED: SIGNATURE_UNCHECKED,
    Problem.OWNER_NOT_COMMITTER: OWNER_NOT_COMMITTER,
    Problem.RATIONALE: RATIONALE,
    Problem.OWNER_NOT_ALLOWED: OWNER_NOT_ALLOWED,
}


class CommitLike(Protocol):
    @property
    def sha(self) -> str: ...
    @property
    def parents(self) -> tuple[str, ...]: ...
    @property
    def author_name(self) -> str: ...
    @property
    def author_email(self) -> str: ...
    @property
    def committer_name(self) -> str: ...
    @property
    def committer_email(self) -> str: ...
    @property
    def time(self) -> int: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    severity: str
    commit: str
    subject: str
    path: str
    first: int  # 1-based; 0 when the finding is not about lines
    last: int
    message: str
    fix: str = ""

    @property
    def location(self) -> str:
        if not self.first:
            return self.path
        if self.first == self.last:
            return f"{self.path}:{self.first}"
        return f"{self.path}:{self.first}-{self.last}"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "commit": self.commit,
            "subject": self.subject,
            "path": self.path,
            "line": self.first or None,
            "lastLine": self.last or None,
            "location": self.location,
            "message": self.message,
            "fix": self.fix,
        }


def subject_of(commit: CommitLike) -> str:
    return commit.message.split("\n", 1)[0].strip()
