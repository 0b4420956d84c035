"""Find regions again after their file changed while nobody was tracking edits. Pure.

Each region is known by an :class:`Anchor`: its lines in the *basis* text (the last text
ownit saw) and the fingerprint of those lines. Given the file's new text, each anchor is
either found — with how it was found — or reported lost:

``unchanged``
    the region's fingerprint is at its old lines, and that is where the line diff puts it
    (or there is no basis, or no other place holds the same lines);
``fingerprint``
    the same lines, elsewhere: a window of the same line count with the same fingerprint.
    When several windows match, the one nearest to where the line diff from the basis maps
    the region's first line wins (with no basis: nearest to its old first line); a tie goes
    to the earlier window;
``diff``
    the region's text changed: a line diff (``difflib.SequenceMatcher``, ``autojunk=False``)
    from the basis maps its lines. Lines of ``equal`` blocks map one to one; a ``replace``
    block maps onto its replacement (proportionally, when the region holds only part of
    the block); lines inserted strictly inside the region join it; deleted lines leave it.
    A region with no line left, or left with only blank lines after losing some, is lost.

Without a basis only the first two are possible; the same holds when the basis does not
have the anchor's fingerprint at the anchor's lines (it is not the text they refer to).
Lines are compared as fingerprints see them: without terminators and trailing whitespace,
so a file whose line endings changed from CRLF to LF keeps every region where it was.

Cost: each line of the new text is normalized and indexed once. A fingerprint search
hashes a window only where the region's rarest line occurs (falling back to every window
of that length when the basis does not hold the region's lines). The diff runs only when
some anchor needs it, and only on what lies between the common head and tail of the two
texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from ownit.core.fingerprint import fingerprint, normalize_line
from ownit.core.line_diff import Opcode, line_opcodes, map_line, map_lines
from ownit.core.model import RegionState
from ownit.core.record import Record, set_field
from ownit.core.text import split_lines
from ownit.core.window_finder import WindowFinder, digest_prefix, nearest

How = Literal["unchanged", "fingerprint", "diff"]


class Anchor(Record):
    """A region as last seen: lines ``first_line .. end_line - 1`` (0-based) of the basis."""

    __slots__ = ("end_line", "fingerprint", "first_line", "region_id")
    _fields = ("region_id", "first_line", "end_line", "fingerprint")  # (repr in this order)
    region_id: str
    first_line: int
    end_line: int
    fingerprint: str

    def __init__(self, region_id: str, first_line: int, end_line: int, fingerprint: str) -> None:
        set_field(self, "region_id", region_id)
        set_field(self, "first_line", first_line)
        set_field(self, "end_line", end_line)
        set_field(self, "fingerprint", fingerprint)


class Reanchored(Record):
    """Where a region is in the new text (0-based, half-open), and how it was found."""

    __slots__ = ("end_line", "first_line", "how", "region_id")
    _fields = ("region_id", "first_line", "end_line", "how")  # (repr in this order)
    region_id: str
    first_line: int
    end_line: int
    how: How

    def __init__(self, region_id: str, first_line: int, end_line: int, how: How) -> None:
        set_field(self, "region_id", region_id)
        set_field(self, "first_line", first_line)
        set_field(self, "end_line", end_line)
        set_field(self, "how", how)


def reanchor(
    basis_text: str | None,
    new_text: str,
    anchors: Sequence[Anchor],
    new_lines: Sequence[str] | None = None,
) -> tuple[list[Reanchored], list[str]]:
    """Find each anchor in ``new_text``: ``(found, lost region ids)``, both in anchor order.

    ``new_lines``: ``split_lines(new_text)`` when the caller has it already.
    """
    if basis_text is not None and basis_text == new_text and anchors:
        # The text the lines refer to, unchanged (a file opened as it was left): every
        # anchor whose fingerprint is at its lines is there, as the finder would say
        # (in place, basis and new text the same: "unchanged"). Only the others need it.
        lines = new_lines if new_lines is not None else split_lines(new_text)
        in_place: dict[str, Reanchored] = {}
        rest = []
        for anchor in anchors:
            first, end = anchor.first_line, anchor.end_line
            if 0 <= first < end <= len(lines) and (
                fingerprint(lines[first:end]) == anchor.fingerprint
            ):
                in_place[anchor.region_id] = Reanchored(anchor.region_id, first, end, "unchanged")
            else:
                rest.append(anchor)
        if not rest:
            return list(in_place.values()), []
        found_rest, lost = _reanchor(basis_text, new_text, rest)
        by_id = {result.region_id: result for result in found_rest}
        found = [
            in_place.get(anchor.region_id) or by_id[anchor.region_id]
            for anchor in anchors
            if anchor.region_id in in_place or anchor.region_id in by_id
        ]
        return found, lost
    return _reanchor(basis_text, new_text, anchors)


def _reanchor(
    basis_text: str | None, new_text: str, anchors: Sequence[Anchor]
) -> tuple[list[Reanchored], list[str]]:
    finder = _Finder(basis_text, new_text)
    for anchor in anchors:
        finder.prepare(anchor)
    found: list[Reanchored] = []
    lost: list[str] = []
    for anchor in anchors:
        result = finder.find(anchor)
        if result is None:
            lost.append(anchor.region_id)
        else:
            found.append(result)
    return found, lost


def _normalized_lines(text: str) -> list[str]:
    return [normalize_line(line) for line in split_lines(text)]


class _Finder:
    def __init__(self, basis_text: str | None, new_text: str) -> None:
        self.windows = WindowFinder(_normalized_lines(new_text), normalized=True)
        self.new = self.windows.lines
        if basis_text is None:
            self.basis: list[str] | None = None
        elif basis_text == new_text:  # the usual case: the file as it was left
            self.basis = self.new
        else:
            self.basis = _normalized_lines(basis_text)
        self.same = self.basis is self.new or self.basis == self.new
        self._opcodes: list[Opcode] | None = None

    # -- fingerprint search ------------------------------------------------------------------

    @property
    def where(self) -> dict[str, list[int]]:
        """Line numbers of the new text, by (normalized) line."""
        return self.windows.where

    def window_fp(self, start: int, count: int) -> str:
        return self.windows.window_fp(start, count)

    def candidates(self, anchor: Anchor) -> list[int]:
        """Start lines of every window of the new text holding the anchor's fingerprint."""
        count = anchor.end_line - anchor.first_line
        if count > len(self.new):
            return []
        old_lines = self._basis_lines(anchor)
        if old_lines is None:
            digest = digest_prefix(anchor.fingerprint)
            return [] if digest is None else self.windows.every_window(count).get(digest, [])
        return self.windows.starts_of(old_lines, anchor.fingerprint)

    def _basis_lines(self, anchor: Anchor) -> list[str] | None:
        """The anchor's lines in the basis, if the basis holds them (fingerprint agrees)."""
        if self.basis is None or anchor.end_line > len(self.basis):
            return None
        lines = self.basis[anchor.first_line : anchor.end_line]
        if self.basis is self.new:  # one hash, cached for find() too
            count = anchor.end_line - anchor.first_line
            if count <= 0:
                return None if fingerprint(lines) != anchor.fingerprint else lines
            same = self.window_fp(anchor.first_line, count) == anchor.fingerprint
            return lines if same else None
        return lines if fingerprint(lines) == anchor.fingerprint else None

    def prepare(self, anchor: Anchor) -> None:
        """Note an anchor that may need every window of its length hashed, so that one scan
        per length serves every such anchor."""
        count = anchor.end_line - anchor.first_line
        digest = digest_prefix(anchor.fingerprint)
        if digest is not None and 0 < count <= len(self.new) and not self._basis_lines(anchor):
            self.windows.want(digest, count)

    # -- line diff -----------------------------------------------------------------------

    def opcodes(self) -> list[Opcode]:
        assert self.basis is not None
        if self._opcodes is None:
            self._opcodes = line_opcodes(self.basis, self.new)
        return self._opcodes

    def expected_first_line(self, anchor: Anchor) -> int:
        if self.basis is None:
            return anchor.first_line
        return map_line(self.opcodes(), anchor.first_line)

    # -- the whole search ----------------------------------------------------------------

    def find(self, anchor: Anchor) -> Reanchored | None:
        first, end = anchor.first_line, anchor.end_line
        if first < 0 or end <= first:
            return None
        count = end - first
        in_place = end <= len(self.new) and self.window_fp(first, count) == anchor.fingerprint
        if in_place and (self.basis is None or self.same):
            return Reanchored(anchor.region_id, first, end, "unchanged")

        starts = self.candidates(anchor)
        if in_place and first not in starts:  # the basis disagreed with the anchor
            starts = sorted([*starts, first])
        if len(starts) == 1:
            start = starts[0]
        elif starts:
            best = nearest(starts, self.expected_first_line(anchor))
            assert best is not None  # starts is not empty
            start = best
        else:
            return self._by_diff(anchor)
        how: How = "unchanged" if start == first else "fingerprint"
        return Reanchored(anchor.region_id, start, start + count, how)

    def _by_diff(self, anchor: Anchor) -> Reanchored | None:
        if self._basis_lines(anchor) is None:
            return None  # no basis, or not the text the anchor's line numbers refer to
        assert self.basis is not None
        end = anchor.end_line
        mapped = map_lines(self.opcodes(), anchor.first_line, end)
        if mapped is None:
            return None
        lo, hi = mapped
        was_blank = all(not line for line in self.basis[anchor.first_line : end])
        if not was_blank and all(not line for line in self.new[lo:hi]):
            return None  # only blank lines are left of it
        return Reanchored(anchor.region_id, lo, hi, "diff")


