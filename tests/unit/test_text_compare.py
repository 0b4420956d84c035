"""core/text_compare.py: the smallest single edit of a full-text sync, and git's rename
similarity (half the lines kept)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ownit.core.text import Pos, TextBuffer
from ownit.core.text_compare import (
    common_prefix_length,
    common_suffix_length,
    pos_of_offset,
    similar,
    smallest_edit,
)

TEXTS = st.text(alphabet="ab\r\n\u00e9\U0001f600", max_size=30)


def _applied(old: str, new: str) -> tuple[str, tuple[Pos, Pos, str]]:
    buffer = TextBuffer(old)
    edit = smallest_edit(buffer, new)
    buffer.replace(*edit)
    return buffer.text, edit


def test_an_insertion_in_the_middle_is_just_the_inserted_text() -> None:
    text, edit = _applied("one\ntwo\nthree\n", "one\ntwo and a half\nthree\n")
    assert text == "one\ntwo and a half\nthree\n"
    assert edit == (Pos(1, 3), Pos(1, 3), " and a half")


def test_a_deletion_of_a_line_is_only_that_line() -> None:
    _, edit = _applied("a\nb\nc\n", "a\nc\n")
    start, end, new_text = edit
    assert new_text == ""
    assert (end.line - start.line) == 1  # one line break and one letter gone, no more


def test_the_same_text_is_an_empty_edit_at_the_end() -> None:
    buffer = TextBuffer("x\ny")
    assert smallest_edit(buffer, "x\ny") == (buffer.end(), buffer.end(), "")


def test_a_crlf_of_the_old_text_is_never_split() -> None:
    # the common prefix "a\r" would end between the \r and \n of the old text
    text, edit = _applied("a\r\nb", "a\r\r\nb")
    assert text == "a\r\r\nb"
    assert edit == (Pos(0, 1), Pos(1, 0), "\r\r\n")  # the whole \r\n is replaced
    # the common suffix "\nb" would start between them
    text, edit = _applied("a\r\nb", "a\nb")
    assert text == "a\nb"
    assert edit == (Pos(0, 1), Pos(1, 0), "\n")


@given(TEXTS, TEXTS)
def test_the_edit_turns_the_old_text_into_the_new(old: str, new: str) -> None:
    assert _applied(old, new)[0] == new


@given(TEXTS, TEXTS)
def test_prefix_and_suffix_are_common_and_do_not_overlap(a: str, b: str) -> None:
    prefix = common_prefix_length(a, b)
    suffix = common_suffix_length(a, b, prefix)
    assert a[:prefix] == b[:prefix]
    assert prefix == min(len(a), len(b)) or a[prefix] != b[prefix]
    assert prefix + suffix <= min(len(a), len(b))
    assert a[len(a) - suffix :] == b[len(b) - suffix :]


def test_pos_of_offset_counts_terminators_and_stops_at_the_end() -> None:
    buffer = TextBuffer("ab\r\ncd")
    assert pos_of_offset(buffer, 0) == Pos(0, 0)
    assert pos_of_offset(buffer, 2) == Pos(0, 2)
    assert pos_of_offset(buffer, 4) == Pos(1, 0)
    assert pos_of_offset(buffer, 6) == Pos(1, 2)
    assert pos_of_offset(buffer, 99) == buffer.end()


def test_similar_is_half_the_lines_either_way() -> None:
    old = "".join(f"line {i}\n" for i in range(10))
    assert similar(old, old)
    half = "".join(f"line {i}\n" for i in range(5)) + "".join(f"new {i}\n" for i in range(5))
    assert similar(old, half)
    less = "".join(f"line {i}\n" for i in range(4)) + "".join(f"new {i}\n" for i in range(6))
    assert not similar(old, less)
    assert not similar(old, old[: len(old) // 3])  # a third of the file is no rename
    assert similar("", "")
