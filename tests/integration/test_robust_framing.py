"""LSP framing the server cannot read, over the real `ownit lsp` stdio: a header with two
`Content-Length`s, one that is not a length, or none, is refused (an error response with
`id: null` saying why) and the next well-formed message is answered; end of input in the
middle of a body ends the server cleanly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.integration.lsp_helpers import SERVER, isolated_env
from tests.integration.wire_client import WireClient, dumps, frame

SHUTDOWN_BODY = dumps({"jsonrpc": "2.0", "id": 7, "method": "shutdown"})


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (b"Content-Length: 5\r\nContent-Length: 900\r\n\r\n", "2 Content-Length headers"),
        (b"Content-Length: 12abc\r\n\r\n", "'12abc' is not a length"),
        (b"Content-Length: -40\r\n\r\n", "'-40' is not a length"),
        (b"Content-Type: application/vscode-jsonrpc\r\n\r\n", "header without Content-Length"),
    ],
)
def test_a_bad_header_is_refused_and_the_next_message_answered(
    tmp_path: Path, header: bytes, why: str
) -> None:
    (tmp_path / "home").mkdir()
    wire = WireClient(isolated_env(tmp_path / "home"))
    try:
        wire.initialize(None)
        bad = dumps({"jsonrpc": "2.0", "id": 6, "method": "shutdown"})
        wire.write(header + bad + frame(SHUTDOWN_BODY))
        assert wire.response(7, timeout=30).get("result", "missing") is None
        refusal = wire.response(None, timeout=5)
        assert refusal["error"]["code"] == -32600, refusal
        assert why in refusal["error"]["message"], refusal
        assert not [m for m in wire.messages if m.get("id") == 6]  # it was never read
        wire.send({"method": "exit"})
        assert wire.process.wait(timeout=20) == 0
    finally:
        wire.kill()


def test_end_of_input_inside_a_body_ends_the_server_cleanly(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    process = subprocess.Popen(
        SERVER,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=isolated_env(tmp_path / "home"),
    )
    body = SHUTDOWN_BODY
    _, err = process.communicate(b"Content-Length: %d\r\n\r\n" % (len(body) + 10) + body, 30)
    assert process.returncode == 0
    text = err.decode()
    assert "end of input in the middle of a message" in text, text
    assert "Traceback" not in text, text