# -- a document's stored regions, by the text their lines refer to ---------------------------


class StoredGroup(NamedTuple):
    """Stored regions whose lines refer to one text (``None``: not recorded)."""

    basis: str | None
    states: list[RegionState]


def group_by_basis(
    states: Iterable[RegionState], basis_of: Mapping[str, str], texts: Mapping[str, str]
) -> list[StoredGroup]:
    """``states`` grouped by the text their lines refer to, as the store gives it
    (``basis_of``: region id → text digest; ``texts``: digest → text), so each distinct
    text is re-anchored against once; a region with no recorded text is in the ``None``
    group."""
    by_basis: dict[str | None, list[RegionState]] = {}
    for state in states:
        by_basis.setdefault(basis_of.get(state.region.id), []).append(state)
    return [
        StoredGroup(texts.get(digest) if digest is not None else None, group)
        for digest, group in by_basis.items()
    ]


class Reanchoring(NamedTuple):
    """What :func:`reanchor_groups` found for one group, against one new text."""

    basis: str | None
    states: list[RegionState]
    found: list[Reanchored]
    lost: list[str]
    same_text: bool  # the basis is the new text


def reanchor_groups(
    groups: Sequence[StoredGroup], new_text: str, new_lines: Sequence[str] | None = None
) -> list[Reanchoring]:
    """Re-anchor every group against ``new_text`` (``new_lines``: its ``split_lines``, if
    known). Reads the states, changes nothing: safe to run in a worker thread while the
    states and lines are not touched elsewhere."""
    results = []
    for basis, states in groups:
        anchors = [
            Anchor(s.region.id, s.region.first_line, s.region.end_line, s.region.fingerprint)
            for s in states
        ]
        found, lost = reanchor(basis, new_text, anchors, new_lines)
        results.append(Reanchoring(basis, states, found, lost, basis == new_text))
    return results
