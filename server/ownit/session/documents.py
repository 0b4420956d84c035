"""Open documents, the regions they track, and their revision bookkeeping.

A document's ``revision`` (and each region's) moves whenever anything its diagnostics show
may have changed: ``touch()`` is the one way to say so. An edit moves the regions it can
affect (``track_edit``); nothing here reads the store or the policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Region, RegionState
from ownit.core.reanchor import StoredGroup
from ownit.core.region_index import RegionIndex
from ownit.core.text import EditResult, Pos, TextBuffer
from ownit.core.tracked_files import MAX_TRACKED_BYTES as MAX_TRACKED_BYTES
from ownit.core.tracked_files import unsupported_reason as unsupported_reason
from ownit.core.tracking import Span, line_range

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule
    from ownit.core.provenance import HistoryRun
    from ownit.session.contexts import RepoContext


class Tracked:
    """A region of an open document: its state and its exact character span.

    Most regions cover whole lines, from the start of their first line to the start of
    the line after their last, and stay so until an edit cuts into them: their span is
    then not kept but read from the region's lines (one object less per region, and a
    region that only moves by whole lines moves by its line numbers alone). A span of
    any other shape (a region cut by an edit, or ending at the end of the text) is kept
    as it is.
    """

    __slots__ = ("_span", "history", "revision", "state")

    def __init__(
        self,
        state: RegionState,
        span: Span | None = None,
        history: HistoryRun | None = None,
        revision: int = 0,
    ) -> None:
        self.state = state
        self.history = history  # set for lines known from history, not the store
        self.revision = revision  # bumped when anything its diagnostic shows may have changed
        self._span: Span | None = None
        if span is not None:
            self._keep(span)

    def __repr__(self) -> str:
        return f"Tracked({self.state!r}, {self.span!r}, revision={self.revision})"

    @property
    def span(self) -> Span:
        span = self._span
        if span is None:
            region = self.state.region
            return Span(Pos(region.first_line, 0), Pos(region.end_line, 0))
        return span

    def _keep(self, span: Span) -> None:
        """Keep ``span`` unless it is the whole lines the region's line numbers give."""
        region = self.state.region
        start, end = span.start, span.end
        whole = (
            start.col == 0
            and end.col == 0
            and start.line == region.first_line
            and end.line == region.end_line
        )
        self._span = None if whole else span

    @property
    def region(self) -> Region:
        return self.state.region

    @property
    def key(self) -> str:
        return self.state.region.id

    def place(self, span: Span) -> None:
        """Take ``span`` as the region's extent (the region index moves regions so)."""
        region = self.state.region
        region.first_line, region.end_line = line_range(span)
        self._keep(span)

    def shift(self, delta: int) -> None:
        region = self.state.region
        region.first_line += delta
        region.end_line += delta
        span = self._span
        if span is not None:
            start, end = span.start, span.end
            self._span = Span(Pos(start.line + delta, start.col), Pos(end.line + delta, end.col))


@dataclass(frozen=True, slots=True)
class PendingLoad:
    """Stored regions of a document opened with ``defer``: re-anchored against ``text``
    (the text at open) by a worker, then installed by ``Session.finish_loading``."""

    groups: list[StoredGroup]
    text: str
    lines: list[str]  # split_lines(text): a copy (the buffer's list changes with edits)


