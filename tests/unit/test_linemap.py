"""Carrying lines into another version of a file (commit hooks, agent edits)."""

from __future__ import annotations

from ownit.core.linemap import added_lines, line_map, map_range


def test_equal_lines_map_and_changed_ones_do_not() -> None:
    old = ["a", "b", "c", "d"]
    new = ["x", "a", "b", "C", "d"]
    assert line_map(old, new) == [1, 2, None, 4]
    assert added_lines(old, new) == {0, 3}


def test_line_endings_and_trailing_spaces_do_not_break_the_map() -> None:
    assert line_map(["a\r\n", "b  "], ["a", "b"]) == [0, 1]


def test_a_partly_staged_region_splits_into_pieces() -> None:
    old = ["one", "two", "three", "four"]
    new = ["one", "two", "changed", "four"]
    assert map_range(line_map(old, new), 0, 4) == [(0, 2), (3, 4)]


def test_many_repeated_lines_map_exactly() -> None:
    # Blank lines and closing braces repeat thousands of times in real files.
    old = [line for n in range(3000) for line in (f"def f{n}():", "    pass", "", "}")]
    new = ["# header", *old[:6000], "inserted", *old[6000:]]
    mapping = line_map(old, new)
    assert mapping[:6000] == list(range(1, 6001))
    assert mapping[6000:] == list(range(6002, 6002 + len(old) - 6000))
    assert added_lines(old, new) == {0, 6001}
