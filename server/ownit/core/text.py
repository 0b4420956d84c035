"""Document text as LSP sees it: lines split on ``\\r\\n``, ``\\r`` and ``\\n`` only.

``str.splitlines`` also splits on U+2028, U+0085, form feed and others, which LSP clients
do not; a document holding one of those would put every later position on the wrong line.
Positions here are ``(line, column)`` with the column in code points. A column may point
into a line's terminator (``len(content) < col <= len(line)``): spans of characters use
that to include or exclude the terminator; client positions never do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from ownit.core.record import Record, set_field

_LINE_WITH_TERMINATOR = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_TERMINATOR_CHARS = "\r\n"


class Pos(NamedTuple):
    """A position between two characters: line index and code-point column (both 0-based).

    Tuples order like positions in the text, so ``a < b`` means *a* comes before *b*.
    """

    line: int
    col: int


# What str.splitlines breaks lines at besides \r, \n and \r\n (LSP does not).
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def split_lines(text: str) -> list[str]:
    """Lines *with* their terminators; the last line has none (and may be empty)."""
    if any(mark in text for mark in _OTHER_BREAKS):
        lines = _LINE_WITH_TERMINATOR.findall(text)
    else:  # the same lines, three times as fast (a didOpen of 100,000 lines splits them)
        lines = text.splitlines(keepends=True)
    if not lines or lines[-1].endswith(("\n", "\r")):
        lines.append("")
    return lines


def content_length(line: str) -> int:
    """Length of a line without its terminator."""
    return len(line.rstrip(_TERMINATOR_CHARS)) if line.endswith(("\n", "\r")) else len(line)


def strip_terminator(line: str) -> str:
    return line[: content_length(line)]


class EditResult(Record):
    """What an edit did, in enough detail to move any position of the old text.

    The edit replaced the old characters between ``start`` and ``end`` (old coordinates)
    with text that now spans ``new_start`` .. ``inserted_end`` (new coordinates). Old lines
    ``chunk_first`` .. ``chunk_first + len(old_chunk_lines) - 1`` were replaced by
    ``new_chunk_lines``.
    """

    __slots__ = (
        "chunk_first",
        "end",
        "inserted_end",
        "new_chunk_lines",
        "new_start",
        "old_chunk_lines",
        "start",
    )
    _fields = (
        "start",
        "end",
        "new_start",
        "inserted_end",
        "chunk_first",
        "old_chunk_lines",
        "new_chunk_lines",
    )  # (repr in this order)
    start: Pos
    end: Pos
    new_start: Pos
    inserted_end: Pos
    chunk_first: int
    old_chunk_lines: tuple[str, ...]
    new_chunk_lines: tuple[str, ...]

    def __init__(
        self,
        start: Pos,
        end: Pos,
        new_start: Pos,
        inserted_end: Pos,
        chunk_first: int,
        old_chunk_lines: tuple[str, ...],
        new_chunk_lines: tuple[str, ...],
    ) -> None:
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "new_start", new_start)
        set_field(self, "inserted_end", inserted_end)
        set_field(self, "chunk_first", chunk_first)
        set_field(self, "old_chunk_lines", old_chunk_lines)
        set_field(self, "new_chunk_lines", new_chunk_lines)

    @property
    def line_delta(self) -> int:
        return len(self.new_chunk_lines) - len(self.old_chunk_lines)

    def map(self, pos: Pos) -> Pos:
        """New position of an old position that is not strictly inside the replaced text.

        A position equal to ``start`` maps to ``new_start`` and one equal to ``end`` to
        ``inserted_end`` (for a pure insertion, callers pick which by choosing the call).
        """
        if pos.line < self.chunk_first:
            return pos
        if pos.line >= self.chunk_first + len(self.old_chunk_lines):
            return Pos(pos.line + self.line_delta, pos.col)
        offset = _offset_in(self.old_chunk_lines, self.chunk_first, pos)
        start = _offset_in(self.old_chunk_lines, self.chunk_first, self.start)
        if offset <= start:
            return _pos_in(self.new_chunk_lines, self.chunk_first, offset)
        end = _offset_in(self.old_chunk_lines, self.chunk_first, self.end)
        if offset < end:
            raise ValueError(f"{pos} is inside the replaced text")
        new_end = _offset_in(self.new_chunk_lines, self.chunk_first, self.inserted_end)
        return _pos_in(self.new_chunk_lines, self.chunk_first, new_end + offset - end)


def _offset_in(lines: Sequence[str], first: int, pos: Pos) -> int:
    return sum(len(line) for line in lines[: pos.line - first]) + pos.col


def _pos_in(lines: Sequence[str], first: int, offset: int) -> Pos:
    for index, line in enumerate(lines):
        if offset < len(line) or index == len(lines) - 1:
            return Pos(first + index, offset)
        offset -= len(line)
    raise AssertionError("unreachable: chunk is never empty")


class TextBuffer:
    """Mutable document text, edited the way LSP ``didChange`` describes."""

    __slots__ = ("_text", "lines")

    def __init__(self, text: str = "") -> None:
        self.lines: list[str] = split_lines(text)
        self._text: str | None = text

    @property
    def text(self) -> str:
        """The whole text (joined once per version: callers ask for it repeatedly)."""
        if self._text is None:
            self._text = "".join(self.lines)
        return self._text

    def line_count(self) -> int:
        return len(self.lines)

    def content(self, line: int) -> str:
        return strip_terminator(self.lines[line])

    def contents(self, first: int, end: int) -> list[str]:
        """Lines ``first`` .. ``end - 1`` without terminators."""
        return [strip_terminator(line) for line in self.lines[first:end]]

    def clamp(self, pos: Pos) -> Pos:
        """The nearest valid client position: LSP says a column past the end means the end."""
        if pos.line < 0:
            return Pos(0, 0)
        if pos.line >= len(self.lines):
            last = len(self.lines) - 1
            return Pos(last, content_length(self.lines[last]))
        return Pos(pos.line, max(0, min(pos.col, content_length(self.lines[pos.line]))))

    def end(self) -> Pos:
        last = len(self.lines) - 1
        return Pos(last, len(self.lines[last]))

    def replace(self, start: Pos, end: Pos, new_text: str) -> EditResult:
        """Replace the text between two (clamped, ordered) positions with ``new_text``.

        The line before the edit is re-split too: a ``\\r`` ending it and a ``\\n`` that the
        edit brings next to it become one ``\\r\\n`` terminator, as a client sees them.
        """
        start, end = self.clamp(start), self.clamp(end)
        if end < start:
            start, end = end, start
        chunk_first = max(0, start.line - 1)
        old_chunk = self.lines[chunk_first : end.line + 1]
        before = (
            "".join(old_chunk[: start.line - chunk_first])
            + old_chunk[start.line - chunk_first][: start.col]
        )
        after = old_chunk[-1][end.col :]
        new_chunk = split_lines(before + new_text + after)
        if end.line + 1 < len(self.lines) and new_chunk[-1] == "":
            # The chunk still ends with the old terminator of line `end.line`; split_lines
            # added an empty last line that belongs to the next (unchanged) line instead.
            new_chunk.pop()
        self.lines[chunk_first : end.line + 1] = new_chunk
        self._text = None
        return EditResult(
            start=start,
            end=end,
            new_start=_pos_in(new_chunk, chunk_first, len(before)),
            inserted_end=_pos_in(new_chunk, chunk_first, len(before) + len(new_text)),
            chunk_first=chunk_first,
            old_chunk_lines=tuple(old_chunk),
            new_chunk_lines=tuple(new_chunk),
        )

    def span_is_only_terminators(self, start: Pos, end: Pos) -> bool:
        """True when every character between the two positions is part of a line break."""
        line, col = start
        while (line, col) < end:
            text = self.lines[line]
            stop = end.col if line == end.line else len(text)
            if col < content_length(text) and col < stop:
                return False
            line, col = line + 1, 0
        return True


class NotTextError(ValueError):
    """File content ownit does not track; the message says why (a binary file, not UTF-8)."""


def decode_text(data: bytes) -> str:
    """A file's bytes as text, the one rule every reader applies: NUL bytes mean binary,
    and the rest must be UTF-8. Raises :class:`NotTextError` saying which."""
    if b"\x00" in data:
        raise NotTextError("binary file; ownit tracks text files only")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotTextError(
            f"not UTF-8 text (byte {error.start}); ownit tracks UTF-8 files"
        ) from None
