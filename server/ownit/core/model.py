"""The data model shared by every part of ownit (docs/data-model.md)."""

from __future__ import annotations

from enum import StrEnum

from ownit.core.record import Record, set_field


class Source(StrEnum):
    """How we learned that a region is AI-written, most certain first."""

    AGENT_HOOK = "agent-hook"
    INLINE_COMPLETION = "inline-completion"
    CHAT_EDIT = "chat-edit"
    MANUAL = "manual"
    COMMIT_TRAILER = "commit-trailer"
    HEURISTIC = "heuristic"


CONFIDENCE: dict[Source, float] = {
    Source.AGENT_HOOK: 1.0,
    Source.INLINE_COMPLETION: 0.95,
    Source.CHAT_EDIT: 0.9,
    Source.MANUAL: 0.9,
    Source.COMMIT_TRAILER: 0.7,
    Source.HEURISTIC: 0.4,
}


class Evidence(StrEnum):
    """How sure ownit is that a line is AI-written, most certain first (docs/data-model.md).

    ``exact``: something saw the AI write these very lines (an agent hook, an accepted
    inline completion or chat edit, a person marking them, an ``AI-Owned`` /
    ``AI-Unowned`` line naming them); ``corroborated``: a statement about the whole commit
    that the tool writes when it wrote code (a co-author or ``Assisted-by`` trailer naming
    a tool, an author that is a known bot); ``inferred``: a guess (a large single
    insertion, a trailer a tool also writes on commits with no AI code in them)."""

    EXACT = "exact"
    CORROBORATED = "corroborated"
    INFERRED = "inferred"

    @property
    def rank(self) -> int:
        """Larger is more certain."""
        return _EVIDENCE_RANK[self]

    def at_least(self, other: Evidence) -> bool:
        return self.rank >= other.rank


_EVIDENCE_RANK = {Evidence.INFERRED: 0, Evidence.CORROBORATED: 1, Evidence.EXACT: 2}

SOURCE_EVIDENCE: dict[Source, Evidence] = {
    Source.AGENT_HOOK: Evidence.EXACT,
    Source.INLINE_COMPLETION: Evidence.EXACT,
    Source.CHAT_EDIT: Evidence.EXACT,
    Source.MANUAL: Evidence.EXACT,
    Source.COMMIT_TRAILER: Evidence.CORROBORATED,
    Source.HEURISTIC: Evidence.INFERRED,
}


def evidence_of_source(source: Source | str) -> Evidence:
    """The evidence class of a region's source; a source this ownit does not know is read
    as ``heuristic`` (inferred)."""
    try:
        return SOURCE_EVIDENCE[Source(source)]
    except ValueError:
        return Evidence.INFERRED


def evidence_of_pattern(pattern_evidence: str) -> Evidence:
    """The evidence class of an ``ai_commit_patterns`` match: ``corroborated`` for a
    pattern the tool writes when it wrote code, ``inferred`` for a ``weak`` one (the tool
    also writes it on commits with no AI code, like VS Code's Copilot trailer)."""
    return Evidence.CORROBORATED if pattern_evidence == "corroborated" else Evidence.INFERRED


KNOWN_TOOLS = ("copilot", "claude-code", "cursor", "aider", "codex", "gemini", "manual", "unknown")


class RegionStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"  # its text was deleted; kept as a record
    LOST = "lost"  # could not be found again after the file changed while closed


