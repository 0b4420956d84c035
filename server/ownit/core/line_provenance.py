"""The records of ``ownit blame`` and the editor's history hints, one per line: a line as
``git blame --porcelain`` reports it (:class:`BlameLine`), what history says about it
(:class:`Verdict`, shared by the lines history speaks for alike) and both together
(:class:`LineProvenance`). Pure; :mod:`ownit.core.provenance` makes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ownit.core import trailers as tr

UNCOMMITTED = "0" * 40


# Named tuples, not dataclasses: made in a fraction of the time (a blame makes one
# BlameLine per line of the file) and defined in a fraction of it (every `ownit blame`
# loads this module).
class BlameLine(NamedTuple):
    """One line as ``git blame --porcelain`` reports it (line numbers 1-based)."""

    line: int  # in the file blamed
    commit: str
    orig_line: int  # in the introducing commit's version
    orig_path: str
    text: str


class Verdict(NamedTuple):
    """What history says about a line, without the line's own fields: one object shared
    by every line of a run that history speaks for alike (:func:`verdicts`)."""

    ai: bool = False
    tool: str | None = None
    owned: bool = False
    owner_email: str | None = None
    rationale: str = ""
    claim_commit: str | None = None  # the commit carrying the claim
    claim: tr.ClaimLine | None = None
    how: str = ""  # "claim", "later-claim", "moved-claim", "ai-commit", "" (human/unknown)
    evidence: str = ""  # an Evidence value for an AI line, "" for the others
    # "line": a claim line names this line; "commit": the commit's attribution covers all
    # the lines it added, this one among them (see ``commit_reason``); "" for human lines.
    scope: str = ""
    commit_reason: str = ""  # what made the commit AI-assisted (scope "commit")
    # Why the claim shown is invalid ("": it is valid, or there is none): the line is not
    # owned, whatever the claim says (core.claim_validity).
    invalid: str = ""
    # Other people whose AI-Owned claim of the same code holds the line too (a second
    # owner or a code owner who claimed it later, policy second_owner / codeowner).
    co_owners: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The keys of :meth:`LineProvenance.to_json` after the line's own, in order."""
        claim = self.claim
        return {
            "ai": self.ai,
            "tool": self.tool,
            "owned": self.owned,
            "owner": self.owner_email,
            "rationale": self.rationale or None,
            "claimCommit": self.claim_commit,
            "claim": None
            if claim is None
            else {
                "key": claim.key,
                "path": claim.path,
                "first": claim.first,
                "last": claim.last,
                "fingerprint": claim.fingerprint,
            },
            "how": self.how or None,
            "evidence": self.evidence or None,
            "scope": self.scope or None,
            "commitAttribution": self.commit_reason or None,
            "invalid": self.invalid or None,
            "coOwners": list(self.co_owners),
        }


HUMAN = Verdict()  # a line no claim and no AI-assisted commit speaks for


class LineProvenance(NamedTuple):
    """One line's own fields (as blamed) and what history says about it (the fields of
    :class:`Verdict`, which documents them)."""

    line: int
    text: str
    commit: str  # the commit that introduced the line (UNCOMMITTED: not committed yet)
    orig_line: int
    orig_path: str
    ai: bool = False
    tool: str | None = None
    owned: bool = False
    owner_email: str | None = None
    rationale: str = ""
    claim_commit: str | None = None
    claim: tr.ClaimLine | None = None
    how: str = ""
    evidence: str = ""
    scope: str = ""
    commit_reason: str = ""
    invalid: str = ""
    co_owners: tuple[str, ...] = ()

    @property
    def committed(self) -> bool:
        return self.commit != UNCOMMITTED

    @property
    def verdict(self) -> Verdict:
        return Verdict(*self[5:])

    def to_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "text": self.text,
            "commit": None if not self.committed else self.commit,
            "origLine": self.orig_line,
            "origPath": self.orig_path,
            **self.verdict.to_json(),
        }

    @property
    def evidence_label(self) -> str:
        """How the line is known, in words: ``exact, line-level claim`` or
        ``corroborated, commit-level: <what matched>``; "" for a human line."""
        if not self.ai:
            return ""
        if self.scope == "commit":
            return f"{self.evidence}, commit-level"
        return f"{self.evidence}, {self.scope or 'line'}-level"
