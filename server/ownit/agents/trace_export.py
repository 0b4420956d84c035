"""`ownit export agent-trace`: ownit's AI-written lines as Agent Trace records.

Two sources, one builder (:mod:`ownit.core.trace_export`):

- **the working tree** (no range): every active AI region that is not dismissed, placed on
  the file as it is on disk (as `ownit status --all` shows them). The line numbers are
  those of the working tree, not of a commit, so the record has no ``vcs`` unless every
  exported file is unchanged since ``HEAD``.
- **a range of commits**: for each commit, its ``AI-Owned`` / ``AI-Unowned`` trailer lines,
  at the line numbers of the file as committed (``vcs.revision`` is the commit, the
  ``timestamp`` its committer date). A claim whose fingerprint does not match the
  committed lines (forged, or mangled) is not exported, and is reported.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ownit import __version__
from ownit.agents.record import RecordError, read_text
from ownit.core.fingerprint import fingerprint
from ownit.core.model import Ownership, RegionStatus
from ownit.core.trace_export import ExportRange, build_records, split_tool
from ownit.core.trailers import parse_message
from ownit.git import run as git
from ownit.git.history import BatchRead, Commit, git_lines
from ownit.git.repo import Repository

EXPORTER = f"ownit {__version__}"


@dataclass(slots=True)
class Exported:
    records: list[dict[str, Any]] = field(default_factory=list)
    ranges: int = 0
    problems: list[str] = field(default_factory=list)


def rfc3339(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _new_id() -> str:
    return str(uuid.uuid4())


def _working_tree_ranges(repo: Repository, problems: list[str]) -> list[ExportRange]:
    from ownit.session import Session, path_to_uri

    found: list[ExportRange] = []
    session = Session()
    try:
        context = session.context_for(repo.toplevel)
        for key in sorted({state.region.path for state in context.store.region_states()}):
            path = repo.toplevel / key
            try:
                text = read_text(path, key)
            except RecordError as error:
                problems.append(f"{error}; its regions are not exported")
                continue
            if text is None:
                problems.append(f"{key}: file not found; its regions are not exported")
                continue
            document = session.open(path_to_uri(path), text, None)
            for tracked in document.tracked.values():
                state, region = tracked.state, tracked.region
                if region.status is not RegionStatus.ACTIVE:
                    continue
                if state.ownership is Ownership.DISMISSED:
                    continue
                lines = tuple(document.buffer.contents(region.first_line, region.end_line))
                found.append(
                    ExportRange(
                        key,
                        region.first_line + 1,
                        region.end_line,
                        lines,
                        region.tool,
                        region.model,
                        region.session,
                    )
                )
            session.close(document.uri)
    finally:
        try:
            session.shutdown()
        finally:
            problems.extend(session.take_notices())  # e.g. the store was moved aside
    return found


def _unchanged_since_head(repo: Repository, paths: Sequence[str]) -> str | None:
    """``HEAD``'s commit when none of ``paths`` differs from it in the working tree."""
    head = git.rev(repo.toplevel, "HEAD")
    if head is None or not paths:
        return head if paths else None
    diff = git.run(["diff", "--quiet", "HEAD", "--", *paths], repo.toplevel, check=False)
    return head if diff.returncode == 0 else None


def export_working_tree(repo: Repository) -> Exported:
    result = Exported()
    ranges = _working_tree_ranges(repo, result.problems)
    revision = _unchanged_since_head(repo, sorted({r.path for r in ranges}))
    result.records = build_records(
        ranges,
        revision=revision,
        timestamp=rfc3339(time.time()),
        new_id=_new_id,
        exporter=EXPORTER,
        scope="working tree" if revision is None else "working tree (unchanged since HEAD)",
    )
    result.ranges = len(ranges)
    return result


def _tree_path(path: str) -> bool:
    """Whether ``path`` can name a file of a commit (never asked of git otherwise: a
    ``../`` in a forged trailer would make ``git cat-file`` give up on the whole batch)."""
    parts = path.split("/")
    return not any(part in ("", ".", "..") for part in parts) and not any(
        char in path for char in "\0\n\r"
    )


def export_commits(repo: Repository, commits: Sequence[Commit]) -> Exported:
    result = Exported()
    claims = []
    for commit in commits:
        found = parse_message(commit.message).claims
        for claim in found:
            if not _tree_path(claim.path):
                result.problems.append(
                    f"commit {commit.short}: {claim.location}: not a path in the repository;"
                    " not exported"
                )
        claims.append((commit, tuple(claim for claim in found if _tree_path(claim.path))))
    specs = [f"{commit.sha}:{claim.path}" for commit, found in claims for claim in found]
    blobs = BatchRead(repo.toplevel, specs).result()
    for commit, found in claims:
        ranges: list[ExportRange] = []
        for claim in found:
            where = f"commit {commit.short}: {claim.location}"
            data = blobs.get(f"{commit.sha}:{claim.path}")
            if data is None:
                result.problems.append(f"{where}: the file is not in the commit; not exported")
                continue
            lines = git_lines(data)[claim.first - 1 : claim.last]
            if (
                len(lines) != claim.last - claim.first + 1
                or fingerprint(lines) != claim.fingerprint
            ):
                result.problems.append(
                    f"{where}: the claim does not match the committed lines; not exported"
                )
                continue
            tool, model = split_tool(claim.tool)
            ranges.append(
                ExportRange(claim.path, claim.first, claim.last, tuple(lines), tool, model)
            )
        if ranges:
            result.records += build_records(
                ranges,
                revision=commit.sha,
                timestamp=rfc3339(commit.time),
                new_id=_new_id,
                exporter=EXPORTER,
                scope="commit trailers",
            )
            result.ranges += len(ranges)
    return result
