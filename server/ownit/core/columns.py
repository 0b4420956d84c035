"""Text tables for a terminal: columns as wide as their widest cell, measured as a terminal
shows the text (a CJK character takes two cells, a combining accent none). Pure.

Cells are printed as given: escape repository data with :func:`ownit.core.printable.printable`
before it becomes a cell (an escape is as wide as it is long)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def display_width(text: str) -> int:
    """How many terminal cells ``text`` takes: wide and full-width characters two,
    combining marks and format characters (zero-width joiners, …) none, others one."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES:
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def table(rows: Sequence[Sequence[str]], *, right: Sequence[int] = (), gap: int = 2) -> list[str]:
    """Each row's cells padded to their column's width, ``gap`` spaces between columns,
    columns whose index is in ``right`` right-aligned; no trailing spaces."""
    if not rows:
        return []
    count = max(len(row) for row in rows)
    widths = [0] * count
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], display_width(cell))
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        lines.append((" " * gap).join(cells).rstrip())
    return lines


def line_span(first: int, last: int) -> str:
    """1-based inclusive lines as people read them: ``25`` for one line, ``25-30``."""
    return str(first) if first == last else f"{first}-{last}"
