"""Grouping per-line provenance into the runs the editor shows as history hints."""

from __future__ import annotations

from ownit.core.provenance import UNCOMMITTED, LineProvenance, history_runs

A = "a" * 40
B = "b" * 40


def line(
    n: int, commit: str = A, ai: bool = True, owned: bool = False, **kw: object
) -> LineProvenance:
    return LineProvenance(
        n, f"line {n}", commit, n, "f.py", ai=ai, tool="copilot", owned=owned, **kw
    )  # type: ignore[arg-type]


def test_consecutive_lines_of_one_commit_form_one_run() -> None:
    runs = history_runs([line(1), line(2), line(3, ai=False), line(4), line(5, commit=B)])
    assert [(r.first_line, r.end_line, r.commit) for r in runs] == [(0, 2, A), (3, 4, A), (4, 5, B)]
    assert runs[0].id == f"h:{A[:12]}:0"


def test_owned_and_unowned_lines_are_separate_runs_and_uncommitted_lines_are_skipped() -> None:
    runs = history_runs(
        [
            line(1, owned=True, owner_email="x@example.com", rationale="checked", claim_commit=A),
            line(2),
            line(3, commit=UNCOMMITTED),
        ]
    )
    assert [(r.first_line, r.end_line, r.owned) for r in runs] == [(0, 1, True), (1, 2, False)]
    assert runs[0].rationale == "checked" and runs[0].owner_email == "x@example.com"
