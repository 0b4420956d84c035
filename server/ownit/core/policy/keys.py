"""The vocabulary of ``.ownit.yaml`` (docs/policy.md): its key names, in the order
messages list them, and the choices of the keys that take one of a few values (``stale``,
``commit``, ``signatures``, ``ai``, ``history_since``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from ownit.core.policy.record import Record, set_field

if TYPE_CHECKING:
    import datetime

# The per-path keys: `defaults:` and every rule.
SETTING_KEYS = (
    "severity",
    "require_ownership",
    "rationale",
    "owners",
    "codeowner",
    "second_owner",
    "stale",
    "commit",
    "sources",
    "history_since",
    "min_evidence",
    "ai",
    "tools",
    "models",
    "purpose",
    "signatures",
)
RATIONALE_KEYS = ("min_chars", "max_chars", "reject", "also_reject")
SOURCE_KEYS = ("count", "heuristic_min_lines")

TOP_LEVEL_KEYS = (
    "version",
    "defaults",
    "rules",
    "exclude",
    "exclude_linguist",
    "ai_commit_patterns",
    "also_ai_commit_patterns",
    "disable_ai_commit_patterns",
    "handles",
    "purposes",
    "allowed_signers",
)
RULE_KEYS = ("name", "description", "paths", *SETTING_KEYS)

# What an `ai_commit_patterns` entry looks at.
AiField = Literal[
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
]
AI_COMMIT_FIELDS: tuple[AiField, ...] = (
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
)
AI_PATTERN_KEYS = ("name", "tool", "match", "read", "evidence", *AI_COMMIT_FIELDS)


# Policy.source when no policy file is in force (none, or an invalid one).
BUILT_IN_SOURCE = "<built-in defaults>"

DEFAULT_ALLOWED_SIGNERS = ".ownit/allowed_signers"


class StaleMode(StrEnum):
    """What happens to a claim when the owned code changes afterwards."""

    REOPEN = "reopen"  # the region is unowned again (a stale claim) until claimed again
    KEEP = "keep"  # the claim keeps holding; the change is only shown as a hint


class CommitGate(StrEnum):
    """What the commit-msg hook does with unowned (or stale) AI code in the staged content."""

    BLOCK = "block"
    WARN = "warn"
    ALLOW = "allow"


class SignatureMode(StrEnum):
    """Whether ``AI-Owned`` claims must carry a valid ``AI-Signature`` (docs/trust.md)."""

    OFF = "off"  # signatures are not looked at (the default)
    WARN = "warn"  # a missing or bad signature is a warning; the claim holds
    REQUIRE = "require"  # a claim without a valid signature is invalid


class AiUse(StrEnum):
    """Where AI-written code may be: a rule's ``ai`` key."""

    ALLOWED = "allowed"  # as require_ownership says (the built-in behaviour)
    OWNED_ONLY = "owned-only"  # must be owned here, whatever require_ownership says
    FORBIDDEN = "forbidden"  # none at all: an error owned or not; only a dismissal clears it


class HistorySince(Record):
    """From when history (commit trailers, AI-assisted commits) counts.

    ``kind`` is ``all`` (all history), ``date`` (``value`` is ``YYYY-MM-DD``) or
    ``revision`` (``value`` is a commit id, tag or branch: history after it counts).
    """

    __slots__ = ("kind", "value")
    kind: Literal["all", "date", "revision"]
    value: str

    def __init__(self, kind: Literal["all", "date", "revision"], value: str = "") -> None:
        set_field(self, "kind", kind)
        set_field(self, "value", value)

    @property
    def date(self) -> datetime.date | None:
        if self.kind != "date":
            return None
        import datetime

        return datetime.date.fromisoformat(self.value)

    @property
    def revision(self) -> str | None:
        return self.value if self.kind == "revision" else None

    def __str__(self) -> str:
        return "all history" if self.kind == "all" else self.value


ALL_HISTORY = HistorySince("all")
