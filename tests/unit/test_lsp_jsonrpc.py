"""JSON-RPC message checks and LSP framing (server/ownit/lsp/jsonrpc.py, wire.py): pure
functions and the read loop over an in-memory stream."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.lsp.jsonrpc import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    Refusal,
    check_message,
    members_of_deep_object,
    parse_error,
)
from ownit.lsp.wire import content_length, read_messages

GOOD = [
    {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}},
    {"jsonrpc": "2.0", "id": "a", "method": "shutdown"},
    {"jsonrpc": "2.0", "id": 2, "method": "x", "params": [1, 2]},
    {"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": None},
    {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {}},
    {"jsonrpc": "2.0", "id": 4, "result": None},  # a client's response
    {"jsonrpc": "2.0", "id": "x", "error": {"code": 1, "message": "no"}},
]


@pytest.mark.parametrize("message", GOOD)
def test_well_formed_messages_pass(message: dict[str, Any]) -> None:
    assert check_message(message) == ()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # A request with an id and no method (the issue: 120 unanswered).
        ({"jsonrpc": "2.0", "id": 7}, (INVALID_REQUEST, 7, True, "no 'method'")),
        ({"jsonrpc": "2.0", "id": 7, "method": 5}, (INVALID_REQUEST, 7, True, "must be a string")),
        ({"jsonrpc": "2.0", "id": 7, "method": ["a"]}, (INVALID_REQUEST, 7, True, "an array")),
        ({"jsonrpc": "2.0", "method": None}, (INVALID_REQUEST, None, False, "got null")),
        ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "x"}, (INVALID_REQUEST, None, True, "id")),
        ({"jsonrpc": "2.0", "id": True, "method": "x"}, (INVALID_REQUEST, None, True, "boolean")),
        ({"jsonrpc": "2.0", "id": 1.5, "method": "x"}, (INVALID_REQUEST, None, True, "number")),
        ({"jsonrpc": "2.0", "id": None, "method": "x"}, (INVALID_REQUEST, None, True, "null")),
        ({"id": 8, "method": "x"}, (INVALID_REQUEST, 8, True, '"2.0"')),
        ({"jsonrpc": "1.0", "id": 8, "method": "x"}, (INVALID_REQUEST, 8, True, '"2.0"')),
        ({"jsonrpc": "2.0", "id": 9, "method": "m", "params": "s"}, (INVALID_PARAMS, 9, True, "")),
        ({"jsonrpc": "2.0", "id": 9, "method": "m", "params": 3}, (INVALID_PARAMS, 9, True, "")),
        ({"jsonrpc": "2.0", "method": "m", "params": "s"}, (INVALID_PARAMS, None, False, "")),
        ({}, (INVALID_REQUEST, None, True, "no 'method'")),
        ({"jsonrpc": "2.0", "result": 1}, (INVALID_REQUEST, None, False, "response")),
        (42, (INVALID_REQUEST, None, True, "a number")),
        (None, (INVALID_REQUEST, None, True, "null")),
        ("text", (INVALID_REQUEST, None, True, "a string")),
        ([], (INVALID_REQUEST, None, True, "batches")),
    ],
)
def test_malformed_messages_get_the_right_refusal(
    message: Any, expected: tuple[int, Any, bool, str]
) -> None:
    code, msg_id, answer, words = expected
    [refusal] = check_message(message)
    assert (refusal.code, refusal.id, refusal.answer) == (code, msg_id, answer)
    assert words in refusal.message
    assert "Traceback" not in refusal.message


def test_a_batch_answers_each_request_in_it() -> None:
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "a"},
        {"jsonrpc": "2.0", "method": "notification"},
        {"jsonrpc": "2.0", "id": "two", "method": "b"},
        {"jsonrpc": "2.0", "id": [3], "method": "c"},
        7,
    ]
    assert [r.id for r in check_message(batch)] == [1, "two"]
    assert all(r.code == INVALID_REQUEST and r.answer for r in check_message(batch))


def test_long_or_odd_method_names_are_shown_escaped_and_cut() -> None:
    [refusal] = check_message(
        {"jsonrpc": "2.0", "id": 1, "method": "\x1b[2J" + "m" * 500, "params": 1}
    )
    assert "\x1b" not in refusal.message
    assert "\\u001b[2J" in refusal.message
    assert len(refusal.message) < 200


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["jsonrpc", "id", "method", "params", "result", "x"]),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_value_is_checked_without_raising(value: Any) -> None:
    for refusal in check_message(value):
        assert isinstance(refusal, Refusal)
        assert refusal.id is None or type(refusal.id) in (int, str)


def test_parse_errors_say_what_and_where() -> None:
    with pytest.raises(ValueError) as caught:
        b'{"id": 1, \xff}'.decode("utf-8")
    assert parse_error(caught.value) == "Parse error: the body is not UTF-8 (byte 10 is 0xff)"
    with pytest.raises(ValueError) as caught:
        json.loads('{"id": 1,')
    assert parse_error(caught.value).startswith("Parse error: Expecting property name")


def test_members_of_an_object_too_deep_for_json_loads() -> None:
    deep = "[" * 5000 + "]" * 5000
    text = f'{{"jsonrpc": "2.0", "method": "m", "params": {{"a": {deep}, "id": 5}}, "id": 12}}'
    with pytest.raises(RecursionError):
        json.loads(text)
    assert members_of_deep_object(text) == {"method": "m", "id": 12}
    # Keys and brackets inside strings are not structure.
    tricky = '{"params": ["\\"id\\": 3 ]]] {", ' + deep + '], "id": "s\\"q", "method": "x"}'
    assert members_of_deep_object(tricky) == {"id": 's"q', "method": "x"}
    # A value too deep to read is left out; a body that is not an object has no members.
    assert members_of_deep_object('{"id": ' + deep + ', "method": "m"}') == {"method": "m"}
    assert members_of_deep_object(deep) == {}
    assert members_of_deep_object('{"id": "unterminated') == {}
    assert members_of_deep_object('  {"id": 3}') == {"id": 3}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"Content-Length: 12\r\n", 12),
        (b"content-length: 12\r\n", 12),  # header names are case-insensitive
        (b"CONTENT-LENGTH:12\n", 12),
        (b"Content-Length :  7 \r\n", 7),
        (b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n", None),
        (b"Content-Length: -1\r\n", -1),
        (b"Content-Length: twelve\r\n", -1),
        (b"Content-Length: " + b"9" * 40 + b"\r\n", -1),
        (b'{"jsonrpc":"2.0","id":1}Content-Length: 30\r\n', 30),  # resync after a short length
        (b"no colon here\r\n", None),
    ],
)
def test_content_length_header(line: bytes, expected: int | None) -> None:
    assert content_length(line) == expected


class _Stream:
    """An asyncio-style reader over fixed bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    async def readline(self) -> bytes:
        end = self.data.find(b"\n", self.position)
        end = len(self.data) if end < 0 else end + 1
        line = self.data[self.position : end]
        self.position = end
        return line

    async def readexactly(self, n: int) -> bytes:
        chunk = self.data[self.position : self.position + n]
        self.position += len(chunk)
        return chunk


