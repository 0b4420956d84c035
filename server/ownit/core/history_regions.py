"""What history says about an open document's lines, as regions of its current text.

History hints are runs of lines of the text that was blamed (``basis_text``); the buffer
may differ from it (unsaved edits). Each run is mapped through the line diff to the
buffer's lines, and becomes a region of source ``commit-trailer`` (with the claim that
held for the committed text, if any) unless a stored region already speaks for its lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ownit.core.fingerprint import fingerprint
from ownit.core.line_diff import line_opcodes, map_lines
from ownit.core.model import CONFIDENCE, Claim, Region, RegionState, Source
from ownit.core.text import TextBuffer
from ownit.core.tracking import Span, span_for_lines

if TYPE_CHECKING:
    from ownit.core.provenance import HistoryRun


def history_regions(
    runs: list[HistoryRun],
    basis_text: str,
    buffer: TextBuffer,
    path: str,
    covered: Callable[[int, int], bool],
) -> list[tuple[RegionState, Span, HistoryRun]]:
    """The runs that still have lines in ``buffer``, as region states and their spans.

    ``covered(first, end)``: whether a stored region holds any of lines ``first`` ..
    ``end - 1`` of the buffer (such a run is left out: the stored region speaks for them).
    """
    text = buffer.text
    opcodes = (
        None if basis_text == text else line_opcodes(basis_text.splitlines(), text.splitlines())
    )
    basis: TextBuffer | None = None
    found: list[tuple[RegionState, Span, HistoryRun]] = []
    for run in runs:
        lines: tuple[int, int] | None = (run.first_line, run.end_line)
        if opcodes is not None:
            lines = map_lines(opcodes, run.first_line, run.end_line)
        if lines is None:
            continue
        first, end = lines
        if covered(first, end):
            continue
        region = Region(
            id=run.id,
            path=path,
            first_line=first,
            end_line=end,
            tool=run.tool,
            source=Source.COMMIT_TRAILER,
            created_at=0.0,
            fingerprint=fingerprint(buffer.contents(first, end)),
            confidence=CONFIDENCE[Source.COMMIT_TRAILER],
        )
        claim = None
        if run.owned and run.owner_email:
            if basis is None:
                basis = TextBuffer(basis_text)
            claim = Claim(
                run.id,
                run.owner_email,
                run.owner_email,
                run.rationale,
                # the claim held for the committed text: the buffer may have changed it
                fingerprint(basis.contents(run.first_line, run.end_line)),
                0.0,
            )
        span = span_for_lines(buffer, first, end)
        if span.is_empty():
            continue
        found.append((RegionState(region, claim), span, run))
    return found
