"""The claims of every commit in history (:class:`ClaimIndex`): by commit, by path and by
code (path and fingerprint), with the latest valid owner of a piece of code. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ownit.core import trailers as tr
from ownit.core.model import Evidence

# Why the claim ``claim`` of commit ``sha`` is invalid ("" or None: it is valid), from
# :mod:`ownit.core.claim_validity`; an invalid claim owns nothing.
InvalidWhy = Callable[[str, tr.ClaimLine], "str | None"]


def all_valid(sha: str, claim: tr.ClaimLine) -> str | None:
    """No claim is invalid (what readers that judge nothing pass)."""
    return None


@dataclass(frozen=True, slots=True)
class CommitClaims:
    """What history says about one commit: its claims and whether an AI tool helped."""

    sha: str
    order: int  # position in history, oldest first (larger is later)
    claims: tuple[tr.ClaimLine, ...] = ()
    ai_tool: str | None = None  # the tool when the commit is AI-assisted ("" = unknown)
    ai_reason: str = ""
    ai_evidence: str = ""  # the commit-level attribution's Evidence value ("" = none)

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


@dataclass(slots=True)
class ClaimIndex:
    """Claims of every commit in history, by commit and by code (path and fingerprint)."""

    commits: dict[str, CommitClaims] = field(default_factory=dict)
    _by_code: dict[tuple[str, str], list[CommitClaims]] | None = None
    _by_path: dict[str, list[tuple[CommitClaims, tr.ClaimLine]]] | None = None

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
            for entry in self._code_index().get((name, fp), ()):
                if entry.order <= after:
                    continue
                for claim in entry.claims:
                    if (
                        claim.owned
                        and claim.path == name
                        and claim.fingerprint == fp
                        and not invalid(entry.sha, claim)
                    ):
                        if best is None or entry.order > best[0].order:
                            best = (entry, claim)
                        break
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

    def _code_index(self) -> dict[tuple[str, str], list[CommitClaims]]:
        if self._by_code is None:
            by_code: dict[tuple[str, str], list[CommitClaims]] = {}
            for entry in self.commits.values():
                for claim in entry.claims:
                    bucket = by_code.setdefault((claim.path, claim.fingerprint), [])
                    if not bucket or bucket[-1] is not entry:
                        bucket.append(entry)
            self._by_code = by_code
        return self._by_code


def index_from(entries: Iterable[CommitClaims]) -> ClaimIndex:
    index = ClaimIndex()
    for entry in entries:
        index.commits[entry.sha] = entry
    return index
