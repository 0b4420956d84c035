"""Find the window of N lines whose fingerprint matches, nearest to line K. Pure.

The one search behind the commit hooks (a region carried to the staged blob), verify and
the claim judgement (a claim's code at the tip), provenance (a claim in a blamed file),
Agent Trace import (a range's content hash) and re-anchoring (:mod:`ownit.core.reanchor`).

The rule, everywhere: of the windows that match, the one whose first line is nearest to
``near`` wins; of two equally near, the earlier one (``near - d`` before ``near + d``).

A :class:`WindowFinder` normalizes and encodes a text's lines once (a window's
fingerprint is then the SHA-256 of one slice, the value :func:`fingerprint` gives) and
remembers every window it hashed, so many searches in one text share the work:

- :meth:`WindowFinder.find` knows only the fingerprint: it hashes windows outward from
  ``near`` and stops at the first match; once every window of a length was hashed, the
  later searches of that length are a table look-up;
- :meth:`WindowFinder.starts_of` knows the window's lines too: only where their rarest
  line occurs can a window match, so it hashes a few windows at most.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence

from ownit.core.fingerprint import FINGERPRINT_HEX_DIGITS, normalize_line


def scan_order(count: int, near: int) -> Iterator[int]:
    """``0 .. count - 1`` nearest to ``near`` first; of two equally near, the earlier:
    the order of ``sorted(range(count), key=lambda s: (abs(s - near), s))``."""
    if count <= 0:
        return
    if near <= 0:
        yield from range(count)
        return
    if near >= count - 1:
        yield from range(count - 1, -1, -1)
        return
    yield near
    for distance in range(1, count):
        before, after = near - distance, near + distance
        if before >= 0:
            yield before
        if after < count:
            yield after
        if before < 0 and after >= count:
            return


def nearest(starts: Iterable[int], near: int) -> int | None:
    """The start nearest to ``near`` (of two equally near, the earlier); None if none."""
    best: int | None = None
    for start in starts:
        if best is None or (abs(start - near), start) < (abs(best - near), best):
            best = start
    return best


def nearest_sorted(starts: Sequence[int], near: int) -> int | None:
    """:func:`nearest` of ascending ``starts``, by bisection: a text whose windows repeat
    (thousands of equal lines) costs a claim a log, not a walk of every match."""
    at = bisect_left(starts, near)
    after = starts[at] if at < len(starts) else None
    before = starts[at - 1] if at > 0 else None
    if before is None or (after is not None and after - near < near - before):
        return after
    return before  # of two equally near, the earlier


def find_window(
    line_count: int, length: int, near: int, matches: Callable[[int], bool]
) -> int | None:
    """The first line of the window of ``length`` lines (of ``line_count``) that
    ``matches(start)`` accepts, nearest to ``near``; None if none does. For a content
    test other than the fingerprint (Agent Trace's content hashes)."""
    if length < 1 or length > line_count:
        return None
    for start in scan_order(line_count - length + 1, near):
        if matches(start):
            return start
    return None


class WindowFinder:
    """Windows of one text's lines, by fingerprint.

    ``normalized``: the lines are already as fingerprints see them (``normalize_line``).
    ``budget``: how many lines :meth:`find` may hash in all (None: no limit), so that a
    blamed file with many claims of many lengths stays fast: the first search of a length
    is charged every window of that length (``(lines - length + 1) * length``), and a
    length that would cost more than is left gives None.
    """

    def __init__(
        self, lines: Sequence[str], *, normalized: bool = False, budget: int | None = None
    ) -> None:
        self.lines: list[str] = (
            list(lines) if normalized else [normalize_line(line) for line in lines]
        )
        self._budget = budget
        self._charged: set[int] = set()  # lengths the budget paid for
        self._where: dict[str, list[int]] | None = None  # built when a search needs it
        # The text as fingerprints hash it, once: a window of lines is then one slice.
        encoded = [line.encode("utf-8", "surrogatepass") for line in self.lines]
        self._blob = memoryview(b"\n".join(encoded))
        self._offsets = [0]
        for data in encoded:
            self._offsets.append(self._offsets[-1] + len(data) + 1)
        self._window_fps: dict[tuple[int, int], str] = {}
        self._tables: dict[int, dict[str, list[int]]] = {}  # every window of a length
        self._searched: set[int] = set()  # lengths searched once without a table
        self._wanted: dict[int, set[bytes]] = {}  # window scans: digests per length
        self._all_windows: dict[int, dict[bytes, list[int]]] = {}

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def where(self) -> dict[str, list[int]]:
        """Line numbers of the text, by (normalized) line."""
        if self._where is None:
            self._where = {}
            for index, line in enumerate(self.lines):
                self._where.setdefault(line, []).append(index)
        return self._where

    def window_fp(self, start: int, count: int) -> str:
        """``fingerprint(lines[start : start + count])``, hashed once."""
        key = (start, count)
        fp = self._window_fps.get(key)
        if fp is None:
            import hashlib  # (see every_window)

            window = self._blob[self._offsets[start] : self._offsets[start + count] - 1]
            fp = hashlib.sha256(window).hexdigest()[:FINGERPRINT_HEX_DIGITS]
            self._window_fps[key] = fp
        return fp

    # -- by fingerprint alone ----------------------------------------------------------------

    def find(
        self, fp: str, length: int, near: int = 0, first_line: str | None = None
    ) -> int | None:
        """The first line of the window of ``length`` lines whose fingerprint is ``fp``,
        nearest to line ``near``; None when there is none. ``first_line``: the window's
        first line (normalized), when known: only the windows starting with it are hashed
        (the same answer)."""
        total = len(self.lines)
        if length < 1 or length > total:
            return None
        table = self._tables.get(length)
        if table is not None:
            return nearest_sorted(table.get(fp, ()), near)
        if not self._afford(length):
            return None
        if first_line is None and length in self._searched:
            # A second search of a length (the first found its window early): every
            # window of it once, then each later search is a look-up, not a scan.
            return nearest_sorted(self._table(length).get(fp, ()), near)
        if first_line is not None:
            starts = [s for s in self.where.get(first_line, ()) if s <= total - length]
            for start in sorted(starts, key=lambda s: (abs(s - near), s)):
                if self.window_fp(start, length) == fp:
                    return start
            return None
        self._searched.add(length)
        for start in scan_order(total - length + 1, near):
            if self.window_fp(start, length) == fp:
                return start
        self._table(length)  # every window of this length is hashed now: keep them
        return None

    def _table(self, length: int) -> dict[str, list[int]]:
        """Start lines of every window of ``length`` lines by fingerprint, ascending."""
        table = self._tables.get(length)
        if table is None:
            table = self._tables[length] = {}
            for start in range(len(self.lines) - length + 1):
                table.setdefault(self.window_fp(start, length), []).append(start)
        return table

    def _afford(self, length: int) -> bool:
        """Whether the budget pays for the windows of ``length`` lines: each length is
        charged once, for all its windows; a length that would cost more than is left is
        not searched."""
        if self._budget is None or length in self._charged:
            return True
        cost = (len(self.lines) - length + 1) * length
        if cost > self._budget:
            return False
        self._budget -= cost
        self._charged.add(length)
        return True

    def find_range(self, fp: str, length: int, near: int = 0) -> tuple[int, int] | None:
        """:meth:`find` as a half-open range of lines."""
        start = self.find(fp, length, near)
        return None if start is None else (start, start + length)

    # -- knowing the window's lines ----------------------------------------------------------

    def starts_of(self, window_lines: Sequence[str], fp: str) -> list[int]:
        """Start lines of every window holding ``fp`` over as many lines as
        ``window_lines`` (normalized; the lines ``fp`` was taken of), in order: only where
        their rarest line sits at the right offset can a window match."""
        count = len(window_lines)
        if count < 1 or count > len(self.lines):
            return []
        where = self.where
        offset = min(range(count), key=lambda k: len(where.get(window_lines[k], ())))
        starts = []
        for at in where.get(window_lines[offset], ()):
            start = at - offset
            if 0 <= start <= len(self.lines) - count and self.window_fp(start, count) == fp:
                starts.append(start)
        return starts

    # -- many fingerprints of one length, by one scan ----------------------------------------

    def want(self, digest: bytes, count: int) -> None:
        """Note a digest prefix (a fingerprint's bytes) :meth:`every_window` of ``count``
        lines should index, so that one scan per length serves every search of it."""
        self._wanted.setdefault(count, set()).add(digest)

    def every_window(self, count: int) -> dict[bytes, list[int]]:
        """Start lines of the windows of ``count`` lines, by (wanted) digest prefix."""
        table = self._all_windows.get(count)
        if table is None:
            table = self._all_windows[count] = {}
            wanted = self._wanted.get(count, set())
            # hashlib's (OpenSSL's) SHA-256 is faster on many windows than the one
            # core.fingerprint uses, but loading it costs a hook ≈ 2.5 ms: only when a
            # window is searched for.
            import hashlib

            blob, offsets = self._blob, self._offsets
            sha256, size = hashlib.sha256, len(next(iter(wanted), b""))
            for start in range(len(self.lines) - count + 1) if wanted else ():
                prefix = sha256(blob[offsets[start] : offsets[start + count] - 1]).digest()[:size]
                if prefix in wanted:
                    table.setdefault(prefix, []).append(start)
        return table


def digest_prefix(fp: str) -> bytes | None:
    """A fingerprint as the digest bytes it shows, or None if it is not one."""
    if len(fp) != FINGERPRINT_HEX_DIGITS or fp != fp.lower():  # as fingerprint() writes it
        return None
    try:
        return bytes.fromhex(fp)
    except ValueError:
        return None


def find_fingerprint(
    lines: Sequence[str], fp: str, length: int, near: int = 0
) -> tuple[int, int] | None:
    """The half-open range of ``length`` lines of ``lines`` whose fingerprint is ``fp``,
    the one nearest to line ``near``; None when there is none. One search: make a
    :class:`WindowFinder` for several in the same text."""
    if length < 1 or length > len(lines):
        return None
    with _RECENT_LOCK:
        return _finder_for(lines).find_range(fp, length, near)


# The finders of the last texts searched. Callers search one text many times (a message of
# thousands of claim lines, forged or squashed, each looked for in its file): each search
# after the first of a length is then a look-up, not a scan of the whole text (minutes for
# one commit). Held by the lines object and a copy of its items, so that an equal text in
# another list, or a list changed since, is indexed afresh; under a lock (the server
# searches from worker threads).
_RECENT: list[tuple[Sequence[str], list[str], WindowFinder]] = []
_KEEP_RECENT = 8
_RECENT_LOCK = threading.Lock()


def _finder_for(lines: Sequence[str]) -> WindowFinder:
    for held, items, finder in _RECENT:
        if held is lines and items == lines:  # the same strings: a pointer compare each
            return finder
    finder = WindowFinder(lines)
    _RECENT.append((lines, list(lines), finder))
    if len(_RECENT) > _KEEP_RECENT:
        del _RECENT[0]
    return finder
