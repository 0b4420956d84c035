"""The git hooks with a store they can read but not write: every commit keeps its trailers,
and what the hooks could not record is recorded once the store is writable again."""

from __future__ import annotations

from pathlib import Path

from tests.integration.store_harness import (
    RATIONALE,
    git_run,
    honour_permissions,
    make_repo,
    ownit,
)


def commit(root: Path, env: dict[str, str], name: str) -> tuple[str, str]:
    """Commit ``name`` through the hooks (obeying file modes); (stderr, message)."""
    assert git_run(root, env, "add", "--", name).returncode == 0
    done = git_run(root, env, "commit", "-q", "-m", f"Add {name}", preexec=honour_permissions)
    assert done.returncode == 0, done.stderr
    return done.stderr, git_run(root, env, "log", "-1", "--format=%B").stdout


def test_commits_keep_their_trailers_while_the_store_is_read_only(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root = make_repo(tmp_path / "repo", env)
    for name in ("a.py", "b.py"):
        (root / name).write_text(f"def {name[0]}():\n    return 1\n")
        ownit(root, env, "mark", name, "--lines", "1-2", "--tool", "copilot", check=True)
        ownit(root, env, "claim", f"{name}:1", "-m", RATIONALE, check=True)
    db = root / ".git" / "ownit" / "state.db"
    db.chmod(0o444)
    try:
        first_err, first = commit(root, env, "a.py")
        # The first commit's record waits (the store cannot take it); the second commit's
        # hooks must not fail on it, nor carry a.py's claim again.
        second_err, second = commit(root, env, "b.py")
    finally:
        # What `ownit claim` says to do now (SQLite made the -wal and -shm read-only too).
        again = ownit(root, env, "claim", "a.py:1", "-m", RATIONALE, preexec=honour_permissions)
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
        for path in files:
            if path.exists():
                path.chmod(0o644)
    assert again.returncode == 2 and "chmod u+w " + str(db) in again.stderr, again.stderr
    assert f"{db}-wal" in again.stderr.splitlines()[0]  # all of them, in one line
    assert "AI-Owned: a.py:1-2 " in first and "hook failed" not in first_err, first_err
    assert "AI-Owned: b.py:1-2 " in second and "hook failed" not in second_err, second_err
    assert "a.py" not in second
    waiting = list((root / ".git" / "ownit" / "committed").glob("*.json"))
    assert len(waiting) >= 1  # kept for later, not dropped
    (root / "c.py").write_text("c = 3\n")
    third_err, third = commit(root, env, "c.py")  # writable again: the records go in
    assert "hook failed" not in third_err and "AI-Owned" not in third, third
    assert not any(path.exists() for path in waiting)
