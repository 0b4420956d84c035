"""The hooks read what is staged in two ways (a cat-file of every base blob by path for few
files, `git diff-index` and blobs by id for many): both give the same message, renames
and partial staging included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration import test_hooks as h

repo = h.repo
git = h.git

OTHER = "def g(a):\n    b = a * 3\n    c = b - 1\n    return c\n"
AI = "def f():\n    x = 1\n    y = 2\n    return x + y\n"


def _messages(repo: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from ownit.commit import planning
    from ownit.commit import runner as hook_runner

    monkeypatch.chdir(repo)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # Each way from the same store: a hook following a rename moves the regions in it.
    state = repo / ".git" / "ownit"
    saved = repo / ".git" / "ownit-saved"
    shutil.copytree(state, saved)
    written = []
    for above in (planning.DIFF_ABOVE_FILES, 0):
        shutil.rmtree(state)
        shutil.copytree(saved, state)
        monkeypatch.setattr(planning, "DIFF_ABOVE_FILES", above)
        message = repo / ".git" / "COMMIT_EDITMSG"
        message.write_text("Change things\n")
        assert hook_runner.run("prepare-commit-msg", [str(message), "message"]) == 0
        written.append(message.read_text())
    return written


def test_a_move_with_edits_and_a_new_file_read_by_id_as_by_path(
    repo: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    h.add_ai_file(repo, env, claim=True)
    (repo / "un.py").write_text(OTHER)
    h.mark(repo, "un.py", 1, 4, "claude-code")
    git(repo, env, "add", "ai.py", "un.py")
    git(repo, env, "commit", "-q", "-m", "Add f and g")
    git(repo, env, "mv", "un.py", "lib.py")
    (repo / "lib.py").write_text(OTHER + AI)
    h.mark(repo, "lib.py", 5, 8, "cursor")
    (repo / "new.py").write_text(AI)
    h.mark(repo, "new.py", 1, 4, "copilot")
    git(repo, env, "add", "-A")
    by_path, by_id = _messages(repo, env, monkeypatch)
    assert by_path == by_id
    assert "AI-Unowned: lib.py:5-8 " in by_id and "AI-Unowned: new.py:1-4 " in by_id
    assert "lib.py:1-4" not in by_id  # moved, not added


def test_partly_staged_and_unstaged_files_read_by_id_as_by_path(
    repo: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    h.add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Add f")
    (repo / "ai.py").write_text((repo / "ai.py").read_text() + "tail()\nmore()\n")
    h.mark(repo, "ai.py", 6, 7)
    (repo / "loose.py").write_text(AI)  # never staged
    h.mark(repo, "loose.py", 1, 4, "copilot")
    git(repo, env, "add", "ai.py")
    (repo / "ai.py").write_text((repo / "ai.py").read_text() + "unstaged()\n")
    by_path, by_id = _messages(repo, env, monkeypatch)
    assert by_path == by_id
    assert "AI-Unowned: ai.py:6-7 " in by_id and "loose.py" not in by_id
