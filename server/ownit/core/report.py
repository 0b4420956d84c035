"""`ownit report`: who owns the AI-written code of a range of commits, and why. Pure:
commits, their claims, the lines AI-assisted commits added without claims and the code
still unowned at the tip come in through arguments (see ``ownit.git.range_report``).

How lines are counted:

- claimed code is counted once per *code* (path and fingerprint), however many commits
  claim it: it is **owned** when the latest claim for it in the range is ``AI-Owned``,
  **unowned** when it is ``AI-Unowned`` (``UnownedTracker``, as ``ownit verify`` decides);
  its size is the claimed line count. Owned code counts for each person who claimed it
  ``AI-Owned`` in the range;
- **unclaimed** lines are the lines an AI-assisted commit at commit level
  (``ai_commit_patterns`` outside ownit's exact trailer groups) added that none of its
  claims states (from the diff, blank lines included): such a commit makes every line it
  adds AI-written. A commit whose trailers ownit's hook worked out (``AI-Lines: exact``)
  has none: its claim lines are all of its AI-written lines;
- **invalid** lines are code whose only claims are invalid (:mod:`ownit.core.claim_validity`:
  a fingerprint that does not match the committed code, an owner the policy does not
  accept, a missing signature where the policy asks for one, ...): such a claim owns
  nothing, and is never counted as owned. Code with a valid claim is counted as that
  claim says; its invalid claims are listed (``regions`` with status ``invalid``) but its
  lines are counted once;
- renames and moves are followed (``renames``, per commit): a claim on the renamed file
  is about the same code as one on its old name (valid claims and invalid ones alike);
- every AI-written line has an evidence class (``Report.evidence``): claimed lines
  (owned, unowned or invalid) are ``exact`` (a claim line names them); unclaimed ones
  are known only from the commit's attribution, which covers the whole commit
  (commit-level: ``corroborated``, or ``inferred`` for a ``weak`` pattern), not line by
  line.

``Report.history`` holds the same three numbers as they stood after each commit of the
range (range order), with the commit's time: what the share over time is drawn from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ownit.core import trailers as tr
from ownit.core.claim_validity import ClaimJudgement
from ownit.core.model import Evidence
from ownit.core.tip_view import TipView
from ownit.core.unowned_at_tip import UnownedAtTip, UnownedTracker
from ownit.core.verify_findings import CommitLike, subject_of
from ownit.core.verify_prepare import Prepared

UNKNOWN_TOOL = "unknown"
JSON_VERSION = 1


@dataclass(slots=True)
class Code:
    """One piece of claimed code (path and fingerprint) and what the range says of it."""

    path: str
    fingerprint: str
    first: int  # 1-based inclusive, as the latest claim states it
    last: int
    tool: str
    commit: str  # the commit of the latest claim
    owned: bool = False
    owners: list[str] = field(default_factory=list)  # e-mails, in claim order
    rationale: str = ""  # of the latest AI-Owned claim
    renamed_to: str | None = None  # the file's name after later renames (None: same)

    @property
    def current_path(self) -> str:
        """The file the code is in after the range's renames."""
        return self.renamed_to or self.path

    purpose: str = ""  # the purpose tag of the latest AI-Owned claim ("" when none)
    invalid: str = ""  # why its (only) claims are invalid: it is not owned

    @property
    def lines(self) -> int:
        return self.last - self.first + 1

    @property
    def status(self) -> str:
        return "invalid" if self.invalid else "owned" if self.owned else "unowned"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "first": self.first,
            "last": self.last,
            "lines": self.lines,
            "fingerprint": self.fingerprint,
            "tool": self.tool,
            "status": self.status,
            "owners": list(self.owners) if self.owned else [],
            "rationale": self.rationale if self.owned else None,
            "purpose": (self.purpose or None) if self.owned else None,
            "commit": self.commit,
            "invalid": self.invalid or None,
            "renamedTo": self.renamed_to,
            "evidence": Evidence.EXACT.value,
            "scope": "line",
        }


