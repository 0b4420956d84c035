"""The claims of every commit in history (:class:`ClaimIndex`): by commit, by path and by
code (path and fingerprint), with the latest valid owner of a piece of code. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ownit.core import trailers as tr
from ownit.core.model import Evidence
from ownit.core.record import Record, set_field

# Why the claim ``claim`` of commit ``sha`` is invalid ("" or None: it is valid), from
# :mod:`ownit.core.claim_validity`; an invalid claim owns nothing.
InvalidWhy = Callable[[str, tr.ClaimLine], "str | None"]


def all_valid(sha: str, claim: tr.ClaimLine) -> str | None:
    """No claim is invalid (what readers that judge nothing pass)."""
    return None


class CommitClaims(Record):
    """What history says about one commit: its claims and whether an AI tool helped."""

    __slots__ = ("ai_evidence", "ai_reason", "ai_tool", "claims", "order", "sha")
    _fields = (
        "sha",
        "order",
        "claims",
        "ai_tool",
        "ai_reason",
        "ai_evidence",
    )  # (repr in this order)
    sha: str
    order: int  # position in history, oldest first (larger is later)
    claims: tuple[tr.ClaimLine, ...]
    ai_tool: str | None  # the tool when the commit is AI-assisted ("" = unknown)
    ai_reason: str
    ai_evidence: str  # the commit-level attribution's Evidence value ("" = none)

    def __init__(
        self,
        sha: str,
        order: int,
        claims: tuple[tr.ClaimLine, ...] = (),
        ai_tool: str | None = None,
        ai_reason: str = "",
        ai_evidence: str = "",
    ) -> None:
        set_field(self, "sha", sha)
        set_field(self, "order", order)
        set_field(self, "claims", claims)
        set_field(self, "ai_tool", ai_tool)
        set_field(self, "ai_reason", ai_reason)
        set_field(self, "ai_evidence", ai_evidence)

    @property
    def commit_evidence(self) -> Evidence:
        """The evidence class of the commit-level attribution (corroborated by default)."""
        try:
            return Evidence(self.ai_evidence)
        except ValueError:
            return Evidence.CORROBORATED

    @property
    def ai(self) -> bool:
        return self.ai_tool is not None


class ClaimIndex:
    """Claims of every commit in history, by commit and by code (path and fingerprint).

    Mutable (:meth:`add`), so unhashable; equal when the commits are (the tables by code
    and by path are built from them on first use)."""

    __slots__ = ("_by_code", "_by_path", "commits")

    def __init__(self, commits: dict[str, CommitClaims] | None = None) -> None:
        self.commits: dict[str, CommitClaims] = {} if commits is None else commits
        self._by_code: dict[tuple[str, str], list[tuple[CommitClaims, tr.ClaimLine]]] | None
        self._by_code = None
        self._by_path: dict[str, list[tuple[CommitClaims, tr.ClaimLine]]] | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClaimIndex):
            return NotImplemented
        return self.commits == other.commits

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}(commits={self.commits!r})"

    def add(self, entry: CommitClaims) -> None:
        self.commits[entry.sha] = entry
        self._by_code = None
        self._by_path = None

    def find_owner(
        self,
        path: str,
        fp: str,
        after: int = -1,
        *,
        aliases: Iterable[str] = (),
        invalid: InvalidWhy = all_valid,
    ) -> tuple[CommitClaims, tr.ClaimLine] | None:
        """The latest valid ``AI-Owned`` claim for this code (path, or one of the other
        names ``aliases`` the file had, and fingerprint) in a commit later than position
        ``after``; ``invalid`` says which claims are invalid (those own nothing)."""
        best: tuple[CommitClaims, tr.ClaimLine] | None = None
        for name in dict.fromkeys((path, *aliases)):
            # the claims of this code, by commit as added, a commit's in their order: of a
            # commit, its first valid owned one (a later one of it is never later)
            for entry, claim in self._code_index().get((name, fp), ()):
                if entry.order <= after or not claim.owned or invalid(entry.sha, claim):
                    continue
                if best is None or entry.order > best[0].order:
                    best = (entry, claim)
        return best

    def claims_for_path(self, path: str) -> list[tuple[CommitClaims, tr.ClaimLine]]:
        """Every claim on ``path``, latest commit first."""
        if self._by_path is None:
            by_path: dict[str, list[tuple[CommitClaims, tr.ClaimLine]]] = {}
            for entry in self.commits.values():
                for claim in entry.claims:
                    by_path.setdefault(claim.path, []).append((entry, claim))
            for items in by_path.values():
                items.sort(key=lambda item: -item[0].order)
            self._by_path = by_path
        return self._by_path.get(path, [])

    def _code_index(self) -> dict[tuple[str, str], list[tuple[CommitClaims, tr.ClaimLine]]]:
        if self._by_code is None:
            by_code: dict[tuple[str, str], list[tuple[CommitClaims, tr.ClaimLine]]] = {}
            for entry in self.commits.values():
                for claim in entry.claims:
                    by_code.setdefault((claim.path, claim.fingerprint), []).append((entry, claim))
            self._by_code = by_code
        return self._by_code


def index_from(entries: Iterable[CommitClaims]) -> ClaimIndex:
    index = ClaimIndex()
    for entry in entries:
        index.commits[entry.sha] = entry
    return index


class SpanIndex:
    """Which of a list of closed line ranges ``[first, last]`` hold a line, in
    O(log n + k) (a centred interval tree, built once): a commit may carry thousands of
    claims for one file, and every blamed line of it asks. A range with ``first > last``
    holds nothing."""

    __slots__ = ("_root",)

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        items = [(first, last, at) for at, (first, last) in enumerate(spans) if first <= last]
        self._root = _span_node(items)

    def holding(self, line: int) -> tuple[int, ...]:
        """The positions (in the list given) of the ranges holding ``line``, ascending."""
        found: list[int] = []
        node = self._root
        while node is not None:
            center, by_first, by_last, left, right = node
            if line < center:
                for first, at in by_first:
                    if first > line:
                        break
                    found.append(at)
                node = left
            elif line > center:
                for last, at in by_last:
                    if last < line:
                        break
                    found.append(at)
                node = right
            else:
                found.extend(at for _first, at in by_first)
                break
        found.sort()
        return tuple(found)


# (centre, the ranges holding it by first ascending, by last descending, left, right)
_SpanNode = tuple[
    int, list[tuple[int, int]], list[tuple[int, int]], "_SpanNode | None", "_SpanNode | None"
]


def _span_node(items: list[tuple[int, int, int]]) -> _SpanNode | None:
    if not items:
        return None
    ends = sorted(end for first, last, _at in items for end in (first, last))
    center = ends[len(ends) // 2]  # the median end: each side holds at most half the ranges
    here = [item for item in items if item[0] <= center <= item[1]]
    return (
        center,
        sorted((first, at) for first, _last, at in here),
        sorted(((last, at) for _first, last, at in here), key=lambda pair: (-pair[0], pair[1])),
        _span_node([item for item in items if item[1] < center]),
        _span_node([item for item in items if item[0] > center]),
    )
