"""History hints in the editor: lines that AI-assisted commits introduced and nobody owns
get `history-unowned` hints; owned lines show their owner and rationale on hover; owning
a hint records a real claim that travels with the next commit."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from ownit.core.fingerprint import fingerprint
from tests.conftest import git
from tests.integration.lsp_helpers import (
    execute,
    isolated_env,
    lines_of,
    open_file,
    start,
    stop,
    wait_for_diagnostics,
)

HUMAN = "def human():\n    return 1\n"
AI = "def ai_helper(x):\n    y = x * 2\n    return y\n"
RATIONALE = "Doubling is what the caller expects; covered by test_ai_helper"


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


async def test_unowned_lines_of_an_ai_commit_are_hints_until_owned(
    git_repo: Path, home: Path
) -> None:
    path = git_repo / "mod.py"
    path.write_text(HUMAN)
    commit(git_repo, "Human start")
    path.write_text(HUMAN + AI)
    commit(git_repo, "Add helper\n\nCo-authored-by: Claude <noreply@anthropic.com>")

    client = await start(git_repo, home)
    uri = open_file(client, path)
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics, "history-unowned") == [(2, 4)]
    assert diagnostics[0].severity == types.DiagnosticSeverity.Hint
    region_id = diagnostics[0].data["regionId"]

    result = await execute(
        client, "ownit.claim", {"uri": uri, "regionId": region_id, "rationale": RATIONALE}
    )
    assert result["rationale"] == RATIONALE
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    await stop(client)

    # The claim is recorded and goes into the next commit's trailers.
    preview = subprocess.run(
        [sys.executable, "-m", "ownit", "trailers", "--json"],
        cwd=git_repo,
        env=isolated_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert preview.returncode == 0, preview.stderr
    assert "AI-Owned: mod.py:3-5" in json.dumps(json.loads(preview.stdout))


async def test_owned_history_shows_owner_on_hover_and_no_diagnostic(
    git_repo: Path, home: Path
) -> None:
    path = git_repo / "mod.py"
    path.write_text(HUMAN + AI)
    fp = fingerprint(AI.splitlines())
    commit(
        git_repo,
        "Add helper\n\n"
        "Assisted-by: copilot\n"
        f"AI-Owned: mod.py:3-5 {fp} copilot test@example.com -- {RATIONALE}\n"
        "AI-Lines: exact",  # as ownit's hook writes it: the human lines stay human
    )
    client = await start(git_repo, home)
    uri = open_file(client, path)
    # No diagnostic: the history says it is owned. Hover says by whom and why.
    hover = None
    for _ in range(50):
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=3, character=4),
            )
        )
        if hover is not None:
            break
        await asyncio.sleep(0.1)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "test@example.com" in hover.contents.value
    assert RATIONALE in hover.contents.value
    assert list(client.diagnostics.get(uri, [])) == []
    await stop(client)


@pytest.mark.parametrize("since", ["revision", "date"])
async def test_history_since_limits_the_hints(git_repo: Path, home: Path, since: str) -> None:
    path = git_repo / "mod.py"
    old_ai = "def old_helper():\n    return 0\n"
    path.write_text(HUMAN + old_ai)
    git(git_repo, "add", "-A")
    subprocess.run(
        [
            "git",
            "commit",
            "-q",
            "-m",
            "Old helper\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        ],
        cwd=git_repo,
        env={
            **os.environ,
            "GIT_COMMITTER_DATE": "2020-01-01T00:00:00",
            "GIT_AUTHOR_DATE": "2020-01-01T00:00:00",
        },
        check=True,
    )
    git(git_repo, "tag", "adoption")
    path.write_text(HUMAN + old_ai + AI)
    git(git_repo, "add", "-A")
    git(
        git_repo,
        "commit",
        "-q",
        "-m",
        "Add helper\n\nCo-authored-by: Claude <noreply@anthropic.com>",
    )
    value = "adoption" if since == "revision" else "2024-01-01"
    (git_repo / ".ownit.yaml").write_text(f"version: 1\ndefaults:\n  history_since: {value}\n")
    client = await start(git_repo, home)
    uri = open_file(client, path)
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) >= 1)
    await asyncio.sleep(0.5)
    diagnostics = list(client.diagnostics.get(uri, []))
    # Only the commit after `history_since` counts: the old helper gets no hint.
    assert lines_of(diagnostics, "history-unowned") == [(4, 6)]
    await stop(client)


async def test_a_second_owner_claims_owned_history_from_a_lens(git_repo: Path, home: Path) -> None:
    """Issue 11.3: where the policy asks for two owners, code someone else owns in history
    gets an *Own too…* lens; running it records this person's claim for the next commit."""
    (git_repo / ".ownit.yaml").write_text("version: 1\ndefaults:\n  second_owner: true\n")
    path = git_repo / "mod.py"
    path.write_text(HUMAN + AI)
    fp = fingerprint(AI.splitlines())
    git(git_repo, "add", "-A")
    # committed by its owner (a claim in someone else's name would own nothing)
    git(
        git_repo,
        "-c",
        "user.name=Dev",
        "-c",
        "user.email=dev@example.com",
        "commit",
        "-q",
        "-m",
        "Add helper\n\n"
        "Assisted-by: copilot\n"
        f"AI-Owned: mod.py:3-5 {fp} copilot dev@example.com -- {RATIONALE}\n"
        "AI-Lines: exact",
    )
    client = await start(git_repo, home)
    uri = open_file(client, path)
    lens = None
    # up to 30 s: repository lookup, blame and judgement run in workers on a loaded machine
    for _ in range(300):
        lenses = await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        found = [x for x in lenses or [] if x.command and "Own too" in x.command.title]
        if found:
            lens = found[0]
            break
        await asyncio.sleep(0.1)
    assert lens is not None and lens.command is not None
    assert lens.range.start.line == 2
    assert "owned by dev@example.com" in lens.command.title
    [arguments] = lens.command.arguments or []
    result = await execute(
        client, lens.command.command, {**arguments, "rationale": "Reviewed as lead; " + RATIONALE}
    )
    assert result["ownerEmail"] == "test@example.com"
    await stop(client)
    preview = subprocess.run(
        [sys.executable, "-m", "ownit", "trailers", "--json"],
        cwd=git_repo,
        env=isolated_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert preview.returncode == 0, preview.stderr
    assert f"AI-Owned: mod.py:3-5 {fp} copilot test@example.com" in json.dumps(
        json.loads(preview.stdout)
    )