@dataclass(slots=True)
class Lines:
    owned: int = 0
    unowned: int = 0
    unclaimed: int = 0
    invalid: int = 0  # claimed only by invalid claims: not owned

    @property
    def total(self) -> int:
        return self.owned + self.unowned + self.unclaimed + self.invalid

    @property
    def owned_share(self) -> float | None:
        """Owned lines over all AI-written lines (None: no AI-written line)."""
        return None if not self.total else self.owned / self.total

    def to_json(self) -> dict[str, object]:
        share = self.owned_share
        return {
            "owned": self.owned,
            "unowned": self.unowned,
            "unclaimed": self.unclaimed,
            "invalid": self.invalid,
            "total": self.total,
            "ownedShare": None if share is None else round(share, 4),
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The range's line counts as they stood after one of its commits."""

    sha: str
    time: int  # the commit's committer time, seconds since the epoch
    owned: int
    unowned: int
    unclaimed: int

    @property
    def lines(self) -> Lines:
        return Lines(self.owned, self.unowned, self.unclaimed)


@dataclass(slots=True)
class OwnerRow:
    owner: str  # e-mail, as claimed (first spelling seen)
    regions: int = 0
    lines: int = 0
    paths: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, object]:
        return {
            "owner": self.owner,
            "regions": self.regions,
            "lines": self.lines,
            "paths": len(self.paths),
        }


@dataclass(slots=True)
class PathRow:
    path: str
    lines: Lines = field(default_factory=Lines)
    owners: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, **self.lines.to_json(), "owners": sorted(self.owners)}


@dataclass(slots=True)
class ToolRow:
    tool: str
    commits: int = 0  # AI-assisted commits or commits with claims naming it
    lines: Lines = field(default_factory=Lines)
    # Why the policy's tools / models lists do not approve it where it wrote ("" when they
    # do, or when nobody asked: see ownit.core.statement.tool_approvals)
    unapproved: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "commits": self.commits,
            **self.lines.to_json(),
            "unapproved": self.unapproved or None,
        }


@dataclass(slots=True)
class Report:
    commits: int = 0
    ai_commits: int = 0  # AI-assisted: ai_commit_patterns at commit level, or exact claims
    commits_with_claims: int = 0
    ai_commits_without_claims: int = 0
    shallow_skipped: int = 0  # AI-assisted commits whose added lines cannot be told
    lines: Lines = field(default_factory=Lines)
    codes: list[Code] = field(default_factory=list)
    owners: list[OwnerRow] = field(default_factory=list)  # most lines first
    paths: list[PathRow] = field(default_factory=list)  # most AI-written lines first
    tools: list[ToolRow] = field(default_factory=list)  # most commits first
    at_tip: list[UnownedAtTip] = field(default_factory=list)
    history: list[Snapshot] = field(default_factory=list)  # one per commit, range order
    # AI-written lines by evidence class: claimed lines are exact, unclaimed ones carry
    # their commit's (commit-level) class.
    evidence: dict[str, int] = field(default_factory=lambda: {kind.value: 0 for kind in Evidence})
    # The AI-written lines present at the tip, through blame (None: not computed).
    tip: TipView | None = None

    @property
    def empty(self) -> bool:
        return not self.commits

    def to_json(self) -> dict[str, object]:
        return {
            "empty": self.empty,
            "commits": self.commits,
            "aiAssistedCommits": self.ai_commits,
            "commitsWithClaims": self.commits_with_claims,
            "aiAssistedCommitsWithoutClaims": self.ai_commits_without_claims,
            "shallowCommitsSkipped": self.shallow_skipped,
            "lines": self.lines.to_json(),
            "linesByEvidence": dict(self.evidence),
            "tools": [row.to_json() for row in self.tools],
            "owners": [row.to_json() for row in self.owners],
            "paths": [row.to_json() for row in self.paths],
            "unownedAtTip": [_tip_json(item) for item in self.at_tip],
            "regions": [code.to_json() for code in self.codes],
            "atTip": None if self.tip is None else self.tip.to_json(),
        }


def _tip_json(item: UnownedAtTip) -> dict[str, object]:
    return {
        "path": item.claim.path,
        "first": item.first,
        "last": item.last,
        "lines": item.last - item.first + 1,
        "tool": item.claim.tool,
        "fingerprint": item.claim.fingerprint,
        "commit": item.commit.sha,
        "subject": subject_of(item.commit),
        "evidence": Evidence.EXACT.value,
    }


