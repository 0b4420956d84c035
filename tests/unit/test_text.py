"""TextBuffer: LSP line splitting, edits, clamping and the positions an edit reports."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core.text import (
    Pos,
    TextBuffer,
    content_length,
    split_lines,
    strip_terminator,
)

# --- line splitting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", [""]),
        ("a", ["a"]),
        ("a\n", ["a\n", ""]),
        ("a\nb", ["a\n", "b"]),
        ("a\r\nb\r\n", ["a\r\n", "b\r\n", ""]),
        ("a\rb", ["a\r", "b"]),
        ("a\r\r\nb", ["a\r", "\r\n", "b"]),
        ("a\n\rb", ["a\n", "\r", "b"]),
        ("\n\n", ["\n", "\n", ""]),
        ("\r\n", ["\r\n", ""]),
        ("\r", ["\r", ""]),
        ("a\n\r\n\r", ["a\n", "\r\n", "\r", ""]),
    ],
)
def test_split_lines_on_lsp_terminators(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
    assert "".join(split_lines(text)) == text


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e"])
def test_characters_str_splitlines_breaks_on_are_not_lsp_line_breaks(separator: str) -> None:
    text = f"one{separator}two\nthree"
    assert len(text.splitlines()) == 3  # what we must not do
    buffer = TextBuffer(text)
    assert buffer.lines == [f"one{separator}two\n", "three"]
    assert buffer.line_count() == 2
    assert buffer.content(0) == f"one{separator}two"
    assert content_length(buffer.lines[0]) == 7


def test_content_and_terminators() -> None:
    buffer = TextBuffer("a\r\nbb\rccc\nd")
    assert buffer.line_count() == 4
    assert [buffer.content(i) for i in range(4)] == ["a", "bb", "ccc", "d"]
    assert buffer.contents(1, 3) == ["bb", "ccc"]
    assert buffer.contents(0, 99) == ["a", "bb", "ccc", "d"]
    assert [content_length(line) for line in buffer.lines] == [1, 2, 3, 1]
    assert strip_terminator("x\r\n") == "x"
    assert strip_terminator("x\r") == "x"
    assert strip_terminator("x") == "x"
    assert strip_terminator("\r\n") == ""
    assert buffer.text == "a\r\nbb\rccc\nd"


def test_end_of_document() -> None:
    assert TextBuffer("").end() == Pos(0, 0)
    assert TextBuffer("ab").end() == Pos(0, 2)
    assert TextBuffer("ab\n").end() == Pos(1, 0)
    assert TextBuffer("ab\r\ncd").end() == Pos(1, 2)


def test_positions_order_like_text() -> None:
    assert Pos(0, 5) < Pos(1, 0)
    assert Pos(2, 1) < Pos(2, 3)
    assert Pos(1, 1) == Pos(1, 1)


# --- clamping ------------------------------------------------------------------------------


def test_clamp() -> None:
    buffer = TextBuffer("abc\r\nde\n")
    assert buffer.clamp(Pos(-1, 5)) == Pos(0, 0)
    assert buffer.clamp(Pos(0, -3)) == Pos(0, 0)
    assert buffer.clamp(Pos(0, 2)) == Pos(0, 2)
    assert buffer.clamp(Pos(0, 4)) == Pos(0, 3)  # never inside the \r\n
    assert buffer.clamp(Pos(0, 99)) == Pos(0, 3)
    assert buffer.clamp(Pos(1, 99)) == Pos(1, 2)
    assert buffer.clamp(Pos(2, 0)) == Pos(2, 0)
    assert buffer.clamp(Pos(2, 7)) == Pos(2, 0)
    assert buffer.clamp(Pos(3, 0)) == Pos(2, 0)
    assert buffer.clamp(Pos(50, 50)) == Pos(2, 0)


def test_clamp_without_final_newline() -> None:
    buffer = TextBuffer("x\nlast")
    assert buffer.clamp(Pos(9, 0)) == Pos(1, 4)
    assert TextBuffer("").clamp(Pos(3, 3)) == Pos(0, 0)


# --- edits ---------------------------------------------------------------------------------


def test_insert_in_middle_of_line() -> None:
    buffer = TextBuffer("hello\nworld\n")
    edit = buffer.replace(Pos(0, 5), Pos(0, 5), ", there")
    assert buffer.text == "hello, there\nworld\n"
    assert edit.start == edit.end == Pos(0, 5)
    assert edit.new_start == Pos(0, 5)
    assert edit.inserted_end == Pos(0, 12)
    assert edit.line_delta == 0


def test_insert_lines() -> None:
    buffer = TextBuffer("a\nb\n")
    edit = buffer.replace(Pos(1, 0), Pos(1, 0), "x\ny\n")
    assert buffer.text == "a\nx\ny\nb\n"
    assert buffer.lines == ["a\n", "x\n", "y\n", "b\n", ""]
    assert edit.line_delta == 2
    assert edit.new_start == Pos(1, 0)
    assert edit.inserted_end == Pos(3, 0)
    assert edit.map(Pos(1, 0)) == Pos(1, 0)  # old start: before the insertion
    assert edit.map(Pos(0, 1)) == Pos(0, 1)
    assert edit.map(Pos(2, 0)) == Pos(4, 0)


def test_delete_across_lines() -> None:
    buffer = TextBuffer("one\r\ntwo\r\nthree\r\nfour")
    edit = buffer.replace(Pos(0, 2), Pos(2, 3), "")
    assert buffer.text == "onee\r\nfour"
    assert edit.line_delta == -2
    assert edit.map(Pos(2, 3)) == Pos(0, 2)
    assert edit.map(Pos(3, 1)) == Pos(1, 1)
    assert edit.map(Pos(0, 1)) == Pos(0, 1)
    with pytest.raises(ValueError):
        edit.map(Pos(1, 0))


def test_replace_with_reversed_positions() -> None:
    buffer = TextBuffer("abcdef")
    buffer.replace(Pos(0, 4), Pos(0, 1), "X")
    assert buffer.text == "aXef"


def test_replace_clamps_positions() -> None:
    buffer = TextBuffer("ab\ncd")
    buffer.replace(Pos(0, 99), Pos(7, 7), "!")
    assert buffer.text == "ab!"
    buffer = TextBuffer("ab\ncd")
    buffer.replace(Pos(-4, 0), Pos(0, 1), "")
    assert buffer.text == "b\ncd"


def test_whole_document_replacement() -> None:
    buffer = TextBuffer("old\r\ntext\r\n")
    buffer.replace(Pos(0, 0), buffer.end(), "new\ntext")
    assert buffer.lines == ["new\n", "text"]
    buffer.replace(Pos(0, 0), buffer.end(), "")
    assert buffer.lines == [""]
    buffer.replace(Pos(0, 0), Pos(0, 0), "\r\n\r\n")
    assert buffer.lines == ["\r\n", "\r\n", ""]


def test_lone_cr_before_inserted_lf_becomes_crlf() -> None:
    buffer = TextBuffer("a\rb\n")
    assert buffer.line_count() == 3
    edit = buffer.replace(Pos(1, 0), Pos(1, 0), "\n")
    assert buffer.text == "a\r\nb\n"
    assert buffer.lines == ["a\r\n", "b\n", ""]
    assert edit.line_delta == 0
    # The inserted \n sits between the \r and the b: inside line 0's terminator.
    assert edit.new_start == Pos(0, 2)
    assert edit.inserted_end == Pos(1, 0)
    assert edit.map(Pos(1, 1)) == Pos(1, 1)


def test_deletion_bringing_cr_and_lf_together_merges_them() -> None:
    buffer = TextBuffer("a\rX\nb")
    assert buffer.lines == ["a\r", "X\n", "b"]
    edit = buffer.replace(Pos(1, 0), Pos(1, 1), "")
    assert buffer.lines == ["a\r\n", "b"]
    assert edit.line_delta == -1
    assert edit.map(Pos(2, 1)) == Pos(1, 1)


def test_inserted_cr_before_existing_lf_merges() -> None:
    buffer = TextBuffer("ab\ncd")
    buffer.replace(Pos(0, 2), Pos(0, 2), "\r")
    assert buffer.lines == ["ab\r\n", "cd"]
    buffer = TextBuffer("ab\ncd")
    buffer.replace(Pos(0, 2), Pos(0, 2), "x\r")
    assert buffer.lines == ["abx\r\n", "cd"]


def test_inserted_text_ending_in_cr_at_line_start_stays_separate() -> None:
    buffer = TextBuffer("ab\ncd")
    buffer.replace(Pos(1, 0), Pos(1, 0), "\r")
    assert buffer.lines == ["ab\n", "\r", "cd"]


def test_inserting_text_between_cr_and_lf_is_impossible_for_clients() -> None:
    # Client positions are clamped to the line's content, so a \r\n cannot be split.
    buffer = TextBuffer("ab\r\ncd")
    buffer.replace(Pos(0, 3), Pos(0, 3), "X")
    assert buffer.text == "abX\r\ncd"


def test_edit_on_empty_document() -> None:
    buffer = TextBuffer("")
    edit = buffer.replace(Pos(0, 0), Pos(0, 0), "😋\n𝄞")
    assert buffer.lines == ["😋\n", "𝄞"]
    assert edit.inserted_end == Pos(1, 1)
    assert buffer.end() == Pos(1, 1)


def test_astral_characters_count_as_one_column() -> None:
    buffer = TextBuffer("a😋b\u2028c\n")
    assert buffer.clamp(Pos(0, 99)) == Pos(0, 5)
    buffer.replace(Pos(0, 1), Pos(0, 2), "")
    assert buffer.text == "ab\u2028c\n"


def test_many_edits_keep_lines_consistent() -> None:
    buffer = TextBuffer("")
    for text in ["x\r", "\n", "y\r", "z", "\r\n"]:
        buffer.replace(buffer.end(), buffer.end(), text)
        assert buffer.lines == split_lines(buffer.text)
    assert buffer.text == "x\r\ny\rz\r\n"


def test_span_is_only_terminators() -> None:
    buffer = TextBuffer("ab\r\n\ncd\r")
    assert buffer.span_is_only_terminators(Pos(0, 2), Pos(2, 0))
    assert not buffer.span_is_only_terminators(Pos(0, 1), Pos(2, 0))
    assert not buffer.span_is_only_terminators(Pos(1, 0), Pos(2, 1))
    assert buffer.span_is_only_terminators(Pos(2, 2), Pos(3, 0))
    assert buffer.span_is_only_terminators(Pos(1, 0), Pos(1, 0))  # nothing at all


_BREAKS_AND_MORE = st.lists(
    st.sampled_from(["a", "é", "😋", "\r", "\n", "\r\n", *"\v\f\x1c\x1d\x1e\x85\u2028\u2029"]),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_BREAKS_AND_MORE)
def test_split_lines_is_the_lsp_rule_for_any_text(text: str) -> None:
    """Lines end at \\r\\n, \\r or \\n only (the fast path through str.splitlines, taken
    when no other break is in the text, splits as the rule does)."""
    expected = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    if not expected or expected[-1].endswith(("\n", "\r")):
        expected.append("")
    assert split_lines(text) == expected
