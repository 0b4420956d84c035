"""The fixes `ownit verify` offers: commands to run in a working tree at the tip (line
numbers carried there), never a rewrite of a published commit. Pure: the blobs come in
through a function."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ownit.core import trailers as tr
from ownit.core.claim_validity import Problem, claim_command
from ownit.core.later_claims import TipLines
from ownit.core.policy import EffectiveRule
from ownit.core.verify_findings import CommitLike

Blobs = Callable[[str, str], "list[str] | None"]


def line_ranges(lines: Sequence[int]) -> list[tuple[int, int]]:
    """Line numbers as maximal runs ``(first, last)``, in order."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(lines)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def range_text(ranges: Sequence[tuple[int, int]]) -> str:
    """``1-3, 7``."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


class FixText:
    """The fix of each problem, for a range whose tip is ``tip`` (None: no tip to carry
    lines to) and whose commits in ``published`` are never to be rewritten."""

    def __init__(
        self,
        blobs: Blobs,
        tip: str | None,
        published: frozenset[str],
        rule: Callable[[str], EffectiveRule],
    ) -> None:
        self.blobs = blobs
        self.tip = tip
        self.published = published
        self.rule = rule
        self._tip_index_cache: dict[str, TipLines | None] = {}

    def problem_message(self, commit: CommitLike, kind: Problem, message: str) -> str:
        if kind in (Problem.PATH_MISSING, Problem.OUT_OF_RANGE) and commit.sha in self.published:
            return (
                message
                + " (the commit is published: the line cannot be removed, and it owns nothing)"
            )
        return message

    def problem_fix(self, commit: CommitLike, claim: tr.ClaimLine, kind: Problem, fix: str) -> str:
        """The fix of a claim's problem: a command to run at the tip (never a rewrite of
        a published commit)."""
        published = commit.sha in self.published
        email = (claim.owner_email or "").strip()
        if kind is Problem.PATH_MISSING:
            return (
                ""
                if published
                else "remove this claim line from the commit message (git rebase -i, reword), "
                "then claim the code where it really is"
            )
        if kind is Problem.OUT_OF_RANGE:
            return (
                ""
                if published
                else "remove this claim line from the commit message (git rebase -i, reword)"
            )
        if kind is Problem.FINGERPRINT_MISMATCH:
            return self.claim(commit, claim.path, claim.first, "look at the code again first")
        if kind is Problem.OWNER_NOT_COMMITTER:
            return self.claim(commit, claim.path, claim.first, f"run by {email}")
        if kind is Problem.RATIONALE:
            return self.claim(
                commit,
                claim.path,
                claim.first,
                "with a rationale that says what was checked and why the code is right",
            )
        if kind is Problem.OWNER_NOT_ALLOWED:
            owners = ", ".join(self.rule(claim.path).owners)
            return self.claim(commit, claim.path, claim.first, f"run by one of {owners}")
        if kind in (
            Problem.SIGNATURE_MISSING,
            Problem.SIGNATURE_INVALID,
            Problem.SIGNATURE_EXPIRED,
        ):
            return self.claim(
                commit, claim.path, claim.first, f"run by {email}, with signing set up"
            )
        return fix

    def tip_index(self, path: str) -> TipLines | None:
        if path not in self._tip_index_cache:
            tip = self.tip_lines(path)
            self._tip_index_cache[path] = None if tip is None else TipLines(tip)
        return self._tip_index_cache[path]

    def tip_line(self, sha: str, path: str, line: int) -> int | None:
        """Where 1-based ``line`` of ``path`` in commit ``sha`` is at the tip (1-based),
        or None when it is not there any more (:class:`TipLines`)."""
        if sha == self.tip:
            return line
        here = self.blobs(sha, path)
        index = self.tip_index(path)
        if here is None or index is None:
            return None
        return index.find(here, line)

    def own(
        self, commit: CommitLike, path: str, firsts: Sequence[int], gone: Sequence[int] = ()
    ) -> str:
        """How to own lines (first lines of runs, in ``commit``'s file) with claims of a
        later commit: ``ownit claim … --commit`` per run at its place at the tip, which
        never rewrites a commit (the only way for a published one). ``gone``: lines no
        longer at the tip, which only the commit itself can own (not yet pushed)."""
        at_tip = [self.tip_line(commit.sha, path, n) for n in firsts]
        places = list(dict.fromkeys(n for n in at_tip if n is not None))
        rebase = (
            f"{'line' if len(gone) == 1 else 'lines'} {range_text(line_ranges(gone))}"
            f" {'is' if len(gone) == 1 else 'are'} not at the tip any more: own"
            f" {'it' if len(gone) == 1 else 'them'} in this commit before it is pushed"
            " (git rebase -i, edit; ownit claim; git commit --amend)"
        )
        if not places:
            return rebase if gone else "own these lines in this commit (git rebase -i, edit)"
        command = " && ".join(claim_command(path, n) + " --commit" for n in places)
        if gone:
            return f"{command}  # {rebase}"
        if commit.sha in self.published or commit.sha != self.tip:
            return command
        return (
            command + "  # or, with ownit hooks: ownit claim …, then git commit --amend --no-edit"
        )

    def tip_lines(self, path: str) -> list[str] | None:
        return None if self.tip is None else self.blobs(self.tip, path)

    def claim(self, commit: CommitLike, path: str, first: int, note: str = "") -> str:
        """How to replace a bad claim line (line ``first`` of ``path`` in ``commit``): a
        valid claim of the code in a claim-only commit; the bad line owns nothing, and in a
        commit not yet pushed it can also be removed."""
        line = self.tip_line(commit.sha, path, first)
        if line is None:
            return (
                "the claimed code is not at the tip any more: nothing to own now"
                if commit.sha in self.published
                else "remove this claim line from the commit message (git rebase -i, reword)"
            )
        notes = [note] if note else []
        if commit.sha not in self.published:
            notes.append("and, before pushing, remove the bad line (git rebase -i, reword)")
        command = claim_command(path, line) + " --commit"
        return command + (f"  # {'; '.join(notes)}" if notes else "")
