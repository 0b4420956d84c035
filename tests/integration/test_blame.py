"""`ownit blame` against real repositories and the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ownit.core.fingerprint import fingerprint
from ownit.core.trailers import encode_path
from tests.support import VENV_BIN, commit, new_repo, run

DEV = "dev@example.com"
WHY = "Checked each branch by hand; inputs are validated upstream"
CODE = ["def f(x):", "    return x * 2"]
FP = fingerprint(CODE)


def blame(cwd: Path, env: dict[str, str], *args: str, input: str | None = None) -> list[Any]:
    result = run(cwd, env, str(VENV_BIN / "ownit"), "blame", "--json", *args, input=input)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    return new_repo(tmp_path / "repo", env, DEV)


def test_owned_unowned_human(repo: Path, env: dict[str, str]) -> None:
    text = "\n".join(["# human", *CODE, "y = 1"]) + "\n"
    claim = f"AI-Owned: a.py:2-3 {FP} copilot {DEV} -- {WHY}"
    # As ownit's hook writes it (AI-Lines: exact): only the claimed lines are AI.
    message = f"Add\n\nAssisted-by: copilot\n{claim}\nAI-Lines: exact\n"
    sha = commit(repo, env, message, {"a.py": text})
    rows = blame(repo, env, "a.py")
    assert [r["ai"] for r in rows] == [False, True, True, False]
    assert rows[1]["owner"] == DEV and rows[1]["rationale"] == WHY and rows[1]["tool"] == "copilot"
    assert rows[1]["commit"] == sha and rows[1]["claimCommit"] == sha
    human = run(repo, env, str(VENV_BIN / "ownit"), "blame", "a.py").stdout
    assert "owned dev@example.com" in human and WHY in human
    # -L limits the lines; cached index gives the same answer.
    again = blame(repo, env, "-L", "2,3", "a.py")
    assert [r["line"] for r in again] == [2, 3] and all(r["owned"] for r in again)
    assert (repo / ".git" / "ownit" / "claim-index.bin").is_file()


def test_commit_level_attribution_makes_every_added_line_ai(
    repo: Path, env: dict[str, str]
) -> None:
    """Without ownit's marker, `Assisted-by:` marks the whole commit: the lines no claim
    covers are AI-written and unowned (they were human with a claim anywhere in the file)."""
    text = "\n".join(["# human", *CODE, "y = 1"]) + "\n"
    claim = f"AI-Owned: a.py:2-3 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Add\n\nAssisted-by: copilot\n{claim}\n", {"a.py": text})
    rows = blame(repo, env, "a.py")
    assert [(r["ai"], r["owned"], r["how"]) for r in rows] == [
        (True, False, "ai-commit"),
        (True, True, "claim"),
        (True, True, "claim"),
        (True, False, "ai-commit"),
    ]


def test_later_claim_and_moved_lines(repo: Path, env: dict[str, str]) -> None:
    unowned = f"AI-Unowned: a.py:1-2 {FP} claude-code"
    first = commit(repo, env, f"Add\n\n{unowned}\n", {"a.py": "\n".join(CODE) + "\n"})
    rows = blame(repo, env, "a.py")
    assert rows[0]["ai"] and not rows[0]["owned"] and rows[0]["tool"] == "claude-code"
    # Lines move down, then a claim-only commit owns them where they are now.
    commit(repo, env, "Header\n", {"a.py": "# h\n" + "\n".join(CODE) + "\n"})
    claim = f"AI-Owned: a.py:2-3 {FP} claude-code {DEV} -- {WHY}"
    owner = commit(repo, env, f"Own\n\n{claim}\n", {})
    rows = blame(repo, env, "a.py")
    assert rows[1]["commit"] == first and rows[1]["owned"] and rows[1]["claimCommit"] == owner


def test_ai_commit_without_claim(repo: Path, env: dict[str, str]) -> None:
    message = "Add\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    commit(repo, env, message, {"b.py": "x = 1\n"})
    rows = blame(repo, env, "b.py")
    assert rows[0]["ai"] and not rows[0]["owned"] and rows[0]["how"] == "ai-commit"
    human = run(repo, env, str(VENV_BIN / "ownit"), "blame", "b.py").stdout
    assert "UNOWNED" in human


def test_contents_from_stdin(repo: Path, env: dict[str, str]) -> None:
    claim = f"AI-Owned: a.py:1-2 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Add\n\n{claim}\n", {"a.py": "\n".join(CODE) + "\n"})
    buffer = "new line\n" + "\n".join(CODE) + "\n"
    rows = blame(repo, env, "--contents", "-", "a.py", input=buffer)
    assert rows[0]["commit"] is None and not rows[0]["ai"]
    assert rows[1]["owned"] and rows[1]["line"] == 2


@pytest.mark.parametrize("name", ["dir with space/a b.py", "100%/p.py", "données/é.py"])
def test_odd_paths_and_subdirectory(repo: Path, env: dict[str, str], name: str) -> None:
    claim = f"AI-Owned: {encode_path(name)}:1-2 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Add\n\n{claim}\n", {name: "\n".join(CODE) + "\n"})
    rows = blame(repo, env, name)
    assert rows[0]["owned"] and rows[0]["origPath"] == name
    sub = (repo / name).parent
    rows = blame(sub, env, Path(name).name)
    assert rows[0]["owned"]


def test_errors(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    commit(repo, env, "Add\n", {"a.py": "x\n"})
    ownit = str(VENV_BIN / "ownit")
    result = run(repo, env, ownit, "blame", "missing.py")
    assert result.returncode == 2 and "missing.py" in result.stderr
    result = run(repo, env, ownit, "blame", "-L", "5,9", "a.py")
    assert result.returncode == 2
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.py").write_text("x\n")
    result = run(outside, env, ownit, "blame", "f.py")
    assert result.returncode == 2 and "not inside a git repository" in result.stderr


def test_detached_head_and_cache_follows_head(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, "Add\n", {"a.py": "\n".join(CODE) + "\n"})
    rows = blame(repo, env, "a.py")
    assert not rows[0]["ai"]
    claim = f"AI-Owned: a.py:1-2 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Own\n\n{claim}\n", {})
    assert run(repo, env, "git", "checkout", "-q", "--detach").returncode == 0
    rows = blame(repo, env, "a.py")  # the cache was for the old HEAD: extended, not reused
    assert rows[0]["owned"]
    assert run(repo, env, "git", "checkout", "-q", "HEAD~1").returncode == 0
    rows = blame(repo, env, "a.py")  # HEAD went back: rebuilt
    assert not rows[0]["ai"]


def test_an_invalid_policy_file_means_the_defaults_and_blame_says_so(
    repo: Path, env: dict[str, str]
) -> None:
    text = "\n".join(["# human", *CODE]) + "\n"
    claim = f"AI-Owned: a.py:2-3 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Add\n\n{claim}\nAI-Lines: exact\n", {"a.py": text})
    (repo / ".ownit.yaml").write_text("version: 1\ndefaults:\n  commit: sometimes\n")
    result = run(repo, env, str(VENV_BIN / "ownit"), "blame", "--json", "a.py")
    assert result.returncode == 0, result.stderr
    assert ".ownit.yaml:3:" in result.stderr
    assert "the policy file is not valid; the claims shown are judged against the built-in" in (
        " ".join(result.stderr.split())
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["owned"] for r in rows] == [False, True, True]


def test_kept_judgements_follow_the_policy_file(repo: Path, env: dict[str, str]) -> None:
    """A second blame at the same HEAD takes the claims' judgements from
    `claim-judgements.bin`; editing `.ownit.yaml` (no commit) judges them again."""
    text = "\n".join(["# human", *CODE, "y = 1"]) + "\n"
    claim = f"AI-Owned: a.py:2-3 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Add\n\nAssisted-by: copilot\n{claim}\nAI-Lines: exact\n", {"a.py": text})
    first = blame(repo, env, "a.py")
    assert first[1]["owned"] and not first[1]["invalid"]
    assert (repo / ".git" / "ownit" / "claim-judgements.bin").is_file()
    assert blame(repo, env, "a.py") == first
    (repo / ".ownit.yaml").write_text(
        'version: 1\ndefaults:\n  owners: ["*@elsewhere.org"]\n', encoding="utf-8"
    )
    refused = blame(repo, env, "a.py")
    assert not refused[1]["owned"] and refused[1]["invalid"]
    (repo / ".ownit.yaml").unlink()
    assert blame(repo, env, "a.py") == first
