"""core/report_timeline: the report's per-commit counts by week or month."""

from __future__ import annotations

import datetime

import pytest

from ownit.core.report import Snapshot
from ownit.core.report_timeline import (
    WEEKS_AT_MOST,
    choose_unit,
    next_start,
    start_of,
    timeline,
)

MONDAY = datetime.datetime(2025, 1, 6, 10, tzinfo=datetime.UTC)


def at(days: float) -> int:
    return int((MONDAY + datetime.timedelta(days=days)).timestamp())


def snap(days: float, owned: int, unowned: int = 0, unclaimed: int = 0) -> Snapshot:
    return Snapshot(f"{owned:040d}", at(days), owned, unowned, unclaimed)


def test_weeks_end_with_the_last_commit_of_each_and_carry_over_empty_ones() -> None:
    history = [snap(0, 0, 5), snap(2, 5, 0), snap(3, 5, 0, 5), snap(22, 10, 0, 5)]
    result = timeline(history)
    assert result.unit == "week"
    assert [p.start.isoformat() for p in result.periods] == [
        "2025-01-06",
        "2025-01-13",
        "2025-01-20",
        "2025-01-27",
    ]
    assert [p.commits for p in result.periods] == [3, 0, 0, 1]
    shares = [p.lines.owned_share for p in result.periods]
    assert shares == [0.5, 0.5, 0.5, 10 / 15]
    assert result.start == datetime.date(2025, 1, 6)
    assert result.end == datetime.date(2025, 2, 2), "the Sunday of the last week"


def test_a_long_range_goes_by_month() -> None:
    history = [snap(0, 1), snap(40, 2), snap(7 * WEEKS_AT_MOST + 7, 3)]
    result = timeline(history)
    assert result.unit == "month"
    assert result.periods[0].start == datetime.date(2025, 1, 1)
    assert result.periods[-1].start == datetime.date(2025, 7, 1)
    assert [p.lines.owned for p in result.periods] == [1, 2, 2, 2, 2, 2, 3]
    assert timeline(history, "week").unit == "week"


def test_a_commit_dated_before_an_earlier_one_counts_at_the_latest_time_seen() -> None:
    history = [snap(10, 1), snap(0, 2), snap(11, 3)]  # the second one was rebased
    result = timeline(history)
    assert [p.start.day for p in result.periods] == [13]
    assert result.periods[0].commits == 3 and result.periods[0].lines.owned == 3


def test_nothing_to_show() -> None:
    empty = timeline([])
    assert empty.periods == () and empty.start is None and empty.end is None


@pytest.mark.parametrize(
    ("day", "unit", "start", "following"),
    [
        ("2025-01-08", "week", "2025-01-06", "2025-01-13"),
        ("2025-01-06", "week", "2025-01-06", "2025-01-13"),
        ("2024-12-31", "week", "2024-12-30", "2025-01-06"),
        ("2025-12-15", "month", "2025-12-01", "2026-01-01"),
        ("2024-02-29", "month", "2024-02-01", "2024-03-01"),
    ],
)
def test_period_boundaries(day: str, unit: str, start: str, following: str) -> None:
    begins = start_of(datetime.date.fromisoformat(day), unit)  # type: ignore[arg-type]
    assert begins.isoformat() == start
    assert next_start(begins, unit).isoformat() == following  # type: ignore[arg-type]


def test_choose_unit_by_span() -> None:
    first = datetime.date(2025, 1, 6)
    assert choose_unit(first, first + datetime.timedelta(weeks=WEEKS_AT_MOST - 1)) == "week"
    assert choose_unit(first, first + datetime.timedelta(weeks=WEEKS_AT_MOST)) == "month"
