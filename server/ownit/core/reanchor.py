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
from dataclasses import dataclass
from typing import Literal, NamedTuple

from ownit.core.fingerprint import fingerprint, normalize_line
from ownit.core.model import RegionState
from ownit.core.text import split_lines
from ownit.core.window_finder import WindowFinder, digest_prefix, nearest

How = Literal["unchanged", "fingerprint", "diff"]


@dataclass(frozen=True)
class Anchor:
    """A region as last seen: lines ``first_line .. end_line - 1`` (0-based) of the basis."""

    region_id: str
    first_line: int
    end_line: int
    fingerprint: str


@dataclass(frozen=True)
class Reanchored:
    """Where a region is in the new text (0-based, half-open), and how it was found."""

    region_id: str
    first_line: int
    end_line: int
    how: How


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


Opcode = tuple[str, int, int, int, int]


def line_opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """Opcodes (as ``SequenceMatcher.get_opcodes`` gives them) from lines ``old`` to ``new``.

    ``SequenceMatcher`` with ``autojunk=False`` is quadratic on files with many repeated
    lines (blank lines, closing braces), so it runs only on small pieces: the common head
    and tail are equal blocks, and in between, lines that occur exactly once in each text
    and keep their order (a longest increasing run of them) are equal anchors splitting the
    rest into pieces, recursively.
    """
    ids: dict[str, int] = {}  # each distinct line is hashed once; compare small integers
    a = [ids.setdefault(line, len(ids)) for line in old]
    b = [ids.setdefault(line, len(ids)) for line in new]
    opcodes: list[Opcode] = []
    pending: list[tuple[int, int, int, int]] = [(0, len(a), 0, len(b))]
    while pending:
        a_lo, a_hi, b_lo, b_hi = pending.pop()
        head = 0
        while a_lo + head < a_hi and b_lo + head < b_hi and a[a_lo + head] == b[b_lo + head]:
            head += 1
        tail = 0
        while (
            a_lo + head < a_hi - tail
            and b_lo + head < b_hi - tail
            and a[a_hi - 1 - tail] == b[b_hi - 1 - tail]
        ):
            tail += 1
        if head:
            _add(opcodes, ("equal", a_lo, a_lo + head, b_lo, b_lo + head))
        mid = (a_lo + head, a_hi - tail, b_lo + head, b_hi - tail)
        anchors = _unique_anchors(a, b, *mid)
        # Pieces are pushed last-first so that opcodes come out in order.
        if tail:
            pending.append((a_hi - tail, a_hi, b_hi - tail, b_hi))  # all equal: head only
        if anchors:
            pieces = []
            i, j = mid[0], mid[2]
            for ai, bj in anchors:
                pieces.append((i, ai, j, bj))
                pieces.append((ai, ai + 1, bj, bj + 1))
                i, j = ai + 1, bj + 1
            pieces.append((i, mid[1], j, mid[3]))
            pending.extend(reversed(pieces))
        else:
            _matcher_opcodes(opcodes, a, b, *mid)
    return opcodes


def _add(opcodes: list[Opcode], opcode: Opcode) -> None:
    """Append, merging with the previous opcode when both are ``equal``."""
    if opcodes and opcodes[-1][0] == opcode[0] == "equal":
        _, i1, _, j1, _ = opcodes[-1]
        opcodes[-1] = ("equal", i1, opcode[2], j1, opcode[4])
    else:
        opcodes.append(opcode)


def _matcher_opcodes(
    opcodes: list[Opcode], a: list[int], b: list[int], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> None:
    if a_lo == a_hi and b_lo == b_hi:
        return
    if a_lo == a_hi:
        _add(opcodes, ("insert", a_lo, a_lo, b_lo, b_hi))
    elif b_lo == b_hi:
        _add(opcodes, ("delete", a_lo, a_hi, b_lo, b_lo))
    else:
        import difflib  # only when a text changed (not on every hook's start)

        matcher = difflib.SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            _add(opcodes, (tag, a_lo + i1, a_lo + i2, b_lo + j1, b_lo + j2))


def _unique_anchors(
    a: list[int], b: list[int], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]`` occurring once in each range, in an order kept
    by both (the longest such chain); empty when the ranges are small or hold none."""
    if min(a_hi - a_lo, b_hi - b_lo) < _SMALL:
        return []
    in_a: dict[int, int] = {}
    for i in range(a_lo, a_hi):
        in_a[a[i]] = -1 if a[i] in in_a else i
    in_b: dict[int, int] = {}
    for j in range(b_lo, b_hi):
        line = b[j]
        if in_a.get(line, -1) >= 0:
            in_b[line] = -1 if line in in_b else j
    pairs = sorted((in_a[line], j) for line, j in in_b.items() if j >= 0)
    return _longest_increasing(pairs)


_SMALL = 2  # lines that occur once in both texts split even small pieces (patience diff)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of pairs increasing in both members (pairs sorted by the first)."""
    tails: list[int] = []  # tails[k]: index in pairs of the smallest end of a chain of k+1
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if pairs[tails[mid]][1] < j:
                lo = mid + 1
            else:
                hi = mid
        previous[index] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(index)
        else:
            tails[lo] = index
    chain: list[tuple[int, int]] = []
    index = tails[-1] if tails else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain


def map_line(opcodes: Sequence[Opcode], line: int) -> int:
    """Where old line ``line`` went (for a deleted line: where it was)."""
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "insert" or not i1 <= line < i2:
            continue
        if tag == "equal":
            return j1 + line - i1
        return j1 + (line - i1) * (j2 - j1) // (i2 - i1)
    return opcodes[-1][4] if opcodes else 0


def map_lines(opcodes: Sequence[Opcode], first: int, end: int) -> tuple[int, int] | None:
    """The new lines that old lines ``first .. end - 1`` became, or None if all were deleted."""
    lo: int | None = None
    hi = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "insert":
            if first < i1 < end:  # inserted strictly inside the region
                new_lo, new_hi = j1, j2
            else:
                continue
        else:
            overlap_lo, overlap_hi = max(i1, first), min(i2, end)
            if overlap_lo >= overlap_hi or tag == "delete":
                continue
            if tag == "equal":
                new_lo, new_hi = j1 + overlap_lo - i1, j1 + overlap_hi - i1
            else:  # replace: the region's share of the replacement block
                old_n, new_n = i2 - i1, j2 - j1
                new_lo = j1 + (overlap_lo - i1) * new_n // old_n
                new_hi = j1 - (-(overlap_hi - i1) * new_n // old_n)  # ceiling division
        if lo is None:
            lo = new_lo
        hi = max(hi, new_hi)
    return None if lo is None else (lo, hi)


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
