"""The choices of a rule's keys (``stale``, ``commit``, ``signatures``, ``history_since``)
and the names a policy gives where it comes from."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from ownit.core.policy.record import Record, set_field

if TYPE_CHECKING:
    import datetime

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
