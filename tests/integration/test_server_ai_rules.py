"""The language server over stdio under `ai: forbidden`, `tools:` and `purposes:`:
`ai-forbidden` errors that owning does not clear (a dismissal does), `unapproved-tool`
diagnostics on owned code, purpose tags checked in ownit.claim, purposes in hover."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.integration.lsp_helpers import (
    execute,
    mark,
    open_file,
    start,
    stop,
    wait_for_diagnostics,
)
from tests.support import write

BODY = "".join(f"x{n} = {n}\n" for n in range(10))
RATIONALE = "Reviewed against the spec; covered by test_values and test_limits"

POLICY = """\
version: 1
purposes: [tests, refactor, feature]
defaults:
  tools: ["claude-code:*", copilot]
rules:
  - name: crypto
    description: "No AI-written code in crypto: the client contract forbids it."
    paths: ["crypto/**"]
    ai: forbidden
  - name: app
    paths: ["src/**"]
    purpose: "Features and their tests."
"""


def _codes(diagnostics: list[types.Diagnostic]) -> list[object]:
    return [d.code for d in diagnostics]


async def test_forbidden_is_an_error_owned_or_not_until_dismissed(
    git_repo: Path, tmp_path: Path
) -> None:
    write(git_repo, ".ownit.yaml", POLICY)
    path = write(git_repo, "crypto/aes.py", BODY)
    client = await start(git_repo, tmp_path)
    uri = open_file(client, path)
    region = await mark(client, uri, 1, 3, "claude-code")
    found = await wait_for_diagnostics(client, uri, lambda d: _codes(d) == ["ai-forbidden"])
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert "No AI-written code in crypto: the client contract forbids it." in found[0].message
    # Owning it does not help: the claim is refused, saying what does.
    with pytest.raises(JsonRpcException) as refused:
        await execute(
            client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE}
        )
    assert "forbids AI-written code here" in str(refused.value.message)
    assert "dismiss it" in str(refused.value.message)
    rules = await execute(client, "ownit.rationaleRules", {"uri": uri})
    assert rules["ai"] == "forbidden" and rules["purposes"] == ["tests", "refactor", "feature"]
    # The only quick fix is the dismissal.
    actions = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=found[0].range,
                context=types.CodeActionContext(diagnostics=found),
            )
        ),
        timeout=20,
    )
    # (pygls' client reads these CodeActions as Commands; the title is what matters)
    assert [action.title for action in actions or []] == ["Not AI-written…"]
    await execute(
        client,
        "ownit.dismiss",
        {"uri": uri, "regionId": region, "reason": "I wrote this from the RFC myself"},
    )
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    await stop(client)


async def test_unapproved_tool_and_purposes(git_repo: Path, tmp_path: Path) -> None:
    write(git_repo, ".ownit.yaml", POLICY)
    path = write(git_repo, "src/app.py", BODY)
    client = await start(git_repo, tmp_path)
    uri = open_file(client, path)
    region = await mark(client, uri, 1, 3, "cursor")
    found = await wait_for_diagnostics(client, uri, lambda d: _codes(d) == ["unapproved-tool"])
    assert "tool cursor is not approved here (tools: claude-code:*, copilot)" in found[0].message
    with pytest.raises(JsonRpcException) as refused:
        await execute(
            client,
            "ownit.claim",
            {"uri": uri, "regionId": region, "rationale": RATIONALE, "purpose": "yolo"},
        )
    assert "purposes: tests, refactor, feature" in str(refused.value.message)
    claim = await execute(
        client,
        "ownit.claim",
        {"uri": uri, "regionId": region, "rationale": RATIONALE, "purpose": "Tests"},
    )
    assert claim["purpose"] == "tests"
    # Owned, but from a tool the policy does not approve: still shown, saying so.
    found = await wait_for_diagnostics(
        client, uri, lambda d: _codes(d) == ["unapproved-tool"] and "owned" in d[0].message
    )
    hover = await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=2, character=0),
            )
        ),
        timeout=20,
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert "- purpose: tests" in text
    assert "AI here is for: Features and their tests." in text
    assert "**unapproved tool**" in text
    # An approved tool in the same file: nothing to say once owned.
    second = await mark(client, uri, 6, 7, "claude-code")
    await execute(client, "ownit.claim", {"uri": uri, "regionId": second, "rationale": RATIONALE})
    await wait_for_diagnostics(client, uri, lambda d: _codes(d) == ["unapproved-tool"])
    await stop(client)


async def test_history_from_an_unapproved_tool_or_in_a_forbidden_path(
    git_repo: Path, tmp_path: Path
) -> None:
    """Lines an AI-assisted commit introduced (history hints) get the policy's codes too:
    an error where AI is forbidden, `unapproved-tool` for a tool outside the list."""
    from tests.conftest import git

    write(git_repo, ".ownit.yaml", POLICY)
    write(git_repo, "src/app.py", "def human():\n    return 1\n")
    write(git_repo, "crypto/aes.py", "KEY = 1\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "Human start")
    write(git_repo, "src/app.py", "def human():\n    return 1\n\n\ndef ai():\n    return 2\n")
    write(git_repo, "crypto/aes.py", "KEY = 1\nROUNDS = 14\n")
    git(git_repo, "add", "-A")
    git(
        git_repo,
        "commit",
        "-q",
        "-m",
        "Add code\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>",
    )
    client = await start(git_repo, tmp_path)
    app = open_file(client, git_repo / "src/app.py")
    aes = open_file(client, git_repo / "crypto/aes.py")
    found = await wait_for_diagnostics(client, app, lambda d: _codes(d) == ["unapproved-tool"])
    assert "tool cursor is not approved here" in found[0].message
    found = await wait_for_diagnostics(client, aes, lambda d: _codes(d) == ["ai-forbidden"])
    assert found[0].severity == types.DiagnosticSeverity.Error
    await stop(client)
