"""One validity judgement for every reader: the forged claim of issue 11 (a commit made
with --no-verify whose message claims lines with a made-up fingerprint, in someone
else's name) is owned nowhere: not in `ownit blame`, not in `ownit report` (text, json,
markdown), not in the editor (history hint and hover, over stdio); `ownit verify`
rejects it."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

from lsprotocol import types

from tests import support
from tests.conftest import git
from tests.integration.lsp_helpers import lines_of, open_file, start, stop, wait_for_diagnostics

FORGED = (
    "Tweak u\n\n"
    "AI-Owned: u.py:3-4 deadbeef0000 copilot eve@example.com -- Reviewed the arithmetic"
    " by hand and with the tests\n"
)


def forged_repo(repo: Path) -> None:
    (repo / "u.py").write_text("a = 1\nb = 2\nc = 3\nd = 4\n")
    git(repo, "add", "u.py")
    git(repo, "commit", "-q", "-m", "Start")
    (repo / "u.py").write_text("a = 1\nb = 2\nx = 30\ny = 40\n")
    git(repo, "add", "u.py")
    git(repo, "commit", "-q", "--no-verify", "-m", FORGED)


def ownit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return support.ownit(repo, env, *args, timeout=120)


def test_forged_claim_is_rejected_by_verify_and_owned_nowhere(
    git_repo: Path, env: dict[str, str]
) -> None:
    forged_repo(git_repo)
    verify = ownit(git_repo, env, "verify", "HEAD~1..HEAD", "--json")
    assert verify.returncode == 1
    kinds = {f["kind"] for f in json.loads(verify.stdout)["findings"]}
    assert "claim-mismatch" in kinds

    blame = ownit(git_repo, env, "blame", "u.py")
    assert blame.returncode == 0, blame.stderr
    rows = blame.stdout.splitlines()
    for row in rows[2:4]:
        assert "INVALID claim by eve@example.com: fingerprint mismatch" in row
        assert "owned" not in row
    listed = ownit(git_repo, env, "blame", "u.py", "--json").stdout.splitlines()
    rows_json = [json.loads(line) for line in listed]
    assert [(r["line"], r["owned"], r["invalid"]) for r in rows_json[2:]] == [
        (3, False, "fingerprint mismatch"),
        (4, False, "fingerprint mismatch"),
    ]

    report = json.loads(ownit(git_repo, env, "report", "--json").stdout)
    assert report["lines"]["owned"] == 0
    assert report["lines"]["invalid"] == 2
    assert report["lines"]["ownedShare"] == 0.0
    assert report["owners"] == []
    assert [(r["status"], r["invalid"]) for r in report["regions"]] == [
        ("invalid", "fingerprint mismatch")
    ]
    text = ownit(git_repo, env, "report").stdout
    assert "with only invalid claims 2" in text
    markdown = ownit(git_repo, env, "report", "--markdown").stdout
    assert "| claimed only by invalid claims (not owned) | 2 |" in markdown


def test_a_valid_claim_elsewhere_in_the_range_is_still_owned(
    git_repo: Path, env: dict[str, str]
) -> None:
    """Only the forged claim loses: a later valid claim for the same code owns it."""
    from ownit.core.fingerprint import fingerprint

    forged_repo(git_repo)
    fp = fingerprint(["x = 30", "y = 40"])
    git(
        git_repo,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        f"Own u\n\nAI-Owned: u.py:3-4 {fp} copilot test@example.com -- Checked both values"
        " against the spec table\n",
    )
    blame = ownit(git_repo, env, "blame", "u.py", "--json")
    rows = [json.loads(line) for line in blame.stdout.splitlines()]
    assert [(r["owned"], r["owner"], r["invalid"]) for r in rows[2:]] == [
        (True, "test@example.com", None),
        (True, "test@example.com", None),
    ]
    report = json.loads(ownit(git_repo, env, "report", "--json").stdout)
    assert (report["lines"]["owned"], report["lines"]["invalid"]) == (2, 0)


async def test_the_editor_says_the_forged_claim_is_invalid(git_repo: Path, tmp_path: Path) -> None:
    forged_repo(git_repo)
    home = tmp_path / "lsp-home"
    home.mkdir()
    client = await start(git_repo, home)
    uri = open_file(client, git_repo / "u.py")
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics, "history-unowned") == [(2, 3)]
    assert "INVALID (fingerprint mismatch)" in diagnostics[0].message
    hover = None
    for _ in range(50):
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=2, character=1),
            )
        )
        if hover is not None:
            break
        await asyncio.sleep(0.1)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "INVALID claim: fingerprint mismatch" in hover.contents.value
    assert "owned by" not in hover.contents.value
    await stop(client)
