"""LSP client positions (line, character in the client's encoding: utf-8 bytes, utf-16
units or code points) become core positions the way the reference model counts them
(tests/tracking_model.py), mid-character and past-the-end positions included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.tracking_model import ENCODINGS, SETTINGS, RefDoc, client_position, flat, texts

from ownit.core.text import Pos, TextBuffer
from ownit.core.tracking import Span, line_range, span_for_lines, transform
from ownit.lsp.convert import to_core_position


@pytest.mark.parametrize("encoding", ENCODINGS)
@SETTINGS
@given(text=texts, data=st.data())
def test_client_positions_round_trip(encoding: str, text: str, data: st.DataObject) -> None:
    """Converting a client position and the model's flat offset agree, mid-character
    positions included."""
    buffer = TextBuffer(text)
    doc = RefDoc(list(text), [set() for _ in text])
    line, character = client_position(data, doc, encoding)
    assert flat(buffer, to_core_position(buffer, line, character, encoding)) == doc.offset(
        line, character, encoding
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_edit_after_astral_characters(encoding: str) -> None:
    buffer = TextBuffer("😋𝄞x\nAI\n")
    span: Span | None = span_for_lines(buffer, 1, 2)
    width = {"utf-8": 8, "utf-16": 4, "utf-32": 2}[encoding]
    pos = to_core_position(buffer, 0, width, encoding)
    assert pos == Pos(0, 2)
    edit = buffer.replace(pos, pos, "\n\n")
    assert buffer.text == "😋𝄞\n\nx\nAI\n"
    assert span is not None
    span = transform(span, edit, buffer)
    assert span is not None
    assert line_range(span) == (3, 4)
