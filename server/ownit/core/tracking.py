"""Keep a region's extent exact while its document is edited.

A region is tracked as a span of characters ``[start, end)`` — normally from the start of
its first line to the start of the line after its last, so it owns its lines' terminators.
The rules, which ``tests/unit/test_tracking_properties.py`` checks against a character-by-
character reference model:

* characters the edit deletes leave the span;
* inserted text joins the span only when it lands strictly inside it (typing at the very
  start or end of a region is the developer's, not the AI's);
* the region's lines are the lines holding at least one of its characters;
* a region whose every character was deleted, or whose remaining characters are only line
  breaks after an edit that deleted some of it, is gone: its text no longer exists.
"""

from __future__ import annotations

from typing import NamedTuple

from ownit.core.text import EditResult, Pos, TextBuffer


class Span(NamedTuple):
    """Characters ``start`` .. ``end`` (a tuple: made by the thousand when a document opens
    or every region moves)."""

    start: Pos
    end: Pos

    def is_empty(self) -> bool:
        return self.end <= self.start


def span_for_lines(buffer: TextBuffer, first: int, end: int) -> Span:
    """The span covering lines ``first`` .. ``end - 1`` with their terminators."""
    if end >= buffer.line_count():
        return Span(Pos(first, 0), buffer.end())
    return Span(Pos(first, 0), Pos(end, 0))


def line_range(span: Span) -> tuple[int, int]:
    """Half-open ``(first, end)`` line numbers of the lines holding the span's characters."""
    last = span.end.line if span.end.col > 0 else span.end.line - 1
    return span.start.line, max(last, span.start.line) + 1


def transform(span: Span, edit: EditResult, buffer: TextBuffer) -> Span | None:
    """The span after ``edit`` (already applied to ``buffer``), or None if the region is gone."""
    s, e = span.start, span.end
    a, b = edit.start, edit.end
    if e <= a:  # wholly before the edit; text inserted right at its end stays outside
        return Span(edit.map(s), edit.map(e))
    if s >= b:  # wholly after the edit
        if a == b == s:  # text inserted right at its start stays outside
            return Span(edit.inserted_end, edit.map(e))
        return Span(edit.map(s), edit.map(e))

    # The edit overlaps the span, or inserts strictly inside it.
    keeps_head = s < a
    keeps_tail = e > b
    if not keeps_head and not keeps_tail:
        return None
    new_start = edit.map(s) if keeps_head else edit.map(b)
    # Inserted text is inside only when characters of the span survive on both sides.
    new_end = edit.map(e) if keeps_tail else edit.new_start
    result = Span(new_start, new_end)
    if result.is_empty():
        return None
    if a < b and buffer.span_is_only_terminators(new_start, new_end):
        return None
    return result
