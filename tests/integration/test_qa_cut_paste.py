"""Owned AI code whose lines are deleted in the editor and put back — an undo, or a cut
pasted elsewhere (how people move code) — is the same code: it should stay AI-written and
owned, as it does when the file is changed with no editor open (found by fingerprint).
Today the region is removed for good on the delete: the claim is gone from the code, and
the pasted AI lines count as written by a person. Real server over stdio.

The first two are strict xfails, a reproducer for whoever owns region tracking: the fix
changes what tests/tracking_model.py says a removed region is (it stays gone), so it needs
that model changed with it (a fingerprint match in re-inserted lines alone also brings back
one-line regions such as ``a`` that unrelated text happens to repeat)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.store_harness import VENV_BIN
from tests.integration.wire_client import WireClient, git_repo_with, serving

TEXT = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(6))
REGION = "def f2():\n    return 2\n"  # lines 7-8 (0-based 6..8)
RATIONALE = "Returns two, as the callers expect; covered by test_f2"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return git_repo_with(tmp_path / "repo", {"a.py": TEXT})


@pytest.fixture
def client(tmp_path: Path, repo: Path) -> Iterator[WireClient]:
    with serving(tmp_path / "home", repo) as wire:
        yield wire


def _edit(
    client: WireClient, uri: str, version: int, at: tuple[int, int, int, int], text: str
) -> None:
    start = {"line": at[0], "character": at[1]}
    end = {"line": at[2], "character": at[3]}
    change = {"range": {"start": start, "end": end}, "text": text}
    client.send(
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [change],
            },
        }
    )


def _owned(client: WireClient, uri: str) -> list[tuple[list[int], str]]:
    regions = client.command("ownit.status", {"uri": uri, "includeOwned": True})["regions"]
    return [(r["lines"], r["ownership"]) for r in regions]


def _claimed(client: WireClient, repo: Path) -> str:
    uri = (repo / "a.py").as_uri()
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": TEXT}
            },
        }
    )
    lines = {"start": {"line": 6, "character": 0}, "end": {"line": 8, "character": 0}}
    region = client.command("ownit.markAi", {"uri": uri, "range": lines, "tool": "copilot"})
    claim = {"uri": uri, "regionId": region["regionId"], "rationale": RATIONALE}
    client.command("ownit.claim", claim)
    assert _owned(client, uri) == [([7, 8], "owned")]
    return uri


_REMOVED_FOR_GOOD = pytest.mark.xfail(
    strict=True, reason="a region whose text is deleted is removed for good (no undo, no paste)"
)


@_REMOVED_FOR_GOOD
def test_deleted_then_undone_owned_code_is_owned_again(client: WireClient, repo: Path) -> None:
    uri = _claimed(client, repo)
    _edit(client, uri, 2, (6, 0, 8, 0), "")  # delete its two lines
    assert _owned(client, uri) == []
    _edit(client, uri, 3, (6, 0, 6, 0), REGION)  # undo
    assert _owned(client, uri) == [([7, 8], "owned")]


@_REMOVED_FOR_GOOD
def test_cut_and_pasted_owned_code_stays_owned_where_it_lands(
    client: WireClient, repo: Path, tmp_path: Path
) -> None:
    uri = _claimed(client, repo)
    _edit(client, uri, 2, (6, 0, 8, 0), "")  # cut
    _edit(client, uri, 3, (14, 0, 14, 0), REGION)  # paste four lines lower (0-based 14)
    assert _owned(client, uri) == [([15, 16], "owned")]
    client.send({"method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}})
    client.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
    moved = TEXT.replace(REGION, "", 1)
    lines = moved.splitlines(keepends=True)
    (repo / "a.py").write_text("".join(lines[:14]) + REGION + "".join(lines[14:]))
    client.request("shutdown", None)
    env = isolated_env(tmp_path / "home")
    status = subprocess.run(
        [str(VENV_BIN / "ownit"), "status", "--all"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "a.py:15-16  owned" in status.stdout, (status.stdout, status.stderr)


def test_typing_text_like_deleted_code_does_not_bring_it_back(
    client: WireClient, repo: Path
) -> None:
    uri = _claimed(client, repo)
    _edit(client, uri, 2, (6, 0, 8, 0), "")  # delete
    for version, (column, char) in enumerate(enumerate("def f2():"), start=3):
        _edit(client, uri, version, (6, column, 6, column), char)  # typed, key by key
    assert _owned(client, uri) == []
