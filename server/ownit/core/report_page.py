"""What a rendered report page shows (``ownit report --html``): the report of a range
(:class:`ownit.core.report.Report`) and what it describes — the repository, the range,
its tip, the policy in force, when it was made — gathered in one value, so a renderer
is a function of it alone (``ownit.core.report_html``). Pure.

New data for a page (the code at the tip, invalid claims, …) is a new field here with a
default that means "not computed", and a section in the renderer that shows it only when
it is there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ownit.core.policy.summary import PolicySummary
from ownit.core.report import Report
from ownit.core.report_timeline import Timeline, Unit, timeline
from ownit.core.statement import Statement
from ownit.core.verify_findings import CommitLike, subject_of


@dataclass(frozen=True, slots=True)
class CommitRef:
    sha: str
    subject: str
    time: int  # committer time, seconds since the epoch


@dataclass(frozen=True, slots=True)
class ReportPage:
    repository: str  # the repository's folder name
    range: str  # as ownit names it: "HEAD (all history)", "main..topic"
    base: str | None  # None: all history up to the tip (or no commit at all)
    tip: CommitRef | None  # None: the repository has no commit
    generated_at: datetime.datetime  # timezone-aware
    generator: str  # "ownit 0.1.0"
    policy: PolicySummary | None  # None: no commit to read it from
    report: Report
    timeline: Timeline
    path_limit: int = 10  # paths shown in the path chart and table (0: all)
    statement: Statement | None = None  # the AI statement (first section); None: not made


def commit_ref(commit: CommitLike) -> CommitRef:
    return CommitRef(commit.sha, subject_of(commit), commit.time)


def build_page(
    report: Report,
    *,
    repository: str,
    range_spec: str,
    base: str | None,
    tip: CommitRef | None,
    generated_at: datetime.datetime,
    generator: str,
    policy: PolicySummary | None,
    path_limit: int = 10,
    unit: Unit | None = None,
    statement: Statement | None = None,
) -> ReportPage:
    """The page of ``report``; the share over time by ``unit`` (None: by the span)."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    return ReportPage(
        repository=repository,
        range=range_spec,
        base=base,
        tip=tip,
        generated_at=generated_at,
        generator=generator,
        policy=policy,
        report=report,
        timeline=timeline(report.history, unit),
        path_limit=path_limit,
        statement=statement,
    )
