"""`ownit report`: who owns the AI-written code of a range of commits, and why. Pure:
commits, their claims, the lines AI-assisted commits added without claims and the code
still unowned at the tip come in through arguments (see ``ownit.commands.report``).

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
from ownit.core.columns import table
from ownit.core.model import Evidence
from ownit.core.printable import printable
from ownit.core.tip_view import INVALID, UNOWNED, Counts, TipRegion, TipView
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


def evidence_text(report: Report) -> str:
    """The AI-written lines by evidence class, in words."""
    found = report.evidence
    exact = found.get(Evidence.EXACT.value, 0)
    corroborated = found.get(Evidence.CORROBORATED.value, 0)
    inferred = found.get(Evidence.INFERRED.value, 0)
    return (
        f"evidence: exact {exact} (claim lines name them), corroborated {corroborated} and "
        f"inferred {inferred} (commit-level: the commit's trailer or author attributes all "
        "the lines it added, not line by line)"
    )


# --------------------------------------------------------------------------- rendering


def _share(lines: Lines) -> str:
    share = lines.owned_share
    return "-" if share is None else f"{share:.0%}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _tables(
    report: Report, by: Sequence[str], limit: int
) -> list[tuple[str, list[str], list[list[str]], int]]:
    """(title, header, rows, rows left out) for each breakdown asked for; the cells
    from commit data (owners, tools, paths) escaped (:func:`printable`)."""
    out: list[tuple[str, list[str], list[list[str]], int]] = []
    for kind in by:
        if kind == "owner":
            rows = [
                [printable(o.owner), str(o.regions), str(o.lines), str(len(o.paths))]
                for o in report.owners
            ]
            out.append(("Owners", ["owner", "regions", "lines", "paths"], rows, 0))
        elif kind == "tool":
            rows = [
                [
                    printable(t.tool),
                    str(t.commits),
                    str(t.lines.owned),
                    str(t.lines.unowned),
                    str(t.lines.unclaimed),
                    str(t.lines.invalid),
                    _share(t.lines),
                ]
                for t in report.tools
            ]
            header = ["tool", "commits", "owned", "unowned", "unclaimed", "invalid", "owned share"]
            out.append(("Tools", header, rows, 0))
        elif kind == "path":
            shown = report.paths[:limit] if limit > 0 else report.paths
            rows = [
                [
                    printable(p.path),
                    str(p.lines.total),
                    str(p.lines.owned),
                    str(p.lines.unowned),
                    str(p.lines.unclaimed),
                    str(p.lines.invalid),
                    _share(p.lines),
                    printable(", ".join(sorted(p.owners))) or "-",
                ]
                for p in shown
            ]
            header = [
                "path",
                "AI lines",
                "owned",
                "unowned",
                "unclaimed",
                "invalid",
                "owned share",
                "owners",
            ]
            title = "Paths" if len(shown) == len(report.paths) else f"Paths (top {len(shown)})"
            out.append((title, header, rows, len(report.paths) - len(shown)))
    return out


def _summary(report: Report) -> list[str]:
    lines = report.lines
    tools = printable(", ".join(f"{t.tool} {t.commits}" for t in report.tools)) or "none"
    out = [
        f"{_plural(report.commits, 'commit')}, {report.ai_commits} AI-assisted "
        f"({report.ai_commits_without_claims} of them with no claim), "
        f"{report.commits_with_claims} with claims",
        f"tools (commits): {tools}",
        f"AI-written lines: {lines.total} — owned {lines.owned} ({_share(lines)}), "
        f"committed unowned {lines.unowned}, in AI-assisted commits with no claim "
        f"{lines.unclaimed}, with only invalid claims {lines.invalid}",
        evidence_text(report),
    ]
    if report.shallow_skipped:
        out.append(
            f"{_plural(report.shallow_skipped, 'AI-assisted commit')} at the edge of this "
            "shallow clone not counted (their parents are missing)"
        )
    for row in report.tools:
        if row.unapproved and row.lines.total:
            out.append(
                printable(
                    f"unapproved tool: {row.tool} ({_plural(row.lines.total, 'line')}):"
                    f" {row.unapproved} [unapproved-tool]"
                )
            )
    return out


def _tip_share(lines: Counts) -> str:
    share = lines.owned_share
    return "-" if share is None else f"{share:.0%}"


def _tip_tables(
    view: TipView, by: Sequence[str], limit: int
) -> list[tuple[str, list[str], list[list[str]], int]]:
    """The at-the-tip breakdowns asked for, as :func:`_tables` gives them."""
    out: list[tuple[str, list[str], list[list[str]], int]] = []
    header = ["AI lines", "owned", "unowned", "invalid", "owned share"]

    def counts(lines: Counts) -> list[str]:
        return [
            str(lines.total),
            str(lines.owned),
            str(lines.unowned),
            str(lines.invalid),
            _tip_share(lines),
        ]

    for kind in by:
        if kind == "owner":
            rows = [
                [printable(r.name), str(r.regions), str(r.lines.owned), str(r.lines.invalid)]
                for r in view.by_owner()
            ]
            out.append(("At the tip, by owner", ["owner", "regions", "owned", "invalid"], rows, 0))
        elif kind == "tool":
            rows = [[printable(r.name), *counts(r.lines)] for r in view.by_tool()]
            out.append(("At the tip, by tool", ["tool", *header], rows, 0))
        elif kind == "path":
            every = view.by_path()
            shown = every[:limit] if limit > 0 else every
            rows = [[printable(r.name), *counts(r.lines)] for r in shown]
            title = "At the tip, by path"
            if len(shown) != len(every):
                title += f" (top {len(shown)})"
            out.append((title, ["path", *header], rows, len(every) - len(shown)))
    return out


def _tip_headline(view: TipView) -> list[str]:
    lines = view.lines
    out = [
        f"{lines.total} AI-written lines in {_plural(len(view.by_path()), 'file')} of "
        f"the {view.tracked_files} the policy tracks (blame of the tip)",
        f"owned {lines.owned} ({_tip_share(lines)}), unowned {lines.unowned}, invalid "
        f"{lines.invalid} (claimed by a claim that does not hold)",
    ]
    if view.required_unowned != lines.unowned + lines.invalid:
        out.append(
            f"the policy asks {view.required_unowned} of the unowned and invalid lines to be "
            "owned (the others are in paths with require_ownership: false or before "
            "history_since)"
        )
    return out


def _tip_region_text(region: TipRegion) -> str:
    where = printable(region.location)
    tool = printable(region.tool)
    if region.status == INVALID:
        who = printable(region.owner or "nobody")
        claim = (region.claim_commit or "")[:10]
        return f"{where}  {tool}  claimed by {who} in {claim}: {printable(region.reason)}"
    return f"{where}  {tool}  {region.commit[:10]}"


def _tip_regions(view: TipView, status: str, limit: int) -> tuple[list[TipRegion], int]:
    regions = view.of(status)
    shown = regions[:limit] if limit > 0 else regions
    return shown, len(regions) - len(shown)


def _tip_text(view: TipView, by: Sequence[str], limit: int) -> list[str]:
    out = ["", f"At the tip ({view.tip[:10]}):"]
    out += ["  " + line for line in _tip_headline(view)]
    for name, header, rows, left in _tip_tables(view, by, limit):
        out.append("")
        out.append(f"{name}:")
        if not rows:
            out.append("  (none)")
            continue
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            out.append("  " + "  ".join(cells).rstrip())
        if left:
            out.append(f"  … and {_plural(left, 'more path')} (--limit)")
    for status, title in ((INVALID, "Invalid claims at the tip"), (UNOWNED, "Unowned at the tip")):
        shown, left = _tip_regions(view, status, limit)
        if not shown:
            continue
        count = len(shown) + left
        out += ["", f"{title} ({_plural(count, 'region')}):"]
        out += ["  " + _tip_region_text(region) for region in shown]
        if left:
            out.append(
                f"  … and {_plural(left, 'more region')} (--limit 0, --json, --format sarif)"
            )
    return out


def _tip_markdown(view: TipView, by: Sequence[str], limit: int) -> list[str]:
    lines = view.lines
    out = [
        "",
        f"### At the tip (`{view.tip[:10]}`)",
        "",
        "AI-written lines present in the files of the tip (through blame), whoever wrote "
        "them and whenever.",
        "",
        "| | |",
        "| --- | ---: |",
        f"| AI-written lines at the tip | {lines.total} |",
        f"| owned | {lines.owned} ({_tip_share(lines)}) |",
        f"| unowned | {lines.unowned} |",
        f"| invalid (a claim that does not hold) | {lines.invalid} |",
        f"| unowned or invalid, the policy asks to own | {view.required_unowned} |",
        f"| files with AI-written lines | {len(view.by_path())} of {view.tracked_files} |",
    ]
    for name, header, rows, left in _tip_tables(view, by, limit):
        out += ["", f"#### {name}", ""]
        if not rows:
            out.append("None.")
            continue
        out.append("| " + " | ".join(header) + " |")
        out.append("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |")
        for row in rows:
            first = f"`{_md_cell(row[0])}`" if "path" in name else _md_cell(row[0])
            out.append("| " + " | ".join([first, *(_md_cell(c) for c in row[1:])]) + " |")
        if left:
            out += ["", f"…and {_plural(left, 'more path')}."]
    for status, title in ((INVALID, "Invalid claims at the tip"), (UNOWNED, "Unowned at the tip")):
        shown, left = _tip_regions(view, status, limit)
        if not shown:
            continue
        out += ["", f"#### {title}", ""]
        if status == INVALID:
            out += [
                "| location | tool | claimed by | why it does not hold |",
                "| --- | --- | --- | --- |",
            ]
            for r in shown:
                out.append(
                    f"| `{_md_cell(r.location)}` | {_md_cell(r.tool)} | "
                    f"{_md_cell(r.owner or '-')} in {(r.claim_commit or '')[:10]} | "
                    f"{_md_cell(r.reason)} |"
                )
        else:
            out += ["| location | tool | introduced in |", "| --- | --- | --- |"]
            for r in shown:
                out.append(f"| `{_md_cell(r.location)}` | {_md_cell(r.tool)} | {r.commit[:10]} |")
        if left:
            out += ["", f"…and {_plural(left, 'more region')}."]
    return out


def _tip_location(item: UnownedAtTip) -> str:
    return printable(f"{item.claim.path}:{item.first}-{item.last}")


def render_text(report: Report, title: str, by: Sequence[str], limit: int) -> str:
    out = [printable(title)]
    if report.empty:
        out.append("no commits in the range: nothing to report")
        return "\n".join(out) + "\n"
    out += ["  " + line for line in _summary(report)]
    for name, header, rows, left in _tables(report, by, limit):
        out.append("")
        out.append(f"{name}:")
        if not rows:
            out.append("  (none)")
            continue
        # Columns as wide as a terminal shows their cells (a CJK path takes two a character).
        right = [i for i, title in enumerate(header) if i > 0 and title != "owners"]
        out += ["  " + line for line in table([header, *rows], right=right)]
        if left:
            out.append(f"  … and {_plural(left, 'more path')} (--limit)")
    out.append("")
    if report.at_tip:
        count = _plural(len(report.at_tip), "region")
        out.append(f"Committed unowned (AI-Unowned), still at the tip ({count}):")
        for item in report.at_tip:
            out.append(
                f"  {_tip_location(item)}  {printable(item.claim.tool)}  "
                f"{item.commit.sha[:10]} {printable(subject_of(item.commit))}"
            )
    else:
        out.append("Committed unowned (AI-Unowned), still at the tip: nothing")
    if report.tip is not None:
        out += _tip_text(report.tip, by, limit)
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return printable(text).replace("\\", "\\\\").replace("|", "\\|")


def render_markdown(report: Report, title: str, by: Sequence[str], limit: int) -> str:
    out = [f"## {_md_cell(title)}", ""]
    if report.empty:
        out.append("No commits in the range: nothing to report.")
        return "\n".join(out) + "\n"
    lines = report.lines
    out += [
        "| | |",
        "| --- | ---: |",
        f"| commits | {report.commits} |",
        f"| AI-assisted commits | {report.ai_commits} |",
        f"| AI-assisted commits with no claim | {report.ai_commits_without_claims} |",
        f"| commits with claims | {report.commits_with_claims} |",
        f"| AI-written lines | {lines.total} |",
        f"| owned (`AI-Owned`) | {lines.owned} ({_share(lines)}) |",
        f"| committed unowned (`AI-Unowned`) | {lines.unowned} |",
        f"| in AI-assisted commits with no claim | {lines.unclaimed} |",
        f"| claimed only by invalid claims (not owned) | {lines.invalid} |",
        f"| evidence: exact (claim lines) | {report.evidence.get('exact', 0)} |",
        "| evidence: corroborated (commit-level: the commit's trailer, not line by line) | "
        f"{report.evidence.get('corroborated', 0)} |",
        f"| evidence: inferred (commit-level, weak) | {report.evidence.get('inferred', 0)} |",
        f"| committed unowned, still at the tip | {_plural(len(report.at_tip), 'region')} |",
    ]
    if report.shallow_skipped:
        out.append(
            f"| AI-assisted commits not counted (shallow clone) | {report.shallow_skipped} |"
        )
    for tool in report.tools:
        if tool.unapproved and tool.lines.total:
            out.append(
                f"| lines from `{_md_cell(tool.tool)}`, not approved here"
                f" ({_md_cell(tool.unapproved)}) | {tool.lines.total} |"
            )
    for name, header, rows, left in _tables(report, by, limit):
        out += ["", f"### {name}", ""]
        if not rows:
            out.append("None.")
            continue
        out.append("| " + " | ".join(header) + " |")
        out.append("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |")
        for row in rows:
            cells = [f"`{_md_cell(row[0])}`" if name.startswith("Paths") else _md_cell(row[0])]
            cells += [_md_cell(cell) for cell in row[1:]]
            out.append("| " + " | ".join(cells) + " |")
        if left:
            out += ["", f"…and {_plural(left, 'more path')}."]
    out += ["", "### Committed unowned (`AI-Unowned`), still at the tip", ""]
    if not report.at_tip:
        out.append(
            "Nothing: every piece of AI-written code committed unowned was owned later or is gone."
        )
    else:
        out.append("| location | tool | commit |")
        out.append("| --- | --- | --- |")
        for item in report.at_tip:
            out.append(
                f"| `{_md_cell(_tip_location(item))}` | {_md_cell(item.claim.tool)} | "
                f"{item.commit.sha[:10]} {_md_cell(subject_of(item.commit))} |"
            )
    if report.tip is not None:
        out += _tip_markdown(report.tip, by, limit)
    out += [
        "",
        "_Invalid claims (a fingerprint that does not match the code, an owner the policy"
        " does not accept, a missing signature where one is required) own nothing;"
        " `ownit verify` says why._",
    ]
    return "\n".join(out) + "\n"
