"""The installed scripts' shell checks: a commit whose message prepare-commit-msg wrote
starts Python once (commit-msg and post-commit end in the shell), and finds ownit's files
in the git directory without asking git where it is — except where only git can say (a
linked worktree, GIT_DIR in the environment), which still works."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration import test_hooks as h

repo = h.repo
git = h.git


def _commit_traced(cwd: Path, env: dict[str, str], trace: Path, *args: str) -> list[list[str]]:
    """``git commit`` with git's trace2 events on: every git process's argv, in order."""
    if trace.exists():
        trace.unlink()
    git(cwd, {**env, "GIT_TRACE2_EVENT": str(trace)}, *args)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    return [e["argv"] for e in events if e.get("event") == "start"]


def _count(started: list[list[str]], *words: str) -> int:
    return sum(all(word in argv for word in words) for argv in started)


def _ai_change(cwd: Path, env: dict[str, str], name: str) -> None:
    """An owned AI region (unowned code would have commit-msg warn: Python again)."""
    (cwd / name).write_text("def f():\n    return 1\n")
    h.mark(cwd, name, 1, 2, "copilot", claim=True)
    git(cwd, env, "add", name)


def test_one_python_start_and_no_git_dir_lookup_in_a_plain_repository(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    _ai_change(repo, env, "a.py")
    started = _commit_traced(repo, env, tmp_path / "trace.json", "commit", "-q", "-m", "Add f")
    assert any(t.startswith("AI-Owned: a.py:1-2") for t in h.head_trailers(repo, env))
    # Python's first git call finds the repository: it ran once (prepare-commit-msg).
    assert _count(started, "rev-parse", "--show-toplevel") == 1
    assert _count(started, "rev-parse", "--git-path") == 0  # the scripts knew `.git/ownit`
    head = git(repo, env, "rev-parse", "HEAD").stdout.strip()
    ownit_dir = repo / ".git" / "ownit"
    assert (ownit_dir / "committed" / f"{head}.json").is_file()  # post-commit's shell move
    assert not (ownit_dir / "commit-msg-ok").exists()  # used once by commit-msg's check
    assert not (ownit_dir / "pending-commit.json").exists()


def test_a_linked_worktree_and_an_explicit_git_dir_ask_git(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    wt = repo.parent / "wt"
    git(repo, env, "worktree", "add", "-q", str(wt))
    _ai_change(wt, env, "w.py")
    started = _commit_traced(wt, env, tmp_path / "trace.json", "commit", "-q", "-m", "In wt")
    assert any(t.startswith("AI-Owned: w.py:1-2") for t in h.head_trailers(wt, env))
    assert _count(started, "rev-parse", "--show-toplevel") == 1
    assert _count(started, "rev-parse", "--git-path") == 2  # commit-msg and post-commit
    private = Path(git(wt, env, "rev-parse", "--absolute-git-dir").stdout.strip())
    head = git(wt, env, "rev-parse", "HEAD").stdout.strip()
    assert (private / "ownit" / "committed" / f"{head}.json").is_file()

    _ai_change(repo, env, "b.py")
    explicit = {**env, "GIT_DIR": str(repo / ".git"), "GIT_WORK_TREE": str(repo)}
    started = _commit_traced(repo, explicit, tmp_path / "trace.json", "commit", "-q", "-m", "B")
    assert any(t.startswith("AI-Owned: b.py:1-2") for t in h.head_trailers(repo, env))
    assert _count(started, "rev-parse", "--git-path") == 2
