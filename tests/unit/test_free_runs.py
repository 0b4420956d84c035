"""The runs a checkpoint marks: lines of the asked ranges that no region covers yet."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ownit.agents.record import free_runs


def test_runs_skip_covered_lines_and_stop_at_the_end_of_the_file() -> None:
    assert free_runs([(0, 10)], {3, 4, 7}, 9) == [(0, 3), (5, 7), (8, 9)]
    assert free_runs([(2, 5), (6, 8)], set(), 100) == [(2, 5), (6, 8)]
    assert free_runs([(0, 4)], {0, 1, 2, 3}, 10) == []
    assert free_runs([(5, 9)], set(), 3) == []


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15)), max_size=4),
    st.sets(st.integers(0, 50)),
    st.integers(0, 50),
)
def test_runs_are_exactly_the_free_lines(
    spans: list[tuple[int, int]], covered: set[int], count: int
) -> None:
    ranges = [(first, first + length) for first, length in spans]
    runs = free_runs(ranges, covered, count)
    for first, end in runs:
        assert first < end  # never an empty run
    for first, stop in ranges:
        wanted = {line for line in range(first, min(stop, count)) if line not in covered}
        got = {line for a, b in runs for line in range(a, b) if first <= line < stop}
        assert wanted <= got
    marked = [line for a, b in runs for line in range(a, b)]
    assert not set(marked) & covered and all(line < count for line in marked)
