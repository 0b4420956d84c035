"""The regions of an open document, kept in text order so that an edit touches only the
regions it can affect. Pure.

An edit replaces old lines ``chunk_first .. chunk_last`` (``EditResult``). A region whose
lines all come before ``chunk_first`` is left as it is; one starting after ``chunk_last``
only moves by the edit's line delta (``EditResult.map`` does nothing else to it); only the
regions holding a line of the chunk go through ``tracking.transform``. Regions are sorted
by start, so the ones starting in the chunk are found by bisection; the ones starting
before it and reaching into it lie within the longest region's line count before it.

The move of every later region is lazy: a pending line delta for a suffix of the sorted
list, summed in a Fenwick tree, so an edit costs O(log n) plus the regions it touches.
Anything that reads the regions (iteration, look-up by id, adding or removing one) first
applies the pending deltas to them (``settle``), so outside this module a region's span
and lines are always exact.

Between two regions starting in the chunk the order may change (an edit deleting the
head of one); nothing else can: regions before the chunk keep their start, regions in it
start within the new chunk lines, regions after it start after them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar

from ownit.core.text import EditResult, Pos, TextBuffer
from ownit.core.tracking import Span, line_range, transform


class Placed(Protocol):
    """What the index holds: something with an id and a span it can be moved to."""

    @property
    def key(self) -> str: ...

    @property
    def span(self) -> Span: ...

    def place(self, span: Span) -> None:
        """Take ``span`` (and the lines it covers) as the region's extent."""

    def shift(self, delta: int) -> None:
        """Move by ``delta`` whole lines (``place(shifted(span, delta))``, only faster)."""


T = TypeVar("T", bound=Placed)


def shifted(span: Span, delta: int) -> Span:
    if not delta:
        return span
    return Span(
        Pos(span.start.line + delta, span.start.col), Pos(span.end.line + delta, span.end.col)
    )


class _Fenwick:
    """Prefix sums of per-index additions (a suffix add is one point add)."""

    __slots__ = ("tree",)

    def __init__(self, size: int) -> None:
        self.tree = [0] * (size + 1)

    def add(self, index: int, delta: int) -> None:
        index += 1
        tree = self.tree
        while index < len(tree):
            tree[index] += delta
            index += index & -index

    def prefix(self, index: int) -> int:
        """The sum of the additions at indices ``0 .. index``."""
        index += 1
        total = 0
        tree = self.tree
        while index > 0:
            total += tree[index]
            index -= index & -index
        return total


class Moved(Generic[T]):
    """What one edit did to the regions it touched."""

    __slots__ = ("changed", "removed", "shifted")

    def __init__(self) -> None:
        # (item, span before the edit, span after it): regions the edit touched
        self.changed: list[tuple[T, Span, Span]] = []
        self.removed: list[T] = []  # regions whose text is gone
        self.shifted = 0  # how many later regions only moved by the line delta