@dataclass(slots=True)
class Document:
    uri: str
    version: int | None
    buffer: TextBuffer
    context: RepoContext | None = None
    key: str | None = None
    # Regions in text order (an edit moves only those it can affect; see region_index).
    tracked: RegionIndex[Tracked] = field(default_factory=RegionIndex)
    unsupported: str | None = None  # why regions cannot be tracked here
    positions_dirty: bool = False
    rule: EffectiveRule | None = None  # the policy's rule for this path (see rule_for)
    excluded: str | None = None  # why the policy ignores AI code here
    policy_resolved: bool = False  # rule/excluded are resolved on first use
    is_policy_file: bool = False  # `.ownit.yaml` itself: its problems are its diagnostics
    pending: dict[str, float] = field(default_factory=dict)  # region id -> give-up time
    # What history says (AI-assisted commits, their claims), tracked like regions under
    # edits but never stored: claiming one records a real region and its claim.
    history: RegionIndex[Tracked] = field(default_factory=RegionIndex)
    # Bumped (by touch) whenever anything a diagnostic shows may have changed (a region
    # moved, was edited, claimed, dismissed, added or removed; the policy changed). An
    # edit that leaves the revision alone needs no diagnostics work at all.
    revision: int = 0
    # Stored regions being re-anchored off the message loop (Session.open with defer).
    loading: PendingLoad | None = None
    merge_after_load: bool = False  # another process wrote the store while it loaded

    def states(self) -> list[RegionState]:
        return [tracked.state for tracked in self.tracked.values()]

    def touch(self, *regions: Tracked) -> None:
        """Something the document's diagnostics show changed (in ``regions``, if given)."""
        self.revision += 1
        for tracked in regions:
            tracked.revision += 1

    def find(self, region_id: str) -> Tracked | None:
        """The stored region or history run with this id."""
        return self.tracked.get(region_id) or self.history.get(region_id)

    def regions_at(self, first_line: int, last_line: int) -> list[Tracked]:
        """Regions and history runs overlapping lines ``first_line`` .. ``last_line``."""
        return [
            t
            for regions in (self.tracked, self.history)
            for t in regions.overlapping(first_line, last_line)
            if t.region.overlaps(first_line, last_line + 1)
        ]

    def forget_history(self, first: int, end: int) -> None:
        """Drop the history runs on lines ``first`` .. ``end - 1`` (a stored region
        speaks for these lines now)."""
        for run in self.history.overlapping(first, end - 1):
            if run.region.overlaps(first, end):
                del self.history[run.key]


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    # A byte that is not UTF-8 (%FF) is the byte it was, as os.fsdecode has it (not U+FFFD).
    return Path(unquote(parsed.path, errors="surrogateescape"))


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


def apply_edits(document: Document, edits: Iterable[tuple[Pos, Pos, str]]) -> list[Tracked]:
    """Apply edits, each relative to the text after the previous one, moving the regions
    through each; returns the regions whose text is gone."""
    removed: list[Tracked] = []
    for start, end, new_text in edits:
        removed.extend(track_edit(document, document.buffer.replace(start, end, new_text)))
    if document.tracked or removed:
        document.positions_dirty = True
    if document.is_policy_file:
        document.touch()  # its problems (its diagnostics) are read from its text
    return removed


def track_edit(document: Document, edit: EditResult) -> list[Tracked]:
    """Move every region (and history run) through one edit; returns the regions gone."""
    removed = _track_in(document, document.tracked, edit)
    if document.history:
        _track_in(document, document.history, edit)
    return removed


def _track_in(document: Document, regions: RegionIndex[Tracked], edit: EditResult) -> list[Tracked]:
    """Move ``regions`` through one edit: only those on the edited lines are looked at
    (the index finds them by bisection and moves later ones lazily)."""
    touched_first, touched_last = edit.new_start.line, edit.inserted_end.line
    moved = regions.apply(edit, document.buffer)
    if moved.shifted or moved.removed:
        document.touch(*moved.removed)  # later regions' diagnostics moved; removed ones went
    for tracked, old, new in moved.changed:
        first, end = line_range(new)
        region = tracked.region
        visible = line_range(old) != (first, end)
        # Its lines' text changed if the edit touched them, or if it now has other lines
        # (a deletion at its end leaves it fewer lines, none of them touched).
        if visible or (first <= touched_last and touched_first < end):
            fp = fingerprint(document.buffer.contents(first, end))
            if fp != region.fingerprint:
                region.fingerprint = fp
                # what a claim says about it may change (owned → stale, or back)
                visible = visible or tracked.state.claim is not None
            # the last line's length is where its diagnostic ends
            visible = visible or touched_first <= end - 1 <= touched_last
        if visible:
            document.touch(tracked)
    return list(moved.removed)
