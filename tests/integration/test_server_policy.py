"""The policy as the language server enforces it: severity, where ownership is required,
exclusions, rationale rules and owners in ownit.claim, diagnostics on `.ownit.yaml`
itself, and live reload that keeps the last good policy while the file is invalid."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.integration.lsp_helpers import (
    change,
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
defaults:
  severity: warning
rules:
  - name: generated
    paths: ["gen/**"]
    require_ownership: false
  - name: sensitive
    paths: ["auth/**"]
    severity: error
    rationale:
      min_chars: 40
      also_reject: ["/trust me/"]
    owners: ["lead@example.com"]
exclude: ["vendor/**"]
"""


async def test_policy_decides_severity_and_where_ownership_counts(
    git_repo: Path, home: Path
) -> None:
    write(git_repo, ".ownit.yaml", POLICY)
    files = {
        name: write(git_repo, name, BODY)
        for name in ("src/a.py", "gen/b.py", "auth/c.py", "vendor/d.py")
    }
    client = await start(git_repo, home)
    uris = {name: open_file(client, path) for name, path in files.items()}
    for uri in uris.values():
        await mark(client, uri, 1, 2)

    warning = await wait_for_diagnostics(client, uris["src/a.py"], lambda d: len(d) == 1)
    assert warning[0].severity == types.DiagnosticSeverity.Warning
    error = await wait_for_diagnostics(client, uris["auth/c.py"], lambda d: len(d) == 1)
    assert error[0].severity == types.DiagnosticSeverity.Error
    assert "policy rule 'sensitive'" in error[0].message
    # Not required (generated) and excluded (vendor): tracked, but nothing to show.
    assert list(client.diagnostics.get(uris["gen/b.py"], [])) == []
    assert list(client.diagnostics.get(uris["vendor/d.py"], [])) == []
    await stop(client)


async def test_claims_follow_the_rule_for_the_path(git_repo: Path, home: Path) -> None:
    write(git_repo, ".ownit.yaml", POLICY)
    path = write(git_repo, "auth/c.py", BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 1, 2)

    async def refused(rationale: str) -> str:
        with pytest.raises(JsonRpcException) as caught:
            await execute(
                client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": rationale}
            )
        return str(caught.value.message)

    assert "at least 40" in await refused("Checked the token comparison path")
    message = await refused("Trust me, this token comparison is constant time and reviewed")
    assert "rejected pattern" in message and "sensitive" in message
    # test@example.com (the repository's user) is not an allowed owner here.
    message = await refused(RATIONALE + " in the auth module")
    assert "may not own code in auth/c.py" in message and "lead@example.com" in message
    rules = await execute(client, "ownit.rationaleRules", {"uri": uri})
    assert rules["minChars"] == 40 and rules["rule"] == "sensitive"
    assert rules["origin"] == "policy rule 'sensitive'"
    await stop(client)


async def test_without_a_policy_file_the_built_in_defaults_are_named_as_such(
    git_repo: Path, home: Path
) -> None:
    path = write(git_repo, "src/a.py", BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 1, 2)
    with pytest.raises(JsonRpcException) as caught:
        await execute(client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": "ok"})
    assert str(caught.value.message).endswith("(built-in defaults; no .ownit.yaml)")
    rules = await execute(client, "ownit.rationaleRules", {"uri": uri})
    assert rules["rule"] == "defaults"
    assert rules["origin"] == "built-in defaults; no .ownit.yaml"
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=0),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "- policy: built-in defaults; no .ownit.yaml (see `ownit policy explain src/a.py`)" in (
        hover.contents.value
    )
    assert "`defaults`" not in hover.contents.value
    # only the defaults apply to src/a.py: its diagnostic names no rule
    shown = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert shown[0].message.endswith("— not yet owned"), shown[0].message
    # the built-in `sensitive` rule is said to be built in
    sensitive = open_file(client, write(git_repo, "auth/c.py", BODY))
    await mark(client, sensitive, 1, 2)
    found = await wait_for_diagnostics(client, sensitive, lambda d: len(d) == 1)
    assert found[0].message.endswith("(built-in rule 'sensitive'; no .ownit.yaml)")
    await stop(client)


async def test_policy_file_problems_are_diagnostics_and_reload_keeps_last_good(
    git_repo: Path, home: Path
) -> None:
    policy_path = write(git_repo, ".ownit.yaml", POLICY)
    code = write(git_repo, "auth/c.py", BODY)
    client = await start(git_repo, home)
    code_uri = open_file(client, code)
    await mark(client, code_uri, 1, 2)
    await wait_for_diagnostics(
        client, code_uri, lambda d: [x.severity for x in d] == [types.DiagnosticSeverity.Error]
    )

    policy_uri = open_file(client, policy_path)
    await wait_for_diagnostics(client, policy_uri, lambda d: d == [])
    # A typo: an unknown key. The diagnostic sits on it, with a suggestion.
    typo_line = POLICY.splitlines().index("    severity: error")
    change(client, policy_uri, 2, [(typo_line, 4, typo_line, 12, "severty")])
    problems = await wait_for_diagnostics(client, policy_uri, lambda d: len(d) >= 1)
    assert problems[0].range.start.line == typo_line
    assert problems[0].range.start.character == 4
    assert "severity" in problems[0].message  # did you mean 'severity'?

    # Saved while invalid: the last good policy (error for auth/) stays in force.
    policy_path.write_text(POLICY.replace("    severity: error", "    severty: error"))
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=policy_uri))
    )
    await wait_for_diagnostics(
        client, code_uri, lambda d: [x.severity for x in d] == [types.DiagnosticSeverity.Error]
    )

    # Fixed and made milder: reloaded on save without a restart.
    fixed = POLICY.replace("    severity: error", "    severity: information")
    policy_path.write_text(fixed)
    change(client, policy_uri, 3, [(typo_line, 4, typo_line, 11, "severity")])
    change(client, policy_uri, 4, [(typo_line, 14, typo_line, 19, "information")])
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=policy_uri))
    )
    await wait_for_diagnostics(
        client,
        code_uri,
        lambda d: [x.severity for x in d] == [types.DiagnosticSeverity.Information],
    )
    await wait_for_diagnostics(client, policy_uri, lambda d: d == [])
    await stop(client)