class RegionIndex(Generic[T]):
    """Regions by id, in text order, with lazily applied line moves."""

    __slots__ = ("_by_key", "_items", "_max_lines", "_pending", "_shift")

    def __init__(self) -> None:
        self._items: list[T] = []  # sorted by span start (as placed plus pending delta)
        self._by_key: dict[str, T] = {}
        self._shift = _Fenwick(0)
        self._pending: list[tuple[int, int]] = []  # (index, delta) added to the Fenwick tree
        self._max_lines = 0  # no region spans more lines than this (an upper bound)

    # -- reading: every read sees exact spans ------------------------------------------

    def settle(self) -> None:
        """Apply the pending line deltas to the regions themselves."""
        if not self._pending:
            return
        starts = sorted(self._pending)
        self._pending = []
        self._shift = _Fenwick(len(self._items))
        delta = 0
        next_index = 0
        for index, item in enumerate(self._items):
            while next_index < len(starts) and starts[next_index][0] <= index:
                delta += starts[next_index][1]
                next_index += 1
            if delta:
                item.shift(delta)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.keys()))

    def keys(self) -> list[str]:
        self.settle()
        return [item.key for item in self._items]

    def values(self) -> list[T]:
        self.settle()
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        self.settle()
        return [(item.key, item) for item in self._items]

    def get(self, key: str, default: T | None = None) -> T | None:
        item = self._by_key.get(key)
        if item is None:
            return default
        self.settle()
        return item

    def __getitem__(self, key: str) -> T:
        item = self._by_key[key]
        self.settle()
        return item

    def overlapping(self, first_line: int, last_line: int) -> list[T]:
        """Regions holding a character on a line ``first_line .. last_line``, in order."""
        self.settle()
        found = []
        for index in self._touching(first_line, last_line):
            item = self._items[index]
            first, end = line_range(item.span)
            if first <= last_line and first_line < end:
                found.append(item)
        return found

    # -- changing the set of regions ------------------------------------------------------

    def __setitem__(self, key: str, item: T) -> None:
        if item.key != key:
            raise ValueError(f"region {item.key!r} stored under {key!r}")
        if key in self._by_key:
            self._remove(self._by_key[key])
        self.settle()
        self._by_key[key] = item
        start = item.span.start
        lo, hi = 0, len(self._items)
        while lo < hi:  # after every region starting at or before it: insertion order kept
            mid = (lo + hi) // 2
            if self._items[mid].span.start <= start:
                lo = mid + 1
            else:
                hi = mid
        self._items.insert(lo, item)
        self._shift = _Fenwick(len(self._items))
        self._max_lines = max(self._max_lines, _lines(item.span))

    def add_all(self, items: list[T], *, in_order: bool = False, longest: int = -1) -> None:
        """Add many regions at once (one sort, not one insertion each). ``in_order``: the
        items are in text order already (sorted by span start), so added to an empty
        index they need no sort; ``longest``: no item spans more lines than this, when
        the caller knows it (-1: measured here)."""
        if not items:
            return
        self.settle()
        by_key = self._by_key
        if in_order and not self._items and longest >= 0:
            for item in items:
                by_key[item.key] = item
            if len(by_key) == len(items):  # no key twice: the list is the index
                self._items = list(items)
                self._shift = _Fenwick(len(items))
                self._max_lines = max(self._max_lines, longest)
                return
            by_key.clear()
        for item in items:
            if item.key in by_key:
                self._remove(by_key[item.key])
            by_key[item.key] = item
            self._max_lines = max(self._max_lines, _lines(item.span))
        self._items.extend(items)
        self._items.sort(key=lambda item: item.span.start)  # stable: equal starts keep order
        self._shift = _Fenwick(len(self._items))

    def __delitem__(self, key: str) -> None:
        self._remove(self._by_key[key])

    def pop(self, key: str, default: T | None = None) -> T | None:
        item = self._by_key.get(key)
        if item is None:
            return default
        self._remove(item)
        return item

    def clear(self) -> None:
        self._items, self._by_key, self._pending = [], {}, []
        self._shift = _Fenwick(0)
        self._max_lines = 0

    def _remove(self, item: T) -> None:
        self.settle()
        del self._by_key[item.key]
        for index, held in enumerate(self._items):
            if held is item:
                del self._items[index]
                break
        self._shift = _Fenwick(len(self._items))

    # -- edits --------------------------------------------------------------------------

    def _start_line(self, index: int) -> int:
        return self._items[index].span.start.line + self._shift.prefix(index)

    def _first_starting_at(self, line: int) -> int:
        """The first index whose region starts on ``line`` or later."""
        lo, hi = 0, len(self._items)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._start_line(mid) < line:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _touching(self, first_line: int, last_line: int) -> list[int]:
        """Indices of the regions with a line in ``first_line .. last_line`` (by their
        exact spans: pending deltas included)."""
        lo = self._first_starting_at(first_line - self._max_lines)
        hi = self._first_starting_at(last_line + 1)
        found = []
        for index in range(lo, hi):
            delta = self._shift.prefix(index)
            span = self._items[index].span
            if span.end.line + delta >= first_line:
                found.append(index)
        return found

    def apply(self, edit: EditResult, buffer: TextBuffer) -> Moved[T]:
        """Move every region through ``edit`` (already applied to ``buffer``)."""
        moved: Moved[T] = Moved()
        if not self._items:
            return moved
        first_old = edit.chunk_first
        last_old = edit.chunk_first + len(edit.old_chunk_lines) - 1
        touched = self._touching(first_old, last_old)
        after = self._first_starting_at(last_old + 1)
        gone: list[int] = []
        for index in touched:
            item = self._items[index]
            delta = self._shift.prefix(index)
            old = shifted(item.span, delta)
            new = transform(old, edit, buffer)
            if new is None:
                gone.append(index)
                moved.removed.append(item)
                continue
            if new != old:
                item.place(shifted(new, -delta))
            moved.changed.append((item, old, new))
            self._max_lines = max(self._max_lines, _lines(new))
        if edit.line_delta and after < len(self._items):
            self._shift.add(after, edit.line_delta)
            self._pending.append((after, edit.line_delta))
            moved.shifted = len(self._items) - after
        # Regions starting in the chunk may now be in another order among themselves.
        start_in_chunk = self._first_starting_at(first_old)
        if after - start_in_chunk > 1:
            self._resort(start_in_chunk, after)
        if gone:
            for item in moved.removed:
                self._remove(item)
        return moved

    def _resort(self, lo: int, hi: int) -> None:
        block = []
        for index in range(lo, hi):
            item = self._items[index]
            block.append((shifted(item.span, self._shift.prefix(index)), index, item))
        if all(block[k][0].start <= block[k + 1][0].start for k in range(len(block) - 1)):
            return
        block.sort(key=lambda entry: (entry[0].start, entry[1]))
        for offset, (span, _, item) in enumerate(block):
            index = lo + offset
            self._items[index] = item
            item.place(shifted(span, -self._shift.prefix(index)))


def _lines(span: Span) -> int:
    return span.end.line - span.start.line
