"""core/history_regions.py: history runs (lines of the blamed text) as regions of the
buffer's current text."""

from __future__ import annotations

from ownit.core.fingerprint import fingerprint
from ownit.core.history_regions import history_regions
from ownit.core.model import Ownership, Source
from ownit.core.provenance import HistoryRun
from ownit.core.text import Pos, TextBuffer

BASIS = "".join(f"line {i}\n" for i in range(10))


def _run(first: int, end: int, *, owner: str | None = None, commit: str = "c" * 40) -> HistoryRun:
    return HistoryRun(first, end, "claude-code", commit, owner is not None, owner, "why", None)


def _never(first: int, end: int) -> bool:
    return False


def test_unchanged_text_keeps_the_runs_lines() -> None:
    found = history_regions([_run(2, 5)], BASIS, TextBuffer(BASIS), "a.py", _never)
    [(state, span, run)] = found
    region = state.region
    assert (region.id, region.path, region.first_line, region.end_line) == (run.id, "a.py", 2, 5)
    assert region.source is Source.COMMIT_TRAILER and region.tool == "claude-code"
    assert (span.start, span.end) == (Pos(2, 0), Pos(5, 0))
    assert state.ownership is Ownership.UNOWNED


def test_lines_follow_the_buffer_s_edits() -> None:
    edited = "new first\n" + BASIS  # one line inserted above
    [(state, span, _)] = history_regions([_run(2, 5)], BASIS, TextBuffer(edited), "a.py", _never)
    assert (state.region.first_line, state.region.end_line) == (3, 6)
    assert span.start == Pos(3, 0)


def test_a_run_whose_lines_were_deleted_is_gone() -> None:
    edited = "".join(f"line {i}\n" for i in range(10) if not 2 <= i < 5)
    assert history_regions([_run(2, 5)], BASIS, TextBuffer(edited), "a.py", _never) == []


def test_lines_a_stored_region_covers_are_left_to_it() -> None:
    asked = []

    def covered(first: int, end: int) -> bool:
        asked.append((first, end))
        return first < 4

    runs = [_run(2, 4), _run(6, 8, commit="d" * 40)]
    found = history_regions(runs, BASIS, TextBuffer(BASIS), "a.py", covered)
    assert [s.region.first_line for s, _, _ in found] == [6]
    assert asked == [(2, 4), (6, 8)]


def test_a_claim_holds_for_the_committed_text_and_is_stale_once_edited() -> None:
    owned = _run(2, 4, owner="ann@example.com")
    [(state, _, _)] = history_regions([owned], BASIS, TextBuffer(BASIS), "a.py", _never)
    assert state.claim is not None and state.claim.owner_email == "ann@example.com"
    assert state.claim.fingerprint == fingerprint(["line 2\n", "line 3\n"])
    assert state.ownership is Ownership.OWNED
    edited = BASIS.replace("line 3\n", "line three\n")
    [(stale, _, _)] = history_regions([owned], BASIS, TextBuffer(edited), "a.py", _never)
    assert stale.ownership is Ownership.STALE


def test_the_empty_end_of_a_file_is_no_region() -> None:
    assert history_regions([_run(10, 11)], BASIS, TextBuffer(BASIS), "a.py", _never) == []
