"""The one window finder (core/window_finder.py) against a naive reference scan."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core.fingerprint import fingerprint
from ownit.core.window_finder import (
    WindowFinder,
    digest_prefix,
    find_fingerprint,
    find_window,
    nearest,
    scan_order,
)


def naive(lines: Sequence[str], fp: str, length: int, near: int) -> int | None:
    """Every window, nearest to ``near`` first (the earlier of two equally near)."""
    if length < 1 or length > len(lines):
        return None
    order = sorted(range(len(lines) - length + 1), key=lambda s: (abs(s - near), s))
    for start in order:
        if fingerprint(lines[start : start + length]) == fp:
            return start
    return None


# Few distinct lines, so that windows repeat and ties are common; trailing whitespace and
# CRLF are what fingerprints ignore.
LINES = st.lists(st.sampled_from(["a", "b", "a  ", "b\r\n", "", "c\n"]), max_size=14)


@settings(max_examples=300, deadline=None)
@given(LINES, st.data())
def test_find_is_the_naive_scan(lines: list[str], data: st.DataObject) -> None:
    finder = WindowFinder(lines)
    # Several searches in one finder: what earlier searches hashed must not change later
    # answers.
    for _ in range(4):
        length = data.draw(st.integers(0, len(lines) + 1))
        near = data.draw(st.integers(-3, len(lines) + 3))
        if length and length <= len(lines) and data.draw(st.booleans()):
            start = data.draw(st.integers(0, len(lines) - length))
            fp = fingerprint(lines[start : start + length])
        else:
            fp = data.draw(st.sampled_from(["0" * 12, fingerprint(["zzz"])]))
        expected = naive(lines, fp, length, near)
        assert finder.find(fp, length, near) == expected
        found = find_fingerprint(lines, fp, length, near)
        assert found == (None if expected is None else (expected, expected + length))


@settings(max_examples=200, deadline=None)
@given(LINES, st.data())
def test_starts_of_and_every_window_list_every_match(lines: list[str], data: st.DataObject) -> None:
    if not lines:
        return
    finder = WindowFinder(lines)
    length = data.draw(st.integers(1, len(lines)))
    start = data.draw(st.integers(0, len(lines) - length))
    window = finder.lines[start : start + length]
    fp = fingerprint(window)
    every = [s for s in range(len(lines) - length + 1) if fingerprint(lines[s : s + length]) == fp]
    assert finder.starts_of(window, fp) == every
    digest = digest_prefix(fp)
    assert digest is not None
    finder.want(digest, length)
    assert finder.every_window(length).get(digest, []) == every


@given(st.integers(0, 12), st.integers(-4, 16))
def test_scan_order_is_nearest_then_earlier(count: int, near: int) -> None:
    assert list(scan_order(count, near)) == sorted(range(count), key=lambda s: (abs(s - near), s))


def test_ties_go_to_the_earlier_window() -> None:
    lines = ["x", "y", "x", "y", "x"]
    fp = fingerprint(["x"])
    assert WindowFinder(lines).find(fp, 1, near=1) == 0  # 0 and 2 equally near
    assert WindowFinder(lines).find(fp, 1, near=3) == 2
    assert nearest([4, 2, 0], 3) == 2
    assert nearest([], 3) is None


def test_the_budget_pays_for_each_length_once_and_refuses_what_it_cannot_pay() -> None:
    lines = [str(i) for i in range(10)]
    finder = WindowFinder(lines, budget=15)
    assert finder.find(fingerprint(["8"]), 1) == 8  # 10 windows of 1 line: 5 left
    assert finder.find(fingerprint(["8", "9"]), 2) is None  # 9 windows of 2 lines: 18
    assert finder.find(fingerprint(["3"]), 1) == 3  # paid already
    assert WindowFinder(lines).find(fingerprint(["8", "9"]), 2) == 8


@settings(max_examples=200, deadline=None)
@given(LINES, st.data())
def test_knowing_the_first_line_gives_the_same_answer(
    lines: list[str], data: st.DataObject
) -> None:
    if not lines:
        return
    finder = WindowFinder(lines)
    length = data.draw(st.integers(1, len(lines)))
    start = data.draw(st.integers(0, len(lines) - length))
    near = data.draw(st.integers(-2, len(lines) + 2))
    fp = fingerprint(lines[start : start + length])
    first = finder.lines[start]
    assert finder.find(fp, length, near, first_line=first) == naive(lines, fp, length, near)


def test_find_window_takes_any_test() -> None:
    lines = ["a", "b", "a", "b"]
    assert find_window(len(lines), 2, 3, lambda s: lines[s] == "a") == 2
    assert find_window(len(lines), 5, 0, lambda s: True) is None
    assert find_window(len(lines), 0, 0, lambda s: True) is None