def _read(data: bytes, max_body: int = 1000) -> tuple[list[bytes], list[int]]:
    bodies: list[bytes] = []
    oversized: list[int] = []
    asyncio.run(
        read_messages(_Stream(data), bodies.append, oversized.append, threading.Event(), max_body)
    )
    return bodies, oversized


def test_frames_are_read_whatever_the_header_case_and_line_ends() -> None:
    data = (
        b"content-length: 3\r\n\r\none"
        b"Content-Length: 3\r\nContent-Type: application/vscode-jsonrpc\r\n\r\ntwo"
        b"CONTENT-LENGTH: 5\n\nthree"
        b"Content-Length: 0\r\n\r\n"
    )
    assert _read(data) == ([b"one", b"two", b"three", b""], [])


def test_a_bad_frame_costs_only_itself() -> None:
    data = (
        b"Content-Length: 2\r\n\r\nlonger than two"  # too short: the rest is junk
        b"Content-Length: 4\r\n\r\nnext"
        b"Content-Length: nope\r\n\r\nbody"  # no usable length: skipped
        b"Content-Length: 5\r\n\r\nafter"
        b"X-Other: 1\r\n\r\n"  # a header block without a length
        b"Content-Length: 4\r\n\r\nlast"
    )
    assert _read(data) == ([b"lo", b"next", b"after", b"last"], [])


def _read_refused(data: bytes) -> tuple[list[bytes], list[str]]:
    bodies: list[bytes] = []
    refused: list[str] = []
    stream = _Stream(data)
    asyncio.run(
        read_messages(stream, bodies.append, print, threading.Event(), refuse_frame=refused.append)
    )
    return bodies, refused


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (b"Content-Length: 5\r\nContent-Length: 40\r\n\r\nfirst", "2 Content-Length headers"),
        (b"Content-Length: 5\r\ncontent-length: 5\r\n\r\nfirst", "2 Content-Length headers"),
        (b"Content-Length: five\r\n\r\nfirst", "Content-Length 'five' is not a length"),
        (b"Content-Length: -5\r\n\r\nfirst", "Content-Length '-5' is not a length"),
        (b"Content-Type: x\r\n\r\nfirst", "a message header without Content-Length"),
    ],
)
def test_a_header_that_does_not_say_where_its_body_ends_is_refused(bad: bytes, why: str) -> None:
    """Refused (with why), and the next good message is read as sent: never swallowed."""
    bodies, refused = _read_refused(bad + b"Content-Length: 4\r\n\r\nnext")
    assert bodies == [b"next"]
    assert len(refused) == 1 and why in refused[0], refused
    assert "skipped up to the next Content-Length header" in refused[0]


def test_blank_lines_between_messages_are_no_header() -> None:
    data = b"Content-Length: 3\r\n\r\none\r\n\r\nContent-Length: 3\r\n\r\ntwo"
    assert _read_refused(data) == ([b"one", b"two"], [])


def test_an_oversized_body_is_read_past_and_reported() -> None:
    data = b"Content-Length: 5000\r\n\r\n" + b"x" * 5000 + b"Content-Length: 2\r\n\r\nok"
    assert _read(data, max_body=1000) == ([b"ok"], [5000])


def test_end_of_input_inside_a_body_stops_reading() -> None:
    assert _read(b"Content-Length: 10\r\n\r\nshort") == ([], [])


def test_error_responses_lose_pythons_traceback() -> None:
    from lsprotocol.types import ResponseError
    from pygls.exceptions import JsonRpcInternalError

    from ownit.lsp.protocol import _without_traceback

    try:
        json.dumps(object())
    except TypeError:
        error = JsonRpcInternalError.of(sys.exc_info()).to_response_error()
    assert "traceback" in error.data
    cleaned = _without_traceback(error)
    assert cleaned.code == -32603
    assert cleaned.message.startswith("TypeError: Object of type object is not JSON")
    assert cleaned.data is None
    text = "failed\nTraceback (most recent call last):\n  File 'x.py'"
    cleaned = _without_traceback(ResponseError(code=-32603, message=text, data={"k": 1}))
    assert (cleaned.message, cleaned.data) == ("failed", {"k": 1})
    kept = ResponseError(code=-32602, message="bad params")
    assert _without_traceback(kept) is kept
