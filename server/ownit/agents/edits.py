"""Which lines of a file an agent wrote, from what its hook says it did. Pure: no I/O.

Every function takes the file's text *as it is now* (after the agent's edit) and answers
with 0-based line indexes of that text. Lines are split as LSP splits them
(``core.text.split_lines``), so the answers are the line numbers the session and the editor
use, CRLF files included.

The rule throughout: record the lines the agent actually wrote (added or changed), never
unchanged context, and never guess. When an edit cannot be placed with certainty (its text
occurs more than once and nothing says which occurrence is the agent's), nothing is
recorded for it and a note says why.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ownit.core.fingerprint import normalize_line
from ownit.core.linemap import added_lines
from ownit.core.text import split_lines


# Named tuples and a plain class, not dataclasses: every agent edit starts a process that
# defines them, and a dataclass costs a few tenths of a millisecond to define.
class Replacement(NamedTuple):
    """``old`` replaced by ``new`` (every occurrence when ``replace_all``)."""

    old: str
    new: str
    replace_all: bool = False


class Hunk(NamedTuple):
    """A unified-diff hunk: ``new_start`` is 1-based; ``lines`` start with ' ', '-' or '+'."""

    new_start: int
    lines: tuple[str, ...]


class Written:
    """The lines an agent wrote, and why some of what it did could not be recorded."""

    __slots__ = ("lines", "notes")

    def __init__(self, lines: set[int] | None = None, notes: list[str] | None = None) -> None:
        self.lines: set[int] = set() if lines is None else lines
        self.notes: list[str] = [] if notes is None else notes

    def ranges(self) -> list[tuple[int, int]]:
        return to_ranges(self.lines)


def to_ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    """Line indexes as sorted, maximal half-open ranges."""
    ranges: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        if ranges and ranges[-1][1] == line:
            ranges[-1] = (ranges[-1][0], line + 1)
        else:
            ranges.append((line, line + 1))
    return ranges


def real_lines(text: str) -> list[str]:
    """The file's lines, without the empty pseudo-line after a final line break."""
    lines = split_lines(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def _same(a: str, b: str) -> bool:
    return normalize_line(a) == normalize_line(b)


# ----------------------------------------------------------------------- exact: patches
def lines_from_patch(hunks: Sequence[Hunk], text: str) -> set[int] | None:
    """The '+' lines of the hunks, checked against ``text``.

    None when the hunks do not describe ``text`` (a context or added line differs, or lies
    past its end): the file changed after the agent's edit, and positions from the patch
    would be wrong.
    """
    lines = real_lines(text)
    written: set[int] = set()
    for hunk in hunks:
        line = hunk.new_start - 1
        for entry in hunk.lines:
            if entry.startswith("\\"):  # "\ No newline at end of file"
                continue
            tag, body = (entry[:1] or " "), entry[1:]
            if tag == "-":
                continue
            if tag not in " +":
                return None
            if not 0 <= line < len(lines) or not _same(lines[line], body):
                return None
            if tag == "+":
                written.add(line)
            line += 1
    return written


# ------------------------------------------------------------- whole texts: write, diff
def lines_from_texts(old: str | None, new: str) -> set[int]:
    """Lines of ``new`` that ``old`` does not have (all of them when there was no file)."""
    new_lines = real_lines(new)
    if old is None or old == "":
        return {i for i, line in enumerate(new_lines) if line != ""}
    return {i for i in added_lines(real_lines(old), new_lines) if new_lines[i] != ""}


def lines_from_write(content: str, text: str, original: str | None) -> Written:
    """A whole-file write of ``content``; ``original`` is the file before, if known."""
    result = Written(lines_from_texts(original, text))
    if _normalized(content) != _normalized(text):
        wrote = {normalize_line(line) for line in real_lines(content)}
        lines = real_lines(text)
        kept = {i for i in result.lines if normalize_line(lines[i]) in wrote}
        if kept != result.lines:
            result.notes.append(
                "the file changed after the agent wrote it; lines the agent did not write "
                "were left out"
            )
        result.lines = kept
    return result


def _normalized(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------ string replacements (Edit, …)
def lines_from_replacements(
    replacements: Sequence[Replacement], text: str, original: str | None = None
) -> Written:
    """Replacements applied in order to ``original`` gave ``text``.

    With ``original`` the replacements are replayed on it, so each one's place is known
    exactly (as the agent found it: a unique ``old``, or every occurrence with
    ``replace_all``); the lines recorded are those a line diff shows as added or changed,
    inside the replaced spans. Without it (or when replaying does not give ``text``), each
    ``new`` must occur exactly once in ``text``; otherwise that replacement is not recorded.
    """
    if original is not None:
        replayed = _replay(original, replacements, text)
        if replayed is not None:
            return replayed
    result = Written()
    index = _LineIndex(text)
    for number, rep in enumerate(replacements, 1):
        label = f"edit {number}" if len(replacements) > 1 else "the edit"
        if rep.new == "":
            continue  # a deletion: nothing written
        new = _as_in(rep.new, text)
        old = _as_in(rep.old, text)
        found = _occurrences(text, new)
        if not found:
            result.notes.append(
                f"{label}: its new text is not in the file any more; nothing recorded for it"
            )
            continue
        if len(found) > 1:
            result.notes.append(
                f"{label}: its new text occurs {len(found)} times in the file and the hook "
                "does not say which one the agent wrote; nothing recorded for it"
            )
            continue
        result.lines |= _local_diff(text, index, found[0], new, old)
    return result


def _as_in(fragment: str, text: str) -> str:
    """``fragment`` with the line breaks ``text`` uses (agents send ``\\n`` for CRLF files)."""
    if "\r\n" in text and "\n" in fragment and "\r\n" not in fragment:
        return fragment.replace("\n", "\r\n")
    return fragment


def _occurrences(text: str, needle: str, limit: int = 2) -> list[int]:
    """Start offsets of ``needle`` in ``text`` (overlapping ones too), at most ``limit``."""
    found: list[int] = []
    start = text.find(needle)
    while start != -1 and len(found) < limit:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        for line in split_lines(text)[:-1]:
            self.starts.append(self.starts[-1] + len(line))
        self.length = len(text)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def start_of(self, line: int) -> int:
        return self.starts[line]

    def end_of(self, line: int) -> int:
        return self.starts[line + 1] if line + 1 < len(self.starts) else self.length


def _local_diff(text: str, index: _LineIndex, start: int, new: str, old: str) -> set[int]:
    """Lines of ``text`` changed by replacing ``old`` with ``new`` at offset ``start``."""
    end = start + len(new)
    first = index.line_of(start)
    last = index.line_of(end - 1)
    prefix = text[index.start_of(first) : start]
    suffix = text[end : index.end_of(last)]
    before = real_lines(prefix + old + suffix) if prefix + old + suffix else []
    after = real_lines(prefix + new + suffix)
    changed = added_lines(before, after) if before else set(range(len(after)))
    return {first + i for i in changed if first + i <= last}


def _replay(original: str, replacements: Sequence[Replacement], text: str) -> Written | None:
    """Apply the replacements to ``original``; None unless that gives ``text``."""
    current = original
    spans: list[tuple[int, int]] = []  # spans of ``current`` the agent wrote
    for rep in replacements:
        old, new = _as_in(rep.old, current), _as_in(rep.new, current)
        if old == "":
            if current != "":
                return None
            current, spans = new, [(0, len(new))]
            continue
        found = _occurrences(current, old, limit=1 if rep.replace_all else 2)
        if rep.replace_all:
            found = []
            start = current.find(old)
            while start != -1:
                found.append(start)
                start = current.find(old, start + len(old))
        if not found or (not rep.replace_all and len(found) > 1):
            return None
        for start in reversed(found):
            current, spans = _apply(current, spans, start, start + len(old), new)
    if current != text:
        return None
    lines = real_lines(text)
    index = _LineIndex(text)
    inside: set[int] = set()
    for start, end in spans:
        if end > start:
            inside.update(range(index.line_of(start), index.line_of(end - 1) + 1))
    changed = lines_from_texts(original, text)
    return Written({i for i in changed & inside if i < len(lines)})


def _apply(
    text: str, spans: list[tuple[int, int]], start: int, end: int, new: str
) -> tuple[str, list[tuple[int, int]]]:
    delta = len(new) - (end - start)
    moved: list[tuple[int, int]] = []
    merged = (start, start + len(new))
    for s, e in spans:
        if e <= start:
            moved.append((s, e))
        elif s >= end:
            moved.append((s + delta, e + delta))
        else:  # overlaps the replaced text: one span with the new text
            merged = (min(s, merged[0]), max(e + delta, merged[1]))
    moved.append(merged)
    return text[:start] + new + text[end:], moved
