"""The owned share over time: the range's line counts (``Report.history``) at the end of
each week or month. Pure.

Times are committer times, in UTC. Commits are taken in range order, and one dated before
a commit already seen (a rebase, a skewed clock) counts at the latest time seen so far:
the counts only move forward in time, and the last period ends with the report's totals.
Weeks start on Monday (ISO weeks). A range whose commits span more than
:data:`WEEKS_AT_MOST` weeks goes by month. A period with no commit carries the counts of
the period before it, so the periods are contiguous.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ownit.core.report import Lines, Snapshot

Unit = Literal["week", "month"]
WEEKS_AT_MOST = 26


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime.date  # a Monday (week) or the first of a month
    lines: Lines  # as they stood at the end of the period
    commits: int  # commits of the range counted in this period


@dataclass(frozen=True, slots=True)
class Timeline:
    unit: Unit
    periods: tuple[Period, ...]

    @property
    def start(self) -> datetime.date | None:
        return self.periods[0].start if self.periods else None

    @property
    def end(self) -> datetime.date | None:
        """The last day of the last period."""
        return next_start(self.periods[-1].start, self.unit) - _DAY if self.periods else None


_DAY = datetime.timedelta(days=1)


def start_of(day: datetime.date, unit: Unit) -> datetime.date:
    if unit == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(start: datetime.date, unit: Unit) -> datetime.date:
    if unit == "week":
        return start + datetime.timedelta(days=7)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def _day(seconds: int) -> datetime.date:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()


def choose_unit(first: datetime.date, last: datetime.date) -> Unit:
    weeks = (start_of(last, "week") - start_of(first, "week")).days // 7 + 1
    return "week" if weeks <= WEEKS_AT_MOST else "month"


def timeline(history: Sequence[Snapshot], unit: Unit | None = None) -> Timeline:
    """The periods ``history`` covers (``unit``: None chooses by the span)."""
    if not history:
        return Timeline(unit or "week", ())
    days: list[datetime.date] = []
    latest = history[0].time
    for snapshot in history:
        latest = max(latest, snapshot.time)
        days.append(_day(latest))
    chosen: Unit = unit or choose_unit(days[0], days[-1])
    ends: dict[datetime.date, tuple[Snapshot, int]] = {}
    for snapshot, day in zip(history, days, strict=True):
        start = start_of(day, chosen)
        count = ends[start][1] if start in ends else 0
        ends[start] = (snapshot, count + 1)
    periods: list[Period] = []
    start, last = start_of(days[0], chosen), start_of(days[-1], chosen)
    lines = Lines()
    while start <= last:
        count = 0
        if start in ends:
            at_end, count = ends[start]
            lines = at_end.lines
        periods.append(Period(start, lines, count))
        start = next_start(start, chosen)
    return Timeline(chosen, tuple(periods))
