"""Carry line ranges from one version of a file to another by a line diff. Pure.

Used to put a region — whose line numbers refer to the text it was last seen in — onto the
staged blob of a commit. Only lines that are *equal* in both versions are carried: a line
that was changed, or is not staged yet, is not in the result, so a region only partly
staged comes out as the pieces that are staged, each a run of lines contiguous in both
versions.
"""

from __future__ import annotations

from collections.abc import Sequence

from ownit.core.fingerprint import normalize_line
from ownit.core.line_diff import line_opcodes
from ownit.core.window_finder import find_fingerprint  # the hooks import it from here

__all__ = ["added_lines", "find_fingerprint", "line_map", "map_range"]


def line_map(old: Sequence[str], new: Sequence[str]) -> list[int | None]:
    """For each old line index, the new line index holding the same line, or None.

    Lines are compared without their terminators and trailing whitespace (as fingerprints
    see them), so a CRLF/LF difference does not break the mapping. The diff is
    ``line_diff.line_opcodes``: linear-ish on files with many repeated lines, where a plain
    ``SequenceMatcher`` is quadratic.
    """
    a = [normalize_line(line) for line in old]
    b = [normalize_line(line) for line in new]
    mapping: list[int | None] = [None] * len(a)
    for tag, i1, i2, j1, _ in line_opcodes(a, b):
        if tag == "equal":
            for k in range(i2 - i1):
                mapping[i1 + k] = j1 + k
    return mapping


def map_range(mapping: Sequence[int | None], first: int, end: int) -> list[tuple[int, int]]:
    """Lines ``first .. end - 1`` of the old version as half-open ranges of the new one:
    maximal runs that are contiguous in both versions, in order."""
    pieces: list[tuple[int, int]] = []
    prev_old = prev_new = -2
    for old_line in range(max(first, 0), min(end, len(mapping))):
        new_line = mapping[old_line]
        if new_line is None:
            continue
        if pieces and old_line == prev_old + 1 and new_line == prev_new + 1:
            pieces[-1] = (pieces[-1][0], new_line + 1)
        else:
            pieces.append((new_line, new_line + 1))
        prev_old, prev_new = old_line, new_line
    return pieces


def added_lines(old: Sequence[str], new: Sequence[str]) -> set[int]:
    """Indexes of the new version's lines that the old version does not have (by diff)."""
    mapping = line_map(new, old)
    return {i for i, target in enumerate(mapping) if target is None}
