"""Terminal columns: widths as a terminal shows text, tables aligned on them."""

from __future__ import annotations

from ownit.core.columns import display_width, line_span, pad, table


def test_display_width_counts_terminal_cells() -> None:
    assert display_width("src/a.py") == 8
    assert display_width("数据.py") == 7  # two wide characters
    assert display_width("e\u0301") == 1  # e + combining acute accent
    assert display_width("a\u200db") == 2  # a zero-width joiner takes no cell
    assert display_width("") == 0


def test_pad_fills_to_cells_not_characters() -> None:
    assert pad("数", 4) == "数  "
    assert pad("7", 3, right=True) == "  7"
    assert pad("long", 2) == "long"


def test_table_aligns_every_column_on_its_widest_cell() -> None:
    lines = table([["src/数据.py:1-3", "unowned", "aider"], ["a.py:5", "owned", "x"]])
    assert lines == ["src/数据.py:1-3  unowned  aider", "a.py:5           owned    x"]
    assert table([["name", "n"], ["a", "10"]], right=[1]) == ["name   n", "a     10"]
    assert table([]) == []


def test_line_span_reads_one_line_as_one() -> None:
    assert line_span(25, 25) == "25"
    assert line_span(5, 6) == "5-6"
