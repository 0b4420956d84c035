"""A keystroke that changes no diagnostic publishes nothing; one that moves a region does.

The real `ownit lsp` over stdio (tests/integration/wire_client.py keeps every message in
the order the server wrote it). The server handles a didChange, and publishes what it
changed, before it reads the next message, so the response to a request sent after the
didChange is the barrier: whatever the edit published is written before it. No sleep.

The file is outside any git repository (its store is the user data directory's), so no
history hints are computed in the background and published at a moment of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.wire_client import Message, WireClient

PUBLISH = "textDocument/publishDiagnostics"
STATUS = {"command": "ownit.status", "arguments": [{}]}
TEXT = "import os\n\ndef ai():\n    return 1\n\nvalue = 1\n"
AI_LINES = (2, 3)  # 0-based, inclusive: `def ai():` and its body


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[WireClient, str]]:
    """The server with TEXT open (version 1) and a stored region on AI_LINES (marked,
    closed, opened again: its regions loaded from the store), every diagnostic of that
    state published and nothing else pending."""
    home, folder = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    folder.mkdir()
    path = folder / "module.py"
    path.write_text(TEXT, encoding="utf-8")
    uri = path.resolve().as_uri()
    client = WireClient(isolated_env(home))
    try:
        client.initialize(folder.as_uri())
        item = {"uri": uri, "languageId": "python", "version": 1, "text": TEXT}
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        first, last = AI_LINES
        marked = client.request(
            "workspace/executeCommand",
            {
                "command": "ownit.markAi",
                "arguments": [
                    {
                        "uri": uri,
                        "range": {
                            "start": {"line": first, "character": 0},
                            "end": {"line": last + 1, "character": 0},
                        },
                        "tool": "copilot",
                    }
                ],
            },
        )
        assert "regionId" in marked.get("result", {}), marked
        _barrier(client)
        client.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
        _barrier(client)
        start = len(client.messages)
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        # (the stored regions are re-anchored in a worker: published once they are in)
        client.wait_for(lambda m: _publishes(m, uri, [AI_LINES]) and _since(client, start, m))
        _barrier(client)
        yield client, uri
    finally:
        client.close()


def _publishes(message: Message, uri: str, lines: list[tuple[int, int]]) -> bool:
    return (
        message.get("method") == PUBLISH
        and message["params"]["uri"] == uri
        and _lines(message) == lines
    )


def _since(client: WireClient, start: int, message: Message) -> bool:
    """``message`` is one written after the first ``start`` (itself, not an equal one)."""
    return any(message is later for later in client.messages[start:])


def _lines(message: Message) -> list[tuple[int, int]]:
    return sorted(
        (d["range"]["start"]["line"], d["range"]["end"]["line"])
        for d in message["params"]["diagnostics"]
        if d.get("code") == "unowned-ai"
    )


def _barrier(client: WireClient) -> Message:
    """The response to a request sent now: the server answers it only after handling
    every message sent before it."""
    response = client.request("workspace/executeCommand", STATUS)
    assert "result" in response, response
    return response


def _published_after(
    client: WireClient, uri: str, version: int, edit: tuple[Any, ...]
) -> list[Message]:
    """The publishDiagnostics the server wrote from the moment ``edit`` (line, start
    character, end character, new text) was sent as version ``version`` until its response
    to a request sent after it."""
    client.drain()
    start = len(client.messages)
    _change(client, uri, version, edit)
    response = _barrier(client)
    written = client.messages[start:]
    written = written[: next(i for i, m in enumerate(written) if m is response)]
    return [m for m in written if m.get("method") == PUBLISH]


def _change(client: WireClient, uri: str, version: int, edit: tuple[Any, ...]) -> None:
    line, start, end, text = edit
    change = {
        "range": {
            "start": {"line": line, "character": start},
            "end": {"line": line, "character": end},
        },
        "text": text,
    }
    params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
    client.send({"method": "textDocument/didChange", "params": params})


@pytest.mark.parametrize(
    "edit",
    [
        (5, 8, 9, "2"),  # `value = 1` -> `value = 2`: the last line, after the region
        (0, 9, 9, ", sys"),  # `import os, sys`: above the region, no line added
        # `return 1` -> `return 2`: the region's text changed, but not what its diagnostic
        # shows (its lines, where its last line ends, its message)
        (3, 11, 12, "2"),
    ],
    ids=["after-the-last-region", "above-a-region-same-lines", "inside-a-region-same-width"],
)
def test_a_keystroke_that_changes_no_diagnostic_publishes_nothing(
    opened: tuple[WireClient, str], edit: tuple[Any, ...]
) -> None:
    client, uri = opened
    assert _published_after(client, uri, 2, edit) == []
    # Still tracked where it was: an edit that moves it is published (for version 3).
    [published] = _published_after(client, uri, 3, (0, 0, 0, "# moved\n"))
    assert published["params"]["version"] == 3
    assert _lines(published) == [(AI_LINES[0] + 1, AI_LINES[1] + 1)]


def test_an_edit_that_moves_a_region_publishes_its_new_lines(
    opened: tuple[WireClient, str],
) -> None:
    client, uri = opened
    # two lines added above the region
    [published] = _published_after(client, uri, 2, (1, 0, 0, "\n\n"))
    assert published["params"]["version"] == 2
    assert _lines(published) == [(AI_LINES[0] + 2, AI_LINES[1] + 2)]


def test_an_edit_that_widens_a_region_s_last_line_publishes_its_new_end(
    opened: tuple[WireClient, str],
) -> None:
    """Same lines, but the diagnostic's range ends at the end of the region's last line."""
    client, uri = opened
    # `return 1` -> `return 1 + 1`
    [published] = _published_after(client, uri, 2, (3, 12, 12, " + 1"))
    assert published["params"]["version"] == 2
    [diagnostic] = published["params"]["diagnostics"]
    assert diagnostic["range"]["end"] == {"line": AI_LINES[1], "character": len("    return 1 + 1")}
