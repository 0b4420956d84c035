"""The at-the-tip view of ``ownit report``: the AI-written lines present in the tip's files,
each *owned*, *unowned* or *invalid*, by path, owner and tool. Pure: the blame of each
file, the claim index of history and the judgement of each claim come in as arguments
(``ownit.git.tip_scan`` gathers them).

A line of the tip is AI-written when ``ownit blame`` says so (:mod:`ownit.core.provenance`:
a claim of the commit that introduced it, a claim of any commit whose code is found over
it, or an AI-assisted commit at commit level), reading only the claims that hold
(:mod:`ownit.core.claim_judgement`). Then:

- **owned**: a valid ``AI-Owned`` claim owns it;
- **invalid**: no valid claim owns it, and a claim that does not hold covers it (a forged
  or stale ``AI-Owned`` claim, an owner the policy refuses, …): the line is AI-written and
  *looks* owned to anyone reading the trailers, but is not;
- **unowned**: AI-written, and nothing owns it.

Consecutive lines of a file with the same status, tool, introducing commit, owner and
claim form a :class:`TipRegion`: what a code-scanning alert is about (its ``fingerprint``
is ownit's content fingerprint of the region's lines at the tip). ``required`` says
whether the policy asks for the region to be owned (its path is tracked, its rule has
``require_ownership``, its commit is not before ``history_since``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ownit.core import trailers as tr
from ownit.core.claim_index import ClaimIndex, CommitClaims
from ownit.core.claim_judgement import ClaimKey, Judgement, claim_key
from ownit.core.fingerprint import fingerprint
from ownit.core.provenance import BlameLine, LineProvenance, resolve

OWNED = "owned"
UNOWNED = "unowned"
INVALID = "invalid"
STATUSES = (OWNED, UNOWNED, INVALID)
UNKNOWN_TOOL = "unknown"
JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class TipRegion:
    path: str
    first: int  # 1-based inclusive, in the tip's file
    last: int
    status: str  # OWNED | UNOWNED | INVALID
    tool: str  # as history names it (tool or tool:model; "unknown")
    commit: str  # the commit that introduced the region's first line
    fingerprint: str  # ownit's content fingerprint of the region's lines at the tip
    owner: str | None = None  # owned: the owner; invalid: whom the claim names
    claim_commit: str | None = None  # the commit carrying the claim (None: no claim)
    claim: str | None = None  # the claim's key, "path:first-last fingerprint"
    how: str = ""  # "claim", "later-claim", "ai-commit" (provenance's ``how``)
    reason: str = ""  # invalid: why the claim does not hold
    code: str = ""  # invalid: the problem code (as ``ownit verify`` names it)
    required: bool = True  # the policy asks for this code to be owned
    rule: str = "defaults"  # the policy rule that applies to the path
    # How the lines are known to be AI-written (core.model.Evidence: exact for a claim
    # line, the commit's class for a commit-level attribution); "" for a claim judged
    # invalid that no AI-assisted commit backs.
    evidence: str = ""

    @property
    def lines(self) -> int:
        return self.last - self.first + 1

    @property
    def location(self) -> str:
        if self.first == self.last:
            return f"{self.path}:{self.first}"
        return f"{self.path}:{self.first}-{self.last}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "first": self.first,
            "last": self.last,
            "lines": self.lines,
            "status": self.status,
            "tool": self.tool,
            "commit": self.commit,
            "fingerprint": self.fingerprint,
            "owner": self.owner,
            "claimCommit": self.claim_commit,
            "claim": self.claim,
            "how": self.how or None,
            "reason": self.reason or None,
            "code": self.code or None,
            "required": self.required,
            "rule": self.rule,
            "evidence": self.evidence or None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TipRegion:
        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        return cls(
            path=str(data["path"]),
            first=int(str(data["first"])),
            last=int(str(data["last"])),
            status=str(data["status"]),
            tool=str(data["tool"]),
            commit=str(data["commit"]),
            fingerprint=str(data["fingerprint"]),
            owner=text("owner"),
            claim_commit=text("claimCommit"),
            claim=text("claim"),
            how=text("how") or "",
            reason=text("reason") or "",
            code=text("code") or "",
            required=bool(data.get("required", True)),
            rule=text("rule") or "defaults",
            evidence=text("evidence") or "",
        )


@dataclass(slots=True)
class Counts:
    owned: int = 0
    unowned: int = 0
    invalid: int = 0

    @property
    def total(self) -> int:
        return self.owned + self.unowned + self.invalid

    @property
    def owned_share(self) -> float | None:
        return None if not self.total else self.owned / self.total

    def add(self, status: str, lines: int) -> None:
        if status == OWNED:
            self.owned += lines
        elif status == INVALID:
            self.invalid += lines
        else:
            self.unowned += lines

    def to_json(self) -> dict[str, object]:
        share = self.owned_share
        return {
            "owned": self.owned,
            "unowned": self.unowned,
            "invalid": self.invalid,
            "total": self.total,
            "ownedShare": None if share is None else round(share, 4),
        }


@dataclass(slots=True)
class Row:
    """One line of a breakdown: a path, an owner or a tool, and its lines."""

    name: str
    lines: Counts = field(default_factory=Counts)
    regions: int = 0

    def to_json(self, key: str) -> dict[str, object]:
        return {key: self.name, "regions": self.regions, **self.lines.to_json()}


@dataclass(slots=True)
class TipView:
    tip: str
    files: int = 0  # files of the tip whose blame was read
    tracked_files: int = 0  # files of the tip the policy tracks
    regions: list[TipRegion] = field(default_factory=list)  # by path, then line

    @property
    def lines(self) -> Counts:
        counts = Counts()
        for region in self.regions:
            counts.add(region.status, region.lines)
        return counts

    @property
    def required_unowned(self) -> int:
        """Unowned or invalid lines the policy asks to be owned."""
        return sum(r.lines for r in self.regions if r.status != OWNED and r.required)

    def of(self, status: str) -> list[TipRegion]:
        return [r for r in self.regions if r.status == status]

    def _rows(self, name: Callable[[TipRegion], str | None]) -> list[Row]:
        rows: dict[str, Row] = {}
        for region in self.regions:
            label = name(region)
            if label is None:
                continue
            row = rows.get(label.casefold())
            if row is None:
                row = rows[label.casefold()] = Row(label)
            row.lines.add(region.status, region.lines)
            row.regions += 1
        return sorted(rows.values(), key=lambda r: (-r.lines.total, r.name))

    def by_path(self) -> list[Row]:
        return self._rows(lambda r: r.path)

    def by_tool(self) -> list[Row]:
        return self._rows(lambda r: r.tool)

    def by_owner(self) -> list[Row]:
        """Owners of owned lines, and the people invalid claims name (their lines count
        as invalid, never as owned)."""
        return self._rows(lambda r: r.owner if r.status != UNOWNED else None)

    def to_json(self) -> dict[str, object]:
        return {
            "tip": self.tip,
            "files": self.files,
            "trackedFiles": self.tracked_files,
            "lines": self.lines.to_json(),
            "requiredUnownedLines": self.required_unowned,
            "paths": [row.to_json("path") for row in self.by_path()],
            "owners": [row.to_json("owner") for row in self.by_owner()],
            "tools": [row.to_json("tool") for row in self.by_tool()],
            "regions": [region.to_json() for region in self.regions],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TipView:
        regions = data.get("regions")
        return cls(
            tip=str(data["tip"]),
            files=int(str(data.get("files", 0))),
            tracked_files=int(str(data.get("trackedFiles", 0))),
            regions=[
                TipRegion.from_json(item)
                for item in (regions if isinstance(regions, list) else [])
                if isinstance(item, Mapping)
            ],
        )


# --------------------------------------------------------------------------- building


def split_index(
    index: ClaimIndex, judgements: Mapping[ClaimKey, Judgement]
) -> tuple[ClaimIndex, ClaimIndex]:
    """(the index with only the claims that hold, the index of the claims that do not).
    The second keeps no AI-assisted commit: an invalid claim is all it says. A claim with
    no judgement counts as invalid (nothing vouched for it)."""
    valid, invalid = ClaimIndex(), ClaimIndex()
    for entry in index.commits.values():
        good: list[tr.ClaimLine] = []
        bad: list[tr.ClaimLine] = []
        for claim in entry.claims:
            judged = judgements.get(claim_key(entry.sha, claim))
            (good if judged is not None and judged.valid else bad).append(claim)
        valid.add(
            CommitClaims(
                entry.sha,
                entry.order,
                tuple(good),
                entry.ai_tool,
                entry.ai_reason,
                entry.ai_evidence,
            )
        )
        if bad:
            invalid.add(CommitClaims(entry.sha, entry.order, tuple(bad)))
    return valid, invalid


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str
    status: str
    tool: str
    commit: str
    owner: str | None
    claim_commit: str | None
    claim: tr.ClaimLine | None
    how: str
    judgement: Judgement | None
    evidence: str = ""

    def joins(self, other: _Line) -> bool:
        # One claim owns one region, whichever commits brought its lines.
        return (
            other.number == self.number + 1
            and other.status == self.status
            and other.tool == self.tool
            and (other.commit == self.commit or (self.status == OWNED and self.claim is not None))
            and other.owner == self.owner
            and other.claim_commit == self.claim_commit
            and other.claim == self.claim
            and other.evidence == self.evidence
        )


def _classify(
    valid: LineProvenance,
    invalid: LineProvenance | None,
    judgements: Mapping[ClaimKey, Judgement],
) -> _Line | None:
    if valid.ai and valid.owned and valid.claim is not None:
        return _Line(
            valid.line,
            valid.text,
            OWNED,
            valid.tool or UNKNOWN_TOOL,
            valid.commit,
            valid.owner_email,
            valid.claim_commit,
            valid.claim,
            valid.how,
            None,
            valid.evidence,
        )
    bad = invalid if invalid is not None and invalid.claim is not None else None
    if bad is not None and bad.claim is not None and (bad.claim.owned or not valid.ai):
        judged = judgements.get(claim_key(bad.claim_commit or "", bad.claim))
        return _Line(
            valid.line,
            valid.text,
            INVALID,
            bad.tool or valid.tool or UNKNOWN_TOOL,
            valid.commit,
            bad.owner_email,
            bad.claim_commit,
            bad.claim,
            bad.how,
            judged,
            valid.evidence,
        )
    if valid.ai:
        return _Line(
            valid.line,
            valid.text,
            UNOWNED,
            valid.tool or UNKNOWN_TOOL,
            valid.commit,
            None,
            valid.claim_commit,
            valid.claim,
            valid.how,
            None,
            valid.evidence,
        )
    return None


def file_regions(
    path: str,
    blamed: Sequence[BlameLine],
    valid: ClaimIndex,
    invalid: ClaimIndex,
    judgements: Mapping[ClaimKey, Judgement],
    *,
    required: Callable[[str], bool] = lambda commit: True,
    rule: str = "defaults",
) -> list[TipRegion]:
    """The AI-written regions of one file of the tip, from its blame (every line, in
    order). ``required(commit)``: whether the policy asks the code ``commit`` added to
    the path to be owned."""
    if not blamed:
        return []
    resolved = resolve(blamed, valid, path)
    checked = resolve(blamed, invalid, path) if invalid.commits else [None] * len(resolved)
    lines = [
        found
        for ok, bad in zip(resolved, checked, strict=True)
        if (found := _classify(ok, bad, judgements)) is not None
    ]
    groups: list[list[_Line]] = []
    for line in lines:
        if groups and groups[-1][-1].joins(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    out: list[TipRegion] = []
    for group in groups:
        head = group[0]
        judged = head.judgement
        out.append(
            TipRegion(
                path=path,
                first=head.number,
                last=group[-1].number,
                status=head.status,
                tool=head.tool,
                commit=head.commit,
                fingerprint=fingerprint(line.text for line in group),
                owner=head.owner,
                claim_commit=head.claim_commit,
                claim=None if head.claim is None else head.claim.key,
                how=head.how,
                reason=""
                if head.status != INVALID
                else (judged.reason if judged is not None else "the claim was not checked"),
                code="" if head.status != INVALID or judged is None else judged.code,
                required=head.status == OWNED or required(head.commit),
                rule=rule,
                evidence=head.evidence,
            )
        )
    return out


def build(
    tip: str,
    regions: Iterable[TipRegion],
    *,
    files: int,
    tracked_files: int,
) -> TipView:
    ordered = sorted(regions, key=lambda r: (r.path, r.first))
    return TipView(tip=tip, files=files, tracked_files=tracked_files, regions=ordered)
