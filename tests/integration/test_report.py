"""`ownit report` on a real repository, real commits with real trailers, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ownit.core.fingerprint import fingerprint
from tests.support import OWNIT, commit, git, new_repo, run

RATIONALE = "Checked each branch by hand; inputs are validated upstream"
DEV = "dev@example.com"

A_CODE = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]
B_CODE = ["def g(y):", "    return y + 1", "# end"]
C_CODE = ["one = 1", "two = 2", "three = 3", "four = 4", "five = 5"]
D_CODE = ["import os", "HOME = os.environ['HOME']"]


def report(cwd: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = run(cwd, env, OWNIT, "report", "--json", *args)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    path = new_repo(tmp_path / "repo", env)
    commit(path, env, "Initial\n", {"base.py": ["one", "two", "three"]})
    fa, fb, fd = fingerprint(A_CODE), fingerprint(B_CODE), fingerprint(D_CODE)
    commit(
        path,
        env,
        f"Add f\n\nAssisted-by: copilot\nAI-Owned: a.py:1-4 {fa} copilot {DEV} -- {RATIONALE}\n",
        {"a.py": A_CODE},
    )
    commit(
        path,
        env,
        f"Add g\n\nAssisted-by: claude-code\nAI-Unowned: b.py:1-3 {fb} claude-code\n",
        {"b.py": B_CODE},
    )
    commit(
        path,
        env,
        "Add numbers\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        {"c.py": C_CODE},
    )
    commit(
        path,
        env,
        f"Add home\n\nAssisted-by: claude-code\nAI-Unowned: d.py:1-2 {fd} claude-code\n",
        {"d.py": D_CODE},
    )
    commit(  # a claim-only commit owns d.py's code
        path,
        env,
        f"Own home\n\nAI-Owned: d.py:1-2 {fd} claude-code {DEV} -- {RATIONALE}\n",
        {},
    )
    return path


def test_numbers_of_all_history(repo: Path, env: dict[str, str]) -> None:
    data = report(repo, env)
    assert data["version"] == 1 and data["empty"] is False
    assert data["base"] is None and data["tip"] == git(repo, env, "rev-parse", "HEAD").strip()
    assert data["commits"] == 6
    assert data["aiAssistedCommits"] == 4
    assert data["commitsWithClaims"] == 4
    assert data["aiAssistedCommitsWithoutClaims"] == 1
    assert data["lines"] == {
        "owned": 6,
        "unowned": 3,
        "unclaimed": 5,
        "invalid": 0,
        "total": 14,
        "ownedShare": round(6 / 14, 4),
    }
    assert data["owners"] == [{"owner": DEV, "regions": 2, "lines": 6, "paths": 2}]
    tools = {
        t["tool"]: (t["commits"], t["owned"], t["unowned"], t["unclaimed"]) for t in data["tools"]
    }
    assert tools == {"claude-code": (4, 2, 3, 5), "copilot": (1, 4, 0, 0)}
    paths = {p["path"]: p for p in data["paths"]}
    assert [p["path"] for p in data["paths"]] == ["c.py", "a.py", "b.py", "d.py"]
    assert paths["a.py"]["ownedShare"] == 1.0 and paths["a.py"]["owners"] == [DEV]
    assert paths["c.py"]["unclaimed"] == 5 and paths["c.py"]["owners"] == []
    assert paths["b.py"]["unowned"] == 3
    [tip] = data["unownedAtTip"]
    assert (tip["path"], tip["first"], tip["last"], tip["tool"]) == ("b.py", 1, 3, "claude-code")
    assert tip["subject"] == "Add g"
    regions = {(r["path"], r["status"]) for r in data["regions"]}
    assert regions == {("a.py", "owned"), ("b.py", "unowned"), ("d.py", "owned")}
    owned_d = next(r for r in data["regions"] if r["path"] == "d.py")
    assert owned_d["rationale"] == RATIONALE and owned_d["owners"] == [DEV]


def test_a_range_and_code_gone_by_the_tip(repo: Path, env: dict[str, str]) -> None:
    base = git(repo, env, "rev-parse", "HEAD~2").strip()
    data = report(repo, env, "HEAD~2..HEAD")
    assert data["base"] == base and data["commits"] == 2
    assert data["lines"]["owned"] == 2 and data["lines"]["unowned"] == 0
    assert data["unownedAtTip"] == []
    # b.py's unowned code rewritten: no longer at the tip, still counted as committed.
    commit(repo, env, "Rewrite g\n", {"b.py": ["def g(y):", "    return y - 1"]})
    data = report(repo, env)
    assert data["lines"]["unowned"] == 3 and data["unownedAtTip"] == []


def test_markdown_renders_tables(repo: Path, env: dict[str, str]) -> None:
    result = run(repo, env, OWNIT, "report", "--markdown", "--limit", "2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## ownit report")
    assert (
        "| path | AI lines | owned | unowned | unclaimed | invalid | owned share | owners |" in out
    )
    assert "| `c.py` | 5 | 0 | 0 | 5 | 0 | 0% | - |" in out
    assert "…and 2 more paths." in out
    assert f"| {DEV} | 2 | 6 | 2 |" in out
    assert "| `b.py:1-3` | claude-code |" in out
    same = run(repo, env, OWNIT, "report", "--format", "markdown", "--by", "owner")
    assert same.returncode == 0 and "### Owners" in same.stdout and "### Paths" not in same.stdout
    text = run(repo, env, OWNIT, "report")
    assert text.returncode == 0 and "6 commits, 4 AI-assisted" in text.stdout
    assert "Committed unowned (AI-Unowned), still at the tip (1 region):" in text.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["nope..HEAD"],
        ["--by", "everything"],
        ["--json", "--format", "markdown"],
        ["--limit", "-1"],
        ["--format", "html"],
        ["HEAD", "HEAD~1"],
    ],
)
def test_usage_errors_exit_2(repo: Path, env: dict[str, str], args: list[str]) -> None:
    result = run(repo, env, OWNIT, "report", *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""


def test_outside_a_repository_exits_2(tmp_path: Path, env: dict[str, str]) -> None:
    result = run(tmp_path, env, OWNIT, "report")
    assert result.returncode == 2 and "not inside a git repository" in result.stderr


def test_empty_repository_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    path = new_repo(tmp_path / "empty", env)
    result = run(path, env, OWNIT, "report")
    assert result.returncode == 0 and "no commits yet" in result.stdout
    data = report(path, env)
    assert data["empty"] is True and data["commits"] == 0 and data["tip"] is None
    markdown = run(path, env, OWNIT, "report", "--markdown")
    assert markdown.returncode == 0 and "no commits yet" in markdown.stdout


def test_excluded_paths_are_not_counted(tmp_path: Path, env: dict[str, str]) -> None:
    path = new_repo(tmp_path / "ex", env)
    (path / ".ownit.yaml").write_text("version: 1\nexclude:\n  - 'gen/**'\n")
    git(path, env, "add", "--", ".ownit.yaml")
    git(path, env, "commit", "-q", "-m", "Policy")
    (path / "gen").mkdir()
    commit(
        path,
        env,
        "Generate\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        {"gen/x.py": C_CODE, "y.py": D_CODE},
    )
    data = report(path, env)
    assert data["policy"].startswith(".ownit.yaml at tip")
    assert [p["path"] for p in data["paths"]] == ["y.py"]
    assert data["lines"]["unclaimed"] == 2
