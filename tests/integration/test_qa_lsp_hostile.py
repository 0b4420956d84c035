"""Notifications an editor can send about documents the server does not have open (a
didChange after a didOpen that failed to parse, after a didClose, or for another URI
spelling), byte by byte over stdio. docs/lsp.md: "A malformed notification is logged
(window/logMessage) and ignored": never an error popup with a Python exception in the
user's editor, and the document that is open keeps its edits and its claims."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.wire_client import WireClient, git_repo_with, serving

TEXT = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return git_repo_with(tmp_path / "repo", {"a.py": TEXT})


@pytest.fixture
def client(tmp_path: Path, repo: Path) -> Iterator[WireClient]:
    with serving(tmp_path / "home", repo) as wire:
        yield wire


def _change(uri: str, version: int, text: str) -> dict[str, Any]:
    edit = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}}
    return {
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{**edit, "text": text}],
        },
    }


def test_edits_of_documents_that_are_not_open_are_ignored_quietly(
    client: WireClient, repo: Path
) -> None:
    uri = (repo / "a.py").as_uri()
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": TEXT}
            },
        }
    )
    whole = {"start": {"line": 4, "character": 0}, "end": {"line": 6, "character": 0}}
    marked = client.command("ownit.markAi", {"uri": uri, "range": whole, "tool": "copilot"})
    rationale = "Returns the constant the callers expect; covered by test_g"
    client.command(
        "ownit.claim",
        {"uri": uri, "regionId": marked["regionId"], "rationale": rationale},
    )
    never_opened = (repo / "b.py").as_uri()
    client.send(_change(never_opened, 2, "x = 1\n"))  # never opened
    notebook = {"uri": (repo / "n.ipynb").as_uri(), "version": 2}
    cell = {"document": {"uri": never_opened, "version": 2}, "changes": [{"text": "x"}]}
    client.send(  # ownit announces no notebook sync; a client that sends one anyway
        {
            "method": "notebookDocument/didChange",
            "params": {"notebookDocument": notebook, "change": {"cells": {"textContent": [cell]}}},
        }
    )
    client.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
    client.send(_change(uri, 2, "# after the close\n"))  # closed: ignored too
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "python", "version": 3, "text": TEXT}
            },
        }
    )
    client.send(_change(uri, 4, "# one line more\n"))  # open again: this edit counts
    regions = client.command("ownit.status", {"uri": uri, "includeOwned": True})["regions"]
    assert [(r["lines"], r["ownership"]) for r in regions] == [([6, 7], "owned")], regions
    errors = [
        m
        for m in client.messages
        if m.get("method") == "window/showMessage" and m["params"]["type"] == 1
    ]
    assert errors == [], errors
    assert client.process.poll() is None
