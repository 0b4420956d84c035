"""Every message with an id gets a JSON-RPC response, whatever its bytes: the real server
over stdio, written to byte by byte (tests/integration/wire_client.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.wire_client import WireClient, dumps, frame

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
STATUS = {"command": "ownit.status", "arguments": [{}]}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[WireClient]:
    home = tmp_path / "home"
    home.mkdir()
    wire = WireClient(isolated_env(home))
    try:
        wire.initialize(None)
        yield wire
    finally:
        wire.close()


def error_of(response: dict[str, Any]) -> dict[str, Any]:
    assert "error" in response, response
    error: dict[str, Any] = response["error"]
    assert "Traceback" not in json.dumps(error), error
    return error


def still_answers(client: WireClient) -> None:
    response = client.request("workspace/executeCommand", STATUS)
    assert response["result"] == {"regions": []}, response


def test_invalid_utf8_in_a_request_is_a_parse_error_with_its_id(client: WireClient) -> None:
    body = b'{"jsonrpc":"2.0","id":41,"method":"workspace/executeCommand","params":'
    body += b'{"command":"ownit.status","arguments":[{"note":"caf\xe9"}]}}'
    client.write(frame(body))
    error = error_of(client.response(41))
    assert error["code"] == PARSE_ERROR
    assert "not UTF-8" in error["message"]
    still_answers(client)


def test_arguments_nested_a_thousand_deep_are_answered(client: WireClient) -> None:
    for depth, msg_id in [(1000, 51), (100_000, 52)]:
        deep = "[" * depth + "]" * depth
        body = (
            f'{{"jsonrpc":"2.0","id":{msg_id},"method":"workspace/executeCommand",'
            f'"params":{{"command":"ownit.markAi","arguments":[{deep}]}}}}'
        )
        client.write(frame(body))
        error = error_of(client.response(msg_id))
        assert error["code"] == INVALID_PARAMS
        assert "nested too deeply" in error["message"]
    # An unknown method is that, however deep its params.
    body = '{"jsonrpc":"2.0","method":"no/such","params":%s,"id":53}' % ("[" * 3000 + "]" * 3000)
    client.write(frame(body))
    assert error_of(client.response(53))["code"] == METHOD_NOT_FOUND
    still_answers(client)


def test_a_request_with_an_id_and_no_method(client: WireClient) -> None:
    client.write(frame(dumps({"jsonrpc": "2.0", "id": 61, "params": {}})))
    error = error_of(client.response(61))
    assert error["code"] == INVALID_REQUEST
    assert "method" in error["message"]


def test_unparsable_json_gets_a_parse_error_with_a_null_id(client: WireClient) -> None:
    for body in [b'{"jsonrpc":"2.0","id":71,', b"", b"\x00\x01", b"{'id': 1}"]:
        client.write(frame(body))
        response = client.wait_for(lambda m: m.get("id", 0) is None and "error" in m)
        assert error_of(response)["code"] == PARSE_ERROR
        client.messages.remove(response)
    still_answers(client)


def test_a_method_that_is_not_a_string(client: WireClient) -> None:
    for method, msg_id in [(5, 81), (["x"], 82), ({"a": 1}, 83), (None, 84)]:
        client.write(frame(dumps({"jsonrpc": "2.0", "id": msg_id, "method": method})))
        error = error_of(client.response(msg_id))
        assert error["code"] == INVALID_REQUEST
        assert "'method' must be a string" in error["message"]
        assert "TypeError" not in error["message"]


def test_right_codes_for_unknown_methods_bad_params_and_bad_shapes(client: WireClient) -> None:
    cases: list[tuple[Any, int]] = [
        ({"jsonrpc": "2.0", "id": 91, "method": "no/such/method", "params": {}}, METHOD_NOT_FOUND),
        (
            {"jsonrpc": "2.0", "id": 92, "method": "textDocument/hover", "params": "x"},
            INVALID_PARAMS,
        ),
        (
            {"jsonrpc": "2.0", "id": 93, "method": "textDocument/hover", "params": {}},
            INVALID_PARAMS,
        ),
        ({"jsonrpc": "2.0", "id": 94, "method": "initialized", "params": {}}, INVALID_REQUEST),
        ({"id": 95, "method": "shutdown"}, INVALID_REQUEST),
        ([{"jsonrpc": "2.0", "id": 96, "method": "shutdown"}], INVALID_REQUEST),
    ]
    for message, _ in cases:
        client.write(frame(dumps(message)))
    for message, code in cases:
        msg_id = message[0]["id"] if isinstance(message, list) else message["id"]
        assert error_of(client.response(msg_id))["code"] == code, message
    # Ids that cannot be echoed are answered with null; nothing crashes.
    for bad_id in [{"a": 1}, [1], True, 1.5]:
        client.write(frame(dumps({"jsonrpc": "2.0", "id": bad_id, "method": "shutdown"})))
    for _ in range(4):
        response = client.wait_for(lambda m: m.get("id", 0) is None and "error" in m)
        assert error_of(response)["code"] == INVALID_REQUEST
        client.messages.remove(response)
    still_answers(client)  # and "shutdown" in a batch or with a bad id did not shut it down


def test_lower_case_content_length_loses_nothing(client: WireClient) -> None:
    first = dumps(
        {"jsonrpc": "2.0", "id": 101, "method": "workspace/executeCommand", "params": STATUS}
    )
    second = dumps(
        {"jsonrpc": "2.0", "id": 102, "method": "workspace/executeCommand", "params": STATUS}
    )
    client.write(frame(first, "content-length") + frame(second))
    assert client.response(101)["result"] == {"regions": []}
    assert client.response(102)["result"] == {"regions": []}
    # A frame whose length is too short costs only itself: the rest of its body is junk
    # in front of the next header.
    client.write(b"Content-Length: %d\r\n\r\n" % (len(second) - 5) + second)
    third = dumps(
        {"jsonrpc": "2.0", "id": 103, "method": "workspace/executeCommand", "params": STATUS}
    )
    client.write(frame(third))
    assert client.response(103)["result"] == {"regions": []}


def test_requests_after_shutdown_are_refused_not_dropped(client: WireClient) -> None:
    assert client.request("shutdown")["result"] is None
    response = client.request("workspace/executeCommand", STATUS)
    assert error_of(response)["code"] == INVALID_REQUEST
    assert "shutting down" in response["error"]["message"]
