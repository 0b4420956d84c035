"""Bad input never crashes the server, never goes unanswered, never loses a claim."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.integration.lsp_helpers import (
    RawClient,
    change,
    execute,
    isolated_env,
    lines_of,
    mark,
    open_file,
    start,
    stop,
    wait_for_diagnostics,
)

RATIONALE = "Input is validated by the schema before it reaches this code"


async def expect_error(awaitable: Any) -> str:
    with pytest.raises(JsonRpcException) as caught:
        await awaitable
    return str(caught.value.message)


def test_requests_whose_params_do_not_parse_get_error_responses(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text("a = 1\n")
    uri = path.resolve().as_uri()
    client = RawClient(isolated_env(home))
    try:
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        client.send({"method": "initialized", "params": {}})
        zero = {"line": 0, "character": 0}
        # Context diagnostics without `range`: pygls alone would never answer this.
        response = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": zero, "end": zero},
                "context": {"diagnostics": [{"message": "x", "source": "ownit"}]},
            },
        )
        assert response["error"]["code"] == -32602
        assert "textDocument/codeAction" in response["error"]["message"]
        assert "range" in response["error"]["message"]
        response = client.request("textDocument/hover", {"position": 3})
        assert response["error"]["code"] == -32602
        # A notification with bad params is logged, and the server carries on.
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": 7}})
        response = client.request("workspace/executeCommand", {"command": "ownit.status"})
        assert response["result"] == {"regions": []}
    finally:
        client.close()


async def test_malformed_commands_get_clear_errors(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text("a = 1\nb = 2\nc = 3\n")
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 0, 1)

    for command, argument, expected in [
        ("ownit.markAi", {"uri": uri}, "missing 'range'"),
        ("ownit.markAi", "not an object", "one object argument"),
        ("ownit.claim", {"uri": uri, "regionId": region}, "a rationale is needed"),
        ("ownit.claim", {"uri": uri, "regionId": "nope", "rationale": RATIONALE}, "no AI region"),
        (
            "ownit.claim",
            {"uri": "file:///nowhere.py", "regionId": region, "rationale": RATIONALE},
            "not open",
        ),
        ("ownit.claim", {"uri": uri, "regionId": region, "rationale": 42}, "must be a str"),
        ("ownit.claim", {"uri": uri, "rationale": RATIONALE}, "ownit.claim: missing 'regionId'"),
        (
            "ownit.markAi",
            {
                "uri": uri,
                "tool": "copilot",
                "range": {"start": {"line": 0, "character": -1}, "end": {"line": 1}},
            },
            "ownit.markAi: 'range.start.character' must be a non-negative integer, got -1",
        ),
        (
            "ownit.markAi",
            {"uri": uri, "tool": "copilot", "range": [0, 1]},
            "ownit.markAi: 'range' must be an object {start, end}, got list",
        ),
        ("ownit.status", {"includeOwned": "yes"}, "'includeOwned' must be a bool, got str"),
        (
            "ownit.claim",
            {"uri": uri, "regionId": region, "rationale": "looks good, lgtm, ok ok"},
            "placeholder",
        ),
        ("ownit.dismiss", {"uri": uri, "regionId": region}, "a reason is needed"),
        (
            "ownit.markAi",
            {
                "uri": uri,
                "tool": "copilot",
                "range": {
                    "start": {"line": 99, "character": 0},
                    "end": {"line": 100, "character": 0},
                },
            },
            "past the end",
        ),
        (
            "ownit.markAi",
            {
                "uri": uri,
                "tool": "two words",
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}},
            },
            "one word",
        ),
        ("ownit.nope", {}, "not defined"),
    ]:
        message = await expect_error(execute(client, command, argument))
        assert expected in message, (command, argument, message)

    # The server is still fine and the region still there.
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert diagnostics[0].data == {"regionId": region, "evidence": "exact"}
    await stop(client)


async def test_out_of_range_edits_and_positions_are_clamped(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text("one\ntwo\nthree\n")
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 1, 1)
    change(client, uri, 2, [(0, 999, 0, 999, "!")])  # past the end of line 0: end of line 0
    change(client, uri, 3, [(50, 0, 60, 0, "\ntail")])  # past the end of the file
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics) == [(1, 1)]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=400, character=3),
        )
    )
    assert hover is None
    await execute(client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE})
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    await stop(client)


async def test_binary_and_unknown_files(git_repo: Path, home: Path) -> None:
    binary = git_repo / "blob.bin"
    binary.write_bytes(b"abc\x00def\n")
    client = await start(git_repo, home)
    uri = binary.resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="plaintext", version=1, text="abc\x00def\n"
            )
        )
    )
    message = await expect_error(mark(client, uri, 0, 0))
    assert "binary file" in message
    untitled = "untitled:Untitled-1"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=untitled, language_id="python", version=1, text="x = 1\n"
            )
        )
    )
    message = await expect_error(mark(client, untitled, 0, 0))
    assert "only files on disk" in message
    # An unknown document in didChange is ignored, not fatal.
    change(client, "file:///not/open.py", 2, [(0, 0, 0, 0, "x")])
    status = await execute(client, "ownit.status", {})
    assert status == {"regions": []}
    await stop(client)


async def test_large_file_and_file_deleted_while_open(git_repo: Path, home: Path) -> None:
    path = git_repo / "big.py"
    path.write_text("".join(f"value_{n} = {n}\n" for n in range(50_000)))
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 49_990, 49_995)
    change(client, uri, 2, [(0, 0, 0, 0, "# header\n")])
    diagnostics = await wait_for_diagnostics(
        client, uri, lambda d: lines_of(d) == [(49_991, 49_996)]
    )
    assert diagnostics[0].data == {"regionId": region, "evidence": "exact"}
    path.unlink()  # deleted on disk while open: the buffer is still the truth
    change(client, uri, 3, [(49_993, 0, 49_993, 0, "# edited inside\n")])
    await wait_for_diagnostics(client, uri, lambda d: lines_of(d) == [(49_991, 49_997)])
    await execute(client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE})
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    await stop(client)


async def test_unreadable_store_is_moved_aside(git_repo: Path, home: Path) -> None:
    store = git_repo / ".git" / "ownit" / "state.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"this is not a database" * 100)
    path = git_repo / "a.py"
    path.write_text("a = 1\n")
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 0, 0)
    await execute(client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE})
    moved = [p.name for p in store.parent.iterdir() if "unreadable" in p.name]
    assert moved, list(store.parent.iterdir())
    messages = [m.message for m in client.messages]
    assert any("moved" in m or "unreadable" in m for m in messages), messages
    await stop(client)


async def test_store_from_a_newer_ownit_is_left_alone_and_said(git_repo: Path, home: Path) -> None:
    import sqlite3

    store = git_repo / ".git" / "ownit" / "state.db"
    store.parent.mkdir(parents=True)
    from ownit.store.schema import APPLICATION_ID

    with sqlite3.connect(store) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 999")
        conn.execute("CREATE TABLE future (x)")
    before = store.read_bytes()
    path = git_repo / "a.py"
    path.write_text("a = 1\n")
    client = await start(git_repo, home)
    uri = open_file(client, path)
    message = await expect_error(mark(client, uri, 0, 0))
    assert "cannot be used" in message
    assert store.read_bytes() == before  # a newer ownit's claims are not touched
    assert any("cannot track" in m.message for m in client.messages)
    await stop(client)
