"""Owning history after the fact: which lines of an AI-assisted commit a *later* claim
owns. Pure.

An AI-assisted commit at commit level makes every line it adds AI-written. When nobody
claimed them in that commit, a later commit can (a claim-only commit, ``ownit claim
PATH:LINE --commit``, or the next ordinary commit carrying a claim made since). The
later claim names lines of the file *at its own commit*; those lines stand wherever the
history moved them. A line the AI-assisted commit added is owned by the later claim when

- the claimed code (its fingerprint, over as many lines) is found in the AI-assisted
  commit's file, and the line lies in that block (the code moved but is the same), or
- the line diff from the AI-assisted commit's file to the claim commit's file carries
  the line, unchanged, into the claimed range (lines around it changed, it did not).

Only claims a reader has judged valid in their own commit are given here (verify: found
at their lines or moved, by an owner it accepts); ``ownit verify`` and ``ownit report``
both call :func:`covered_lines`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ownit.core import trailers as tr
from ownit.core.fingerprint import normalize_line
from ownit.core.linemap import line_map
from ownit.core.window_finder import find_fingerprint


@dataclass(frozen=True, slots=True)
class LaterClaim:
    """A valid ``AI-Owned`` claim as it stands in its own commit's file."""

    order: int  # the claim commit's position in the range (larger is later)
    path: str
    first: int  # 1-based inclusive, where the code is in the claim commit's file
    last: int
    fingerprint: str
    lines: Sequence[str]  # the claim commit's file


def covered_lines(
    ai_lines: Sequence[str], wanted: Iterable[int], claims: Iterable[LaterClaim]
) -> set[int]:
    """The lines of ``wanted`` (1-based, lines of ``ai_lines``, the AI-assisted commit's
    file) that one of ``claims`` (on the same path, in later commits) owns."""
    left = set(wanted)
    out: set[int] = set()
    maps: dict[int, list[int | None]] = {}  # by id of the claim file's lines
    for claim in claims:
        if not left:
            break
        length = claim.last - claim.first + 1
        found = find_fingerprint(ai_lines, claim.fingerprint, length, near=claim.first - 1)
        if found is not None:
            block = set(range(found[0] + 1, found[1] + 1)) & left
            out |= block
            left -= block
        if not left:
            break
        key = id(claim.lines)
        mapping = maps.get(key)
        if mapping is None:
            mapping = maps[key] = line_map(ai_lines, claim.lines)
        for n in sorted(left):
            target = mapping[n - 1] if 0 < n <= len(mapping) else None
            if target is not None and claim.first <= target + 1 <= claim.last:
                out.add(n)
        left -= out
    return out


Blobs = Callable[[str, str], "Sequence[str] | None"]


Renames = Mapping[str, Sequence[tuple[str, str]]]  # commit -> (old, new) names it gave


def names_after(
    path: str, position: int, steps: Sequence[tuple[int, Sequence[tuple[str, str]]]]
) -> list[tuple[str, int]]:
    """The names ``path`` (as the commit at ``position`` has it) takes in later commits,
    each with the position of the commit that gave it; ``steps`` are (position, renames)
    in order. A claim made under one of these names, at or after that position, speaks of
    the same file."""
    names = [(path, position)]
    for at, moves in steps:
        if at <= position:
            continue
        for old, new in moves:
            if old == names[-1][0]:
                names.append((new, at))
                break
    return names


def rename_steps(
    order: Sequence[str], renames: Renames
) -> list[tuple[int, Sequence[tuple[str, str]]]]:
    """(position, renames) of the commits of ``order`` that rename files."""
    return [(i, renames[sha]) for i, sha in enumerate(order) if renames.get(sha)]


def later_on_path(
    order: Sequence[str], claims: Mapping[str, Sequence[tr.ClaimLine]]
) -> dict[str, list[tuple[int, str, tr.ClaimLine]]]:
    """Every ``AI-Owned`` claim of the range by path: (position, commit, claim)."""
    position = {sha: i for i, sha in enumerate(order)}
    out: dict[str, list[tuple[int, str, tr.ClaimLine]]] = {}
    for sha, items in claims.items():
        for claim in items:
            if claim.owned and sha in position:
                out.setdefault(claim.path, []).append((position[sha], sha, claim))
    return out


