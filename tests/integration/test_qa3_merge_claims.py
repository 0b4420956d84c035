"""A merge commit carries only the claims of the code it brings itself: a claim already
committed on the merged branch is not written again into `git merge --no-ff`'s message
(the hooks compared the merge with its first parent only, so every claimed region the
branch brought was claimed again, and `ownit report` counted the merge as one more
AI-assisted commit of that tool). A region changed while resolving the merge is still
claimed there. Real git, hooks, store and CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.store_harness import git, git_run, make_repo, ownit

WHY = "Checked every branch by hand; the unit tests cover all four lines"
BODY = "".join(f"value_{i} = {i}\n" for i in range(12))


def _feature_with_a_claim(repo: Path, env: dict[str, str]) -> None:
    (repo / "calc.py").write_text(BODY)
    git(repo, "add", "calc.py")
    git(repo, "commit", "-q", "-m", "Add calc")
    git(repo, "switch", "-q", "-c", "feat")
    lines = BODY.splitlines(keepends=True)
    lines[4:4] = [f"ai_{i} = helper({i})\n" for i in range(4)]
    (repo / "calc.py").write_text("".join(lines))
    ownit(repo, env, "mark", "calc.py", "--lines", "5-8", "--tool", "copilot", check=True)
    ownit(repo, env, "claim", "calc.py:5", "-m", WHY, check=True)
    git(repo, "commit", "-q", "-am", "Helpers")
    assert "AI-Owned: calc.py:5-8" in git(repo, "log", "-1", "--format=%B")
    git(repo, "switch", "-q", "main")
    (repo / "other.py").write_text("other = 1\n")
    git(repo, "add", "other.py")
    git(repo, "commit", "-q", "-m", "Other work on main")


def test_a_merge_does_not_claim_again_what_the_branch_committed(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    _feature_with_a_claim(repo, env)
    merged = git_run(repo, env, "merge", "-q", "--no-ff", "feat", "-m", "Merge feat")
    assert merged.returncode == 0, merged.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert "AI-Owned" not in message and "Assisted-by" not in message, message

    report = json.loads(ownit(repo, env, "report", "--json", check=True).stdout)
    text = json.dumps(report)
    assert report["aiAssistedCommits"] == 1, text
    assert report["commitsWithClaims"] == 1, text
    blame = ownit(repo, env, "blame", "calc.py", "--json", check=True).stdout
    owned = [json.loads(line) for line in blame.splitlines() if '"owned": true' in line]
    assert [row["line"] for row in owned] == [5, 6, 7, 8], blame
    verified = ownit(repo, env, "verify", "--all")
    assert verified.returncode == 0, verified.stdout


def test_a_claimed_region_changed_in_the_merge_is_claimed_there(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    _feature_with_a_claim(repo, env)
    merged = git_run(repo, env, "merge", "-q", "--no-ff", "--no-commit", "feat")
    assert merged.returncode == 0, merged.stderr
    text = (repo / "calc.py").read_text().replace("ai_1 = helper(1)", "ai_1 = helper(10)")
    (repo / "calc.py").write_text(text)
    ownit(repo, env, "claim", "calc.py:5", "-m", WHY + " again", check=True)
    git(repo, "add", "calc.py")
    done = git_run(repo, env, "commit", "-q", "--no-edit")
    assert done.returncode == 0, done.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert "AI-Owned: calc.py:5-8" in message, message
