"""A policy's regexes run in bounded time everywhere they are used: `ownit policy check`,
`ownit claim` (rationale rules) and `ownit verify` (ai_commit_patterns), as real processes
in a real repository. Each pattern here takes minutes to years with a backtracking engine;
the generous process limit only turns a regression into a failure instead of a hang."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests import support

VENV_BIN = Path(sys.executable).parent
LIMIT = 120  # seconds; RE2 answers in milliseconds

POLICY = """\
version: 1
defaults:
  rationale:
    also_reject: ['/a*a*a*a*a*a*a*a*b/']
ai_commit_patterns:
  - name: slow co-author
    trailer: Co-authored-by
    match: '/a*a*a*a*a*a*a*a*x/'
    tool: copilot
"""


def run(cwd: Path, env: dict[str, str], *args: str, input: str | None = None) -> tuple[int, str]:
    result = support.run(cwd, env, *args, input=input, timeout=LIMIT)
    return result.returncode, result.stdout + result.stderr


def git(cwd: Path, env: dict[str, str], *args: str, input: str | None = None) -> str:
    code, output = run(cwd, env, "git", *args, input=input)
    assert code == 0, f"git {args}: {output}"
    return output


def ownit(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    return run(cwd, env, str(VENV_BIN / "ownit"), *args)


def test_slow_rationale_pattern_is_checked_and_claims_answer(
    git_repo: Path, env: dict[str, str]
) -> None:
    (git_repo / ".ownit.yaml").write_text(POLICY)
    code, output = ownit(git_repo, env, "policy", "check")
    assert code == 0, output
    (git_repo / "a.py").write_text("def f():\n    return 1\n")
    code, output = ownit(git_repo, env, "mark", "a.py", "--lines", "1-2", "--tool", "copilot")
    assert code == 0, output
    # The pattern matches any text with a 'b' ("by"); the second rationale has none.
    rejected_by_b = "checked by hand: " + "a" * 60 + " then every line reviewed"
    code, output = ownit(git_repo, env, "claim", "a.py:1", "-m", rejected_by_b)
    assert code == 2, output
    assert "/a*a*a*a*a*a*a*a*b/" in output
    accepted = "checked " + "a" * 60 + " then reviewed every line for its error path"
    # --json's stdout alone (stderr may say that the hooks are not installed here).
    done = support.run(
        git_repo,
        env,
        str(VENV_BIN / "ownit"),
        "claim",
        "a.py:1",
        "-m",
        accepted,
        "--json",
        timeout=LIMIT,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rationale"] == accepted


def test_slow_ai_commit_pattern_is_matched_in_bounded_time_by_verify(
    git_repo: Path, env: dict[str, str]
) -> None:
    (git_repo / ".ownit.yaml").write_text(POLICY)
    git(git_repo, env, "add", "-A")
    git(git_repo, env, "commit", "-q", "-m", "Policy")
    base = git(git_repo, env, "rev-parse", "HEAD").strip()
    (git_repo / "h.py").write_text("x = 1\n")
    git(git_repo, env, "add", "-A")
    message = "Human change\n\nCo-authored-by: " + "a" * 120 + "y\n"
    git(git_repo, env, "commit", "-q", "-F", "-", input=message)
    code, output = ownit(git_repo, env, "verify", "--json", f"{base}..HEAD")
    assert code == 0, output
    assert json.loads(output)["aiAssistedCommits"] == 0
    # The same pattern still finds what it is meant to find.
    (git_repo / "g.py").write_text("y = 2\n")
    git(git_repo, env, "add", "-A")
    git(git_repo, env, "commit", "-q", "-F", "-", input="AI change\n\nCo-authored-by: aax\n")
    code, output = ownit(git_repo, env, "verify", "--json", f"{base}..HEAD")
    assert code == 1, output
    report = json.loads(output)
    assert report["aiAssistedCommits"] == 1
    assert [f["kind"] for f in report["findings"]] == ["ai-commit-unclaimed"]