def blobs_wanted(
    order: Sequence[str],
    claims: Mapping[str, Sequence[tr.ClaimLine]],
    unclaimed: Mapping[str, Mapping[str, Sequence[int]]],
    renames: Renames | None = None,
) -> list[tuple[str, str]]:
    """The files (commit, path) :func:`take_owned_later` reads: those of AI-assisted
    commits with unclaimed lines in a path a later claim names (under any name the file
    takes later), and of those claims."""
    position = {sha: i for i, sha in enumerate(order)}
    by_path = later_on_path(order, claims)
    steps = rename_steps(order, renames or {})
    wanted: dict[tuple[str, str], None] = {}
    for sha, paths in unclaimed.items():
        for path, lines in paths.items():
            after = _after(by_path, path, position.get(sha, -1), steps)
            if lines and after:
                wanted[(sha, path)] = None
                wanted.update(((s, c.path), None) for _, s, c in after)
    return list(wanted)


def _after(
    by_path: Mapping[str, Sequence[tuple[int, str, tr.ClaimLine]]],
    path: str,
    position: int,
    steps: Sequence[tuple[int, Sequence[tuple[str, str]]]],
) -> list[tuple[int, str, tr.ClaimLine]]:
    """The claims of later commits on ``path`` under the names it takes after."""
    return [
        item
        for name, since in names_after(path, position, steps)
        for item in by_path.get(name, ())
        if item[0] > position and item[0] >= since
    ]


def take_owned_later(
    order: Sequence[str],
    claims: Mapping[str, Sequence[tr.ClaimLine]],
    unclaimed: Mapping[str, Mapping[str, Sequence[int]]],
    blobs: Blobs,
    renames: Renames | None = None,
) -> dict[str, dict[str, list[int]]]:
    """``unclaimed`` (per AI-assisted commit and path, the lines no claim of that commit
    states) without the lines an ``AI-Owned`` claim of a later commit owns, the claims
    taken as recorded (``ownit report`` counts them so; the later claim's lines are
    counted as owned code once, where it states them)."""
    position = {sha: i for i, sha in enumerate(order)}
    by_path = later_on_path(order, claims)
    steps = rename_steps(order, renames or {})
    out: dict[str, dict[str, list[int]]] = {}
    for sha, paths in unclaimed.items():
        kept: dict[str, list[int]] = {}
        for path, lines in paths.items():
            after = [
                LaterClaim(o, c.path, c.first, c.last, c.fingerprint, found)
                for o, s, c in _after(by_path, path, position.get(sha, -1), steps)
                if (found := blobs(s, c.path)) is not None
            ]
            here = blobs(sha, path) if after else None
            owned = covered_lines(here, lines, after) if here is not None else set()
            left = [n for n in lines if n not in owned]
            if left:
                kept[path] = left
        out[sha] = kept
    return out


class TipLines:
    """Where lines of an older version of a file are in the tip's version, cheaply (no
    diff: verify asks this for every AI-assisted commit of a long history): a line is
    there when its text is, at the place whose neighbouring lines match best, nearest
    to where it was. A line whose text is nowhere in the tip is gone."""

    CONTEXT = 2  # lines compared on each side

    def __init__(self, tip: Sequence[str]) -> None:
        self.tip = [normalize_line(line) for line in tip]
        self._at: dict[str, list[int]] = {}
        for index, text in enumerate(self.tip):
            self._at.setdefault(text, []).append(index)

    def has(self, text: str) -> bool:
        return normalize_line(text) in self._at

    def find(self, lines: Sequence[str], line: int) -> int | None:
        """Where 1-based ``line`` of ``lines`` is in the tip (1-based), or None."""
        if not 0 < line <= len(lines):
            return None
        places = self._at.get(normalize_line(lines[line - 1]))
        if not places:
            return None
        here = line - 1

        def score(place: int) -> tuple[int, int]:
            same = 0
            for step in range(1, self.CONTEXT + 1):
                for a, b in ((here - step, place - step), (here + step, place + step)):
                    if 0 <= a < len(lines) and 0 <= b < len(self.tip):
                        same += normalize_line(lines[a]) == self.tip[b]
            return same, -abs(place - here)

        return max(places, key=score) + 1