class Severity(StrEnum):
    """How the editor shows unowned or stale AI code; ``off`` shows nothing."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"
    OFF = "off"


class Ownership(StrEnum):
    UNOWNED = "unowned"
    OWNED = "owned"
    STALE = "stale"  # claimed, but the code changed since
    DISMISSED = "dismissed"


# Region's fields in the order its constructor takes them.
_REGION_FIELDS = (
    "id",
    "path",
    "first_line",
    "end_line",
    "tool",
    "source",
    "created_at",
    "fingerprint",
    "model",
    "confidence",
    "status",
    "session",
)


class Region:
    """Lines ``first_line`` .. ``end_line - 1`` (0-based, half-open) of ``path``.

    A plain slotted class, not a dataclass: a document opens with tens of thousands of
    these (its generated ``__init__`` costs a third more), and nothing here needs more
    than fields, equality and a repr."""

    __slots__ = (
        "confidence",
        "created_at",
        "end_line",
        "fingerprint",
        "first_line",
        "id",
        "model",
        "path",
        "session",
        "source",
        "status",
        "tool",
    )

    def __init__(
        self,
        id: str,
        path: str,
        first_line: int,
        end_line: int,
        tool: str,
        source: Source,
        created_at: float,
        fingerprint: str,
        model: str | None = None,
        confidence: float = 1.0,
        status: RegionStatus = RegionStatus.ACTIVE,
        session: str | None = None,
    ) -> None:
        self.id = id
        self.path = path
        self.first_line = first_line
        self.end_line = end_line
        self.tool = tool
        self.source = source
        self.created_at = created_at
        self.fingerprint = fingerprint
        self.model = model
        self.confidence = confidence
        self.status = status
        self.session = session

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _REGION_FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Region)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in _REGION_FIELDS)
        return f"Region({inner})"

    @property
    def tool_label(self) -> str:
        """``tool`` or ``tool:model`` as trailers and messages show it."""
        return f"{self.tool}:{self.model}" if self.model else self.tool

    @property
    def line_count(self) -> int:
        return self.end_line - self.first_line

    @property
    def evidence(self) -> Evidence:
        """How sure ownit is that the lines are AI-written: from the region's source."""
        return evidence_of_source(self.source)

    def overlaps(self, first: int, end: int) -> bool:
        """Whether the region holds any of lines ``first`` .. ``end - 1``."""
        return self.first_line < end and first < self.end_line

    def display_lines(self) -> str:
        """1-based inclusive lines as people count them: ``5-6``, or ``25`` for one line
        (trailers always write ``first-last``: core/trailers.py)."""
        from ownit.core.columns import line_span

        return line_span(self.first_line + 1, self.end_line)


class Claim(Record):
    __slots__ = (
        "created_at",
        "fingerprint",
        "owner_email",
        "owner_name",
        "purpose",
        "rationale",
        "region_id",
    )
    _fields = (
        "region_id",
        "owner_name",
        "owner_email",
        "rationale",
        "fingerprint",
        "created_at",
        "purpose",
    )  # (repr in this order)
    region_id: str
    owner_name: str
    owner_email: str
    rationale: str
    fingerprint: str
    created_at: float
    purpose: str  # what the AI code is for (``--purpose tests``); "" when not said

    def __init__(
        self,
        region_id: str,
        owner_name: str,
        owner_email: str,
        rationale: str,
        fingerprint: str,
        created_at: float,
        purpose: str = "",
    ) -> None:
        set_field(self, "region_id", region_id)
        set_field(self, "owner_name", owner_name)
        set_field(self, "owner_email", owner_email)
        set_field(self, "rationale", rationale)
        set_field(self, "fingerprint", fingerprint)
        set_field(self, "created_at", created_at)
        set_field(self, "purpose", purpose)

    @property
    def owner(self) -> str:
        return f"{self.owner_name} <{self.owner_email}>"


class Dismissal(Record):
    """A person said the region is not AI-written (a slotted record: ``core/record.py``)."""

    __slots__ = ("by", "created_at", "reason", "region_id")
    _fields = ("region_id", "by", "reason", "created_at")  # (repr in this order)
    region_id: str
    by: str
    reason: str
    created_at: float

    def __init__(self, region_id: str, by: str, reason: str, created_at: float) -> None:
        set_field(self, "region_id", region_id)
        set_field(self, "by", by)
        set_field(self, "reason", reason)
        set_field(self, "created_at", created_at)


class RegionState:
    """A region with what people said about it: the latest claim and dismissal."""

    __slots__ = ("claim", "dismissal", "history", "region")

    def __init__(
        self,
        region: Region,
        claim: Claim | None = None,
        dismissal: Dismissal | None = None,
        history: tuple[Claim, ...] = (),  # every claim, oldest first
    ) -> None:
        self.region = region
        self.claim = claim
        self.dismissal = dismissal
        self.history = history

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, RegionState)
        return (self.region, self.claim, self.dismissal, self.history) == (
            other.region,
            other.claim,
            other.dismissal,
            other.history,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (
            f"RegionState(region={self.region!r}, claim={self.claim!r},"
            f" dismissal={self.dismissal!r}, history={self.history!r})"
        )

    @property
    def ownership(self) -> Ownership:
        return ownership_of(self.region, self.claim, self.dismissal)


def ownership_of(region: Region, claim: Claim | None, dismissal: Dismissal | None) -> Ownership:
    if dismissal is not None:
        return Ownership.DISMISSED
    if claim is None:
        return Ownership.UNOWNED
    return Ownership.OWNED if claim.fingerprint == region.fingerprint else Ownership.STALE
