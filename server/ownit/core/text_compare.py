"""Comparing two versions of a text: the smallest single edit between them (a client
that sends the whole text on each change), and whether one is a rename of the other."""

from __future__ import annotations

from collections import Counter

from ownit.core.text import Pos, TextBuffer


def smallest_edit(buffer: TextBuffer, text: str) -> tuple[Pos, Pos, str]:
    """The one edit ``(start, end, new_text)`` that turns ``buffer`` into ``text``,
    touching as little as possible (never splitting a ``\\r\\n`` of the old text: core
    positions cannot point between the two)."""
    old = buffer.text
    prefix = common_prefix_length(old, text)
    suffix = common_suffix_length(old, text, prefix)
    if 0 < prefix < len(old) and old[prefix - 1 : prefix + 1] == "\r\n":
        prefix -= 1
    cut = len(old) - suffix
    if 0 < cut < len(old) and old[cut - 1 : cut + 1] == "\r\n":
        suffix -= 1
    start = pos_of_offset(buffer, prefix)
    end = pos_of_offset(buffer, len(old) - suffix)
    return start, end, text[prefix : len(text) - suffix]


def common_prefix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    if a[:limit] == b[:limit]:
        return limit
    low, high = 0, limit  # binary search on slice equality: C speed, O(n log n) worst
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def common_suffix_length(a: str, b: str, prefix: int) -> int:
    """The longest common suffix of ``a`` and ``b`` that leaves their first ``prefix``
    characters out of it."""
    limit = min(len(a), len(b)) - prefix
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def pos_of_offset(buffer: TextBuffer, offset: int) -> Pos:
    """The position of the character ``offset`` characters into the buffer's text."""
    for line, text in enumerate(buffer.lines):
        if offset <= len(text) and (offset < len(text) or line == len(buffer.lines) - 1):
            return Pos(line, offset)
        offset -= len(text)
    return buffer.end()


def similar(old: str, new: str) -> bool:
    """Whether ``new`` keeps at least half of ``old``'s lines (and vice versa): git's
    rule for a rename."""
    old_lines = Counter(_all_lines(TextBuffer(old)))
    new_lines = Counter(_all_lines(TextBuffer(new)))
    common = sum((old_lines & new_lines).values())
    return common * 2 >= max(sum(old_lines.values()), sum(new_lines.values()))


def _all_lines(buffer: TextBuffer) -> list[str]:
    return buffer.contents(0, buffer.line_count())
