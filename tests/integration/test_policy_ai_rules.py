"""`ai: forbidden`, `tools:`/`models:` and claim purposes, with real commits: the commit
gate (hooks installed), `ownit verify` and `ownit report` on the range.

Forbidden paths refuse any AI piece, owned or not, until it is dismissed; code from an
unapproved tool counts as unowned under the rule's `commit`; verify reports both.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration import test_hooks as h
from tests.integration.test_hooks_policy import commit, head, stage_ai, write_policy

repo = h.repo
git = h.git
ownit = h.ownit

POLICY = """\
purposes: [tests, refactor, feature]
defaults:
  tools: ["claude-code:*", copilot]
rules:
  - name: crypto
    description: "No AI-written code in crypto: the client contract forbids it."
    paths: ["crypto/**"]
    ai: forbidden
  - name: payments
    paths: ["pay/**"]
    commit: block
"""


def _verify(repo: Path, env: dict[str, str], spec: str) -> tuple[int, dict[str, object]]:
    result = ownit(repo, env, "verify", spec, "--json", check=False)
    return result.returncode, json.loads(result.stdout)


def _kinds(report: dict[str, object]) -> list[tuple[str, str]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return sorted((f["kind"], f["location"]) for f in findings)


def _base(repo: Path, env: dict[str, str]) -> str:
    write_policy(repo, POLICY)
    git(repo, env, "add", ".ownit.yaml")
    git(repo, env, "commit", "-q", "-m", "Policy")
    return head(repo, env)


def test_forbidden_path_refuses_owned_code_until_dismissed(repo: Path, env: dict[str, str]) -> None:
    _base(repo, env)
    region = stage_ai(repo, env, "crypto/aes.py", claim=True)
    before = head(repo, env)
    code, err = commit(repo, env)
    assert code == 1, err
    assert head(repo, env) == before
    assert "crypto/aes.py:1-4" in err
    assert "forbids AI-written code here: No AI-written code in crypto" in err
    assert "ownit dismiss crypto/aes.py:1" in err
    ownit(repo, env, "dismiss", "crypto/aes.py:1", "-m", "I typed this from the RFC myself")
    code, err = commit(repo, env)
    assert code == 0, err
    assert not [t for t in h.head_trailers(repo, env) if t.startswith("AI-")]
    status = json.loads(ownit(repo, env, "status", "--all", "--json").stdout)
    assert any(r["regionId"] == region and r["ownership"] == "dismissed" for r in status["regions"])


def test_unapproved_tool_counts_as_unowned_under_commit(repo: Path, env: dict[str, str]) -> None:
    _base(repo, env)
    (repo / "pay").mkdir()
    (repo / "pay/charge.py").write_text("def charge():\n    return 1\n")
    h.mark(repo, "pay/charge.py", 1, 2, "cursor", claim=True)
    git(repo, env, "add", "pay/charge.py")
    code, err = commit(repo, env)
    assert code == 1, err  # owned, but cursor is not approved and pay/ blocks
    assert "tool cursor is not approved here (tools: claude-code:*, copilot)" in err
    # Under the default `commit: warn` the commit goes through with a warning.
    git(repo, env, "rm", "-q", "--cached", "pay/charge.py")
    (repo / "lib.py").write_text("def helper():\n    return 2\n")
    h.mark(repo, "lib.py", 1, 2, "cursor", claim=True)
    git(repo, env, "add", "lib.py")
    code, err = commit(repo, env)
    assert code == 0, err
    assert "from a tool or model the policy does not approve" in err
    assert "lib.py:1-2 (tool cursor is not approved here" in err


def test_verify_reports_forbidden_and_unapproved_code(repo: Path, env: dict[str, str]) -> None:
    base = _base(repo, env)
    # Commits made without the gate (another clone, hooks off): verify still catches them.
    (repo / "crypto").mkdir()
    (repo / "crypto/aes.py").write_text("def encrypt():\n    return 0\n")
    git(repo, env, "add", ".")
    git(
        repo,
        env,
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "Add cipher\n\nCo-authored-by: Claude <noreply@anthropic.com>",
    )
    (repo / "lib.py").write_text("def helper():\n    return 2\n")
    h.mark(repo, "lib.py", 1, 2, "cursor", claim=True)
    git(repo, env, "add", "lib.py")
    code, err = commit(repo, env, "Helper")
    assert code == 0, err
    code, report = _verify(repo, env, f"{base}..HEAD")
    assert code == 1
    kinds = _kinds(report)
    assert ("ai-forbidden", "crypto/aes.py:1-2") in kinds
    assert ("unapproved-tool", "lib.py:1-2") in kinds
    messages = " ".join(str(f["message"]) for f in report["findings"])  # type: ignore[union-attr]
    assert "No AI-written code in crypto" in messages
    assert "tool cursor is not approved here" in messages
