"""`ownit policy explain` lists the ai_commit_patterns in force (text and --json), as a
real process in a real repository; and a policy's additions reach `ownit verify`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ownit.core.policy import default_policy
from tests.support import ownit


def test_explain_lists_the_built_in_patterns(git_repo: Path, env: dict[str, str]) -> None:
    result = ownit(git_repo, env, "policy", "explain", "src/app.py")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "AI-assisted commits (ai_commit_patterns, in order;" in text
    for pattern in default_policy().ai_commit_patterns:
        assert f"    {pattern.name}: {pattern.looks_at} {pattern.match.text} → " in text
    assert (
        "aider co-author: trailer Co-authored-by /^aider\\b[^<]*<[^<>@]+@aider\\.(chat|dev)>$/"
        " → aider (read: model-in-parentheses) [corroborated]"
    ) in text
    assert "copilot vs code co-author: " in text and "→ copilot [weak]" in text
    assert "→ the tool the value names (read: tool-model) [corroborated]" in text

    data = json.loads(ownit(git_repo, env, "policy", "explain", "src/app.py", "--json").stdout)
    patterns = data["aiCommitPatterns"]
    assert [p["name"] for p in patterns] == [p.name for p in default_policy().ai_commit_patterns]
    assert patterns[0] == {
        "name": "aider co-author",
        "field": "trailer",
        "trailer": "Co-authored-by",
        "match": "/^aider\\b[^<]*<[^<>@]+@aider\\.(chat|dev)>$/",
        "tool": "aider",
        "read": "model-in-parentheses",
        "evidence": "corroborated",
    }
    subject = next(p for p in patterns if p["name"] == "aider subject prefix")
    assert (subject["field"], subject["trailer"], subject["read"]) == ("subject", None, None)


def test_a_policy_adds_and_switches_off_patterns_everywhere(
    git_repo: Path, env: dict[str, str]
) -> None:
    (git_repo / ".ownit.yaml").write_text(
        "version: 1\n"
        "also_ai_commit_patterns:\n"
        "  - name: internal agent\n"
        "    trailer: Agent\n"
        "    match: '/\\S/'\n"
        "    read: tool-model\n"
        "    evidence: weak\n"
        "disable_ai_commit_patterns: [claude co-author]\n",
        encoding="utf-8",
    )
    text = ownit(git_repo, env, "policy", "explain", "a.py").stdout
    assert "    internal agent: trailer Agent /\\S/ → the tool the value names" in text
    assert "[weak]" in text and "    claude co-author:" not in text
    assert ownit(git_repo, env, "policy", "check").returncode == 0

    def commit(name: str, message: str) -> None:
        (git_repo / name).write_text("x = 1\ny = 2\n", encoding="utf-8")
        subprocess.run(["git", "add", name], cwd=git_repo, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=git_repo, env=env, check=True)

    commit(".keep", "Base")
    subprocess.run(["git", "add", ".ownit.yaml"], cwd=git_repo, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "Policy"], cwd=git_repo, env=env, check=True)
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=git_repo, env=env, capture_output=True, text=True
    ).stdout.strip()
    commit("a.py", "Add a\n\nAgent: windsurf:swe-1")
    commit("b.py", "Add b\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>")
    # verify reads the policy of the range's base: the added pattern counts, the
    # switched-off one does not.
    result = ownit(git_repo, env, "verify", f"{base}..HEAD", "--json")
    found = json.loads(result.stdout)
    assert found["aiAssistedCommits"] == 1
    [unclaimed] = [f for f in found["findings"] if f["kind"] == "ai-commit-unclaimed"]
    assert unclaimed["path"] == "a.py"
    assert "matches ai_commit_patterns 'internal agent', weak evidence" in unclaimed["message"]
    report = json.loads(ownit(git_repo, env, "report", f"{base}..HEAD", "--json").stdout)
    assert [(row["tool"], row["commits"]) for row in report["tools"]] == [("windsurf:swe-1", 1)]
