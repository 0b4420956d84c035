"""Code committed unowned (``AI-Unowned``) that no later claim of the range owns
(:class:`UnownedTracker`), and where it still is at the tip (:func:`unowned_at_tip`):
verify and report share it. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ownit.core import trailers as tr
from ownit.core.claim_validity import locate
from ownit.core.verify_findings import CommitLike


def locate_at_tip(claim: tr.ClaimLine, tip: Sequence[str] | None) -> tuple[int, int] | None:
    """Where the claim's code (its fingerprint, over as many lines) is in the tip's text,
    looking near the claimed lines first (:func:`ownit.core.claim_validity.locate`):
    1-based inclusive, or None when it is gone."""
    return None if tip is None else locate(claim, tip)


class UnownedTracker:
    """Code committed unowned (``AI-Unowned``) in a range that no later ``AI-Owned`` claim
    of the range owns, by code (path and fingerprint). Feed it the claims in range order
    (oldest commit first); an ``AI-Unowned`` claim after an ``AI-Owned`` one for the same
    code makes it unowned again."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str], tuple[CommitLike, tr.ClaimLine]] = {}

    def rename(self, moves: Iterable[tuple[str, str]]) -> None:
        """One commit's renames (``(old, new)``, see ``history.renames``): code pending
        under an old name is pending under the new one (a claim there owns it). Call it
        before :meth:`see` for that commit's claims."""
        moved = dict(moves)
        if not moved:
            return
        pending: dict[tuple[str, str], tuple[CommitLike, tr.ClaimLine]] = {}
        for (path, fp), (commit, claim) in self._pending.items():
            new = moved.get(path)
            if new is not None:
                claim = claim.replace(path=new)
                path = new
            pending.setdefault((path, fp), (commit, claim))
        self._pending = pending

    def see(self, commit: CommitLike, claim: tr.ClaimLine) -> bool:
        """Record one claim; True when it starts an unowned stretch of its code."""
        key = (claim.path, claim.fingerprint)
        if claim.owned:
            self._pending.pop(key, None)
            return False
        if key in self._pending:
            return False
        self._pending[key] = (commit, claim)
        return True

    def is_unowned(self, path: str, fp: str) -> bool:
        return (path, fp) in self._pending

    def pending(self) -> list[tuple[CommitLike, tr.ClaimLine]]:
        """The claim that left each still-unowned code unowned, in the order first seen;
        its path is the code's file as the last rename left it."""
        return list(self._pending.values())


@dataclass(frozen=True, slots=True)
class UnownedAtTip:
    """Code committed unowned and still unowned at the tip, where it is there."""

    commit: CommitLike  # the commit whose AI-Unowned claim left it unowned
    claim: tr.ClaimLine
    first: int  # 1-based inclusive, in the tip's file
    last: int


def unowned_at_tip(
    pending: Iterable[tuple[CommitLike, tr.ClaimLine]],
    tip_lines: Callable[[str], Sequence[str] | None],
) -> list[UnownedAtTip]:
    """Which of the ``pending`` code (:meth:`UnownedTracker.pending`) is still in the tip's
    files (``tip_lines(path)``; None when the path is not there)."""
    out: list[UnownedAtTip] = []
    for commit, claim in pending:
        where = locate_at_tip(claim, tip_lines(claim.path))
        if where is not None:
            out.append(UnownedAtTip(commit, claim, where[0], where[1]))
    return out
