"""`ai: forbidden`, `tools:`/`models:` and claim purposes, with real commits: the commit
gate (hooks installed), `ownit verify` and `ownit report` on the range.

Forbidden paths refuse any AI piece, owned or not, until it is dismissed; code from an
unapproved tool counts as unowned under the rule's `commit`; verify reports both.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration import test_hooks as h
from tests.integration.test_hooks_policy import GOOD_REASON, commit, head, stage_ai, write_policy

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
    explained = ownit(repo, env, "policy", "explain", "crypto/aes.py").stdout
    assert "ai: forbidden (no AI-written code, owned or not)   [crypto]" in explained
    assert "tools: claude-code:*, copilot   [defaults]" in explained
    assert "not allowed here: policy rule 'crypto' forbids AI-written code here: No AI" in explained
    assert "purposes a claim may give (--purpose): tests, refactor, feature" in explained
    region = stage_ai(repo, env, "crypto/aes.py", claim=True)
    before = head(repo, env)
    code, err = commit(repo, env)
    assert code == 1, err
    assert head(repo, env) == before
    assert "crypto/aes.py:1-4" in err
    assert "forbids AI-written code here: No AI-written code in crypto" in err
    assert "ownit dismiss crypto/aes.py:1" in err
    shown = ownit(repo, env, "status").stdout
    assert "crypto/aes.py:1-4  owned" in shown
    assert "ai-forbidden: policy rule 'crypto' forbids AI-written code here" in shown
    assert "not AI-written? ownit dismiss crypto/aes.py:1" in shown
    # (It was owned before the policy forbade AI there; a new claim is refused outright.)
    refused = ownit(repo, env, "claim", "crypto/aes.py:1", "-m", GOOD_REASON, check=False)
    assert refused.returncode != 0
    assert "owning AI-written code does not make it allowed" in refused.stderr
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


def _mixed_range(repo: Path, env: dict[str, str]) -> str:
    """A range with a human commit, owned AI code with a purpose, unowned AI code, an
    unapproved tool, and an AI-assisted commit in a forbidden path."""
    base = _base(repo, env)
    (repo / "human.py").write_text("def by_hand():\n    return 1\n\n\nprint(by_hand())\n")
    git(repo, env, "add", "human.py")
    code, err = commit(repo, env, "Human work")
    assert code == 0, err
    (repo / "app.py").write_text(
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    )
    owned = h.mark(repo, "app.py", 1, 2, "claude-code", "claude-sonnet-5")
    h.mark(repo, "app.py", 5, 6, "copilot")
    ownit(repo, env, "claim", "app.py:1", "-m", GOOD_REASON, "--purpose", "feature")
    del owned
    git(repo, env, "add", "app.py")
    code, err = commit(repo, env, "App")
    assert code == 0, err
    (repo / "lib.py").write_text("def helper():\n    return 2\n")
    h.mark(repo, "lib.py", 1, 2, "cursor", claim=True)
    git(repo, env, "add", "lib.py")
    code, err = commit(repo, env, "Helper")
    assert code == 0, err
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
    return base


def test_statement_says_exactly_what_happened(repo: Path, env: dict[str, str]) -> None:
    base = _mixed_range(repo, env)
    text = ownit(repo, env, "report", "--statement", f"{base}..HEAD").stdout
    assert f"The policy in force was .ownit.yaml at base {base[:10]}" in text
    assert "`ownit verify` finds 3 problems in the range under it" in text
    # 5 human lines + 6 + 2 + 2 AI-assisted: 8 of the 15 added lines are AI-written.
    assert "Of the 15 lines the range's commits added" in text
    assert "8 lines (53%) are AI-written, in 3 AI-assisted commits of 4." in text
    assert "- `lib.py:1-2`: 2 AI-written lines of lib.py (1-2) come from cursor" in text
    assert "4 lines of the 8 AI-written lines (50%) are owned by a named engineer" in text
    # Markdown: "<" outside code is an entity, so an owner's name cannot become markup.
    assert "Dev Name &lt;dev@example.com> (4 lines)" in text
    assert "- `app.py:5-6` (copilot): committed without a valid claim" in text
    assert "- 2 lines of `crypto/aes.py` added by AI-assisted commit" in text
    assert "These paths forbid AI-written code, and AI-written code was found there:" in text
    assert "- rule `crypto` (`crypto/**`): No AI-written code in crypto" in text
    assert "Owners tagged what the owned AI code is for: feature (2 lines)" in text
    assert "| `cursor` | no: tool cursor is not approved here" in text
    assert "| `claude-code:claude-sonnet-5` | yes | 1 | 2 | 2 | 0 |" in text
    assert "| **all** |  |  | 8 | 4 | 4 |" in text
    # Every number is what verify backs: its findings are the ones the statement lists.
    code, report = _verify(repo, env, f"{base}..HEAD")
    assert code == 1
    assert [k for k, _ in _kinds(report)] == ["ai-forbidden", "unapproved-tool", "unowned-at-tip"]
    data = json.loads(ownit(repo, env, "report", "--statement", "--json", f"{base}..HEAD").stdout)
    assert data["problems"] == 3 and data["verifyOk"] is False
    # The plain report names the unapproved tool too, from the same rule.
    plain = ownit(repo, env, "report", f"{base}..HEAD").stdout
    assert "unapproved tool: cursor (2 lines): tool cursor is not approved here" in plain
    tools = json.loads(ownit(repo, env, "report", "--json", f"{base}..HEAD").stdout)["tools"]
    unapproved = {t["tool"]: t["unapproved"] for t in tools}
    assert unapproved["copilot"] is None and "not approved" in unapproved["cursor"]
    regions = json.loads(ownit(repo, env, "report", "--json", f"{base}..HEAD").stdout)["regions"]
    assert {r["path"]: r["purpose"] for r in regions if r["status"] == "owned"}["app.py"] == (
        "feature"
    )
    # The HTML report opens with the statement.
    page = ownit(repo, env, "report", "--html", "-", f"{base}..HEAD").stdout
    assert page.index('id="statement"') < page.index('id="summary"')
    assert "No AI-written code in crypto" in page


def test_statement_of_a_clean_range_says_so(repo: Path, env: dict[str, str]) -> None:
    base = _base(repo, env)
    (repo / "app.py").write_text("def add(a, b):\n    return a + b\n")
    h.mark(repo, "app.py", 1, 2, "copilot")
    ownit(repo, env, "claim", "app.py:1", "-m", GOOD_REASON, "--purpose", "tests")
    git(repo, env, "add", "app.py")
    code, err = commit(repo, env, "App")
    assert code == 0, err
    assert "AI-Purpose: app.py:1-2 " in "\n".join(h.head_trailers(repo, env))
    text = ownit(repo, env, "report", "--statement", f"{base}..HEAD").stdout
    assert "`ownit verify` finds no problem in the range under it." in text
    assert (
        "Every AI-written line (2 lines) is owned by a named engineer who gave a rationale"
        " the policy accepts: Dev Name &lt;dev@example.com> (2 lines)." in text
    )
    assert "Every one of them is approved by the policy for the paths it wrote in." in text
    assert "These paths forbid AI-written code, and none was found there" in text
    assert "Owners tagged what the owned AI code is for: tests (2 lines)." in text
    assert _verify(repo, env, f"{base}..HEAD")[0] == 0


def test_a_version_1_store_opens_with_its_claims_and_no_purpose(tmp_path: Path) -> None:
    """Schema 2 adds the claims' purpose: a store an earlier ownit wrote is migrated in
    place, every claim kept (purpose '')."""
    import sqlite3

    from ownit.core.model import Claim
    from ownit.store import Store
    from ownit.store.opening import statements as _statements
    from ownit.store.schema import _V1, APPLICATION_ID, SCHEMA_VERSION

    path = tmp_path / "store.db"
    conn = sqlite3.connect(path)
    for statement in _statements(_V1):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO regions VALUES ('r1', 'a.py', 0, 2, 'copilot', NULL, 'manual', 0.9, 1.0,"
        " '0a1b2c3d4e5f', 'active', NULL, NULL, 1.0)"
    )
    conn.execute(
        "INSERT INTO claims (region_id, owner_name, owner_email, rationale, fingerprint,"
        " created_at) VALUES ('r1', 'Dev', 'dev@example.com', 'why', '0a1b2c3d4e5f', 2.0)"
    )
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        [state] = store.region_states()
        assert state.claim is not None and state.claim.purpose == ""
        assert state.claim.rationale == "why"
        store.add_claim(
            Claim("r1", "Dev", "dev@example.com", "again", "0a1b2c3d4e5f", 3.0, "tests")
        )
        [state] = store.region_states()
        assert state.claim is not None and state.claim.purpose == "tests"
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    check.close()