def unowned_claims(
    commits: Sequence[CommitLike],
    claims: Mapping[str, Sequence[tr.ClaimLine]],
    renames: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> UnownedTracker:
    """The tracker of the range's claims, fed in range order (oldest commit first),
    following each commit's ``renames`` (``(old, new)``)."""
    tracker = UnownedTracker()
    for commit in commits:
        if renames:
            tracker.rename(renames.get(commit.sha, ()))
        for claim in claims.get(commit.sha, ()):
            tracker.see(commit, claim)
    return tracker


def commit_tools(commit: CommitLike, prepared: Prepared) -> list[str]:
    """The tools behind one commit: the one its ``ai_commit_patterns`` match names, the
    tools of its claims, else (AI-assisted) its ``Assisted-by`` tools, else ``unknown``;
    in that order, without repeats. Empty for a commit no AI tool is known to have
    helped."""
    sha = commit.sha
    tools: list[str] = []
    found = prepared.ai_tools.get(sha)
    if found:
        tools.append(found)
    tools += [c.tool for c in prepared.claims.get(sha, ())]
    if not tools and sha in prepared.ai:
        assisted = tr.parse_message(commit.message).assisted_by
        tools += [t.split(":", 1)[0] for t in assisted] or [UNKNOWN_TOOL]
    return list(dict.fromkeys(t or UNKNOWN_TOOL for t in tools))


def build(
    commits: Sequence[CommitLike],
    prepared: Prepared,
    unclaimed: Mapping[str, Mapping[str, Sequence[int] | int]],
    at_tip: Iterable[UnownedAtTip] = (),
    *,
    tracker: UnownedTracker | None = None,
    shallow_skipped: int = 0,
    renames: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    invalid: Mapping[tuple[str, tr.ClaimLine], ClaimJudgement] | None = None,
) -> Report:
    """The report of ``commits`` (oldest first). ``unclaimed``: per AI-assisted commit and
    path it has no claim for, the lines it added (or their number). ``invalid``: the
    judgement of each invalid claim (by commit); they own nothing, and their code is
    counted as the code the claimed lines really are (a forged fingerprint names none).
    ``tracker``: the one :func:`unowned_claims` gave for these commits' valid claims
    (built here when not given). ``renames``: per commit, the files it renamed
    (``(old, new)``), which claimed code (valid or not) follows."""
    renames = renames or {}
    bad = invalid or {}
    valid_claims = {
        sha: tuple(c for c in claims if (sha, c) not in bad)
        for sha, claims in prepared.claims.items()
    }
    if tracker is None:
        tracker = unowned_claims(commits, valid_claims, renames)
    report = Report(commits=len(commits), shallow_skipped=shallow_skipped)
    report.at_tip = list(at_tip)
    tools: dict[str, ToolRow] = {}
    paths: dict[str, PathRow] = {}
    codes: dict[tuple[str, str], Code] = {}
    rejected: dict[tuple[str, str], Code] = {}  # code claimed by invalid claims
    # (lines, owned) of each code as its latest claim so far states it: the running totals
    # of ``report.history`` (the latest claim decides, as the tracker does at the end).
    standing: dict[tuple[str, str], tuple[int, bool]] = {}
    owned_now = unowned_now = unclaimed_now = 0

    def tool_row(name: str) -> ToolRow:
        row = tools.get(name)
        if row is None:
            row = tools[name] = ToolRow(name)
        return row

    def path_row(name: str) -> PathRow:
        row = paths.get(name)
        if row is None:
            row = paths[name] = PathRow(name)
        return row

    assisted = prepared.assisted
    for commit in commits:
        sha = commit.sha
        moves = dict(renames.get(sha, ()))
        if moves:
            codes, standing = _follow(codes, moves), _follow(standing, moves)
            rejected = _follow(rejected, moves)
            for moved in (*codes.values(), *rejected.values()):
                if moved.current_path in moves:
                    moved.renamed_to = moves[moved.current_path]
        claims = prepared.claims.get(sha, ())
        ai = sha in assisted
        report.ai_commits += ai
        report.commits_with_claims += bool(claims)
        report.ai_commits_without_claims += ai and not claims
        names = commit_tools(commit, prepared)
        for name in names:
            tool_row(name).commits += 1
        for claim in claims:
            key = (claim.path, claim.fingerprint)
            judgement = bad.get((sha, claim))
            if judgement is not None:
                key = (claim.path, judgement.code_fingerprint)
                rejected[key] = Code(
                    claim.path,
                    judgement.code_fingerprint,
                    claim.first,
                    claim.last,
                    claim.tool,
                    sha,
                    owners=[claim.owner_email] if claim.owner_email else [],
                    invalid=judgement.reason,
                )
                continue
            code = codes.get(key)
            if code is None:
                code = codes[key] = Code(claim.path, claim.fingerprint, 0, 0, "", sha)
            code.first, code.last, code.commit = claim.first, claim.last, sha
            code.path, code.renamed_to = claim.path, None
            code.tool = claim.tool or code.tool
            if claim.owned:
                email = claim.owner_email or ""
                if email.casefold() not in (o.casefold() for o in code.owners):
                    code.owners.append(email)
                code.rationale = claim.rationale
                code.purpose = claim.purpose
            lines, was_owned = standing.get(key, (0, False))
            owned_now -= lines if was_owned else 0
            unowned_now -= 0 if was_owned else lines
            lines = claim.last - claim.first + 1
            owned_now += lines if claim.owned else 0
            unowned_now += 0 if claim.owned else lines
            standing[key] = (lines, claim.owned)
        by_path = unclaimed.get(sha, {})
        for path in sorted(by_path):
            added = by_path[path]
            count = added if isinstance(added, int) else len(added)
            if not count:
                continue
            path_row(path).lines.unclaimed += count
            report.lines.unclaimed += count
            tool_row(names[0] if names else UNKNOWN_TOOL).lines.unclaimed += count
            unclaimed_now += count
            kind = prepared.ai_evidence.get(sha, Evidence.CORROBORATED)
            report.evidence[kind.value] = report.evidence.get(kind.value, 0) + count
        report.history.append(Snapshot(sha, commit.time, owned_now, unowned_now, unclaimed_now))

    owners: dict[str, OwnerRow] = {}
    for code in codes.values():
        code.owned = not tracker.is_unowned(code.current_path, code.fingerprint)
        if code.owned and not code.owners:
            code.owned = False  # only AI-Unowned claims can leave a code here; be safe
        row = path_row(code.current_path)
        tool = tool_row(code.tool or UNKNOWN_TOOL)
        if code.owned:
            row.lines.owned += code.lines
            report.lines.owned += code.lines
            tool.lines.owned += code.lines
            row.owners.update(o.casefold() for o in code.owners)
            for email in code.owners:
                owner = owners.get(email.casefold())
                if owner is None:
                    owner = owners[email.casefold()] = OwnerRow(email)
                owner.regions += 1
                owner.lines += code.lines
                owner.paths.add(code.current_path)
        else:
            row.lines.unowned += code.lines
            report.lines.unowned += code.lines
            tool.lines.unowned += code.lines
        report.evidence[Evidence.EXACT.value] += code.lines

    for key, code in rejected.items():
        if key in codes:
            continue  # a valid claim speaks for this code: counted as it says
        path_row(code.current_path).lines.invalid += code.lines
        report.lines.invalid += code.lines
        tool_row(code.tool or UNKNOWN_TOOL).lines.invalid += code.lines
        report.evidence[Evidence.EXACT.value] += code.lines  # a claim line names them
        codes[key] = code

    report.codes = sorted(codes.values(), key=lambda c: (c.path, c.first, c.fingerprint))
    report.owners = sorted(owners.values(), key=lambda o: (-o.lines, -o.regions, o.owner))
    report.paths = sorted(paths.values(), key=lambda p: (-p.lines.total, p.path))
    report.tools = sorted(tools.values(), key=lambda t: (-t.commits, -t.lines.total, t.tool))
    return report


_V = TypeVar("_V")


def _follow(
    by_code: dict[tuple[str, str], _V], moves: Mapping[str, str]
) -> dict[tuple[str, str], _V]:
    """``by_code`` with each key's path under the name ``moves`` (old -> new) gives it;
    when two keys meet, the one already under the new name is kept."""
    out: dict[tuple[str, str], _V] = {}
    for (path, fp), value in by_code.items():
        if path not in moves:
            out[(path, fp)] = value
    for (path, fp), value in by_code.items():
        if path in moves:
            out.setdefault((moves[path], fp), value)
    return out
