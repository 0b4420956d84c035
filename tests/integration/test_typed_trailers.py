"""A line only ownit may write, typed into a new commit's message, is removed by the
hook — and the hook says so on stderr, with how to claim instead (issue 11)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_hooks import git
from tests.integration.test_hooks import repo as repo  # the fixture

TYPED = [
    "AI-Owned: base.py:1-2 deadbeef0000 copilot dev@example.com -- I read it",
    "AI-Unowned: base.py:3-3 0123456789ab copilot",
    "Owned-by: Someone <someone@example.com>",
]


def test_typed_ownit_lines_are_removed_and_reported(repo: Path, env: dict[str, str]) -> None:
    (repo / "base.py").write_text("one\ntwo\nthree\nfour\n")
    git(repo, env, "add", "base.py")
    message = "Add four\n\n" + "\n".join(TYPED) + "\n"
    result = git(repo, env, "commit", "-q", "-m", message)
    body = git(repo, env, "log", "-1", "--format=%B").stdout
    assert body.strip() == "Add four"
    for line in TYPED:
        assert f"removed the line '{line}'" in result.stderr
    assert result.stderr.count("ownit claim PATH:LINE") == 2  # said once
    assert "--commit" in result.stderr


def test_typed_lines_in_the_editor_are_reported_too(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\nprintf 'Add four\\n\\n{TYPED[0]}\\n' > \"$1\"\n")
    editor.chmod(0o755)
    (repo / "base.py").write_text("one\ntwo\nthree\nfour\n")
    git(repo, env, "add", "base.py")
    result = git(repo, {**env, "GIT_EDITOR": str(editor)}, "commit", "-q")
    assert git(repo, env, "log", "-1", "--format=%B").stdout.strip() == "Add four"
    assert f"removed the line '{TYPED[0]}'" in result.stderr


def test_nothing_is_said_without_typed_lines(repo: Path, env: dict[str, str]) -> None:
    (repo / "base.py").write_text("one\ntwo\nthree\nfour\n")
    git(repo, env, "add", "base.py")
    result = git(repo, env, "commit", "-q", "-m", "Add four\n\nReviewed-by: A <a@example.com>")
    assert "removed the line" not in result.stderr
