"""ownit's hooks through the real pre-commit framework, as `.pre-commit-hooks.yaml` tells
a team to set them up: a repository whose `.pre-commit-config.yaml` pins a commit of a
fresh clone of ownit. The gate's `commit: warn` message must reach the person committing
(pre-commit hides a passing hook's output unless the hook is `verbose`), a `block` rule
must refuse the commit with its message, and the trailers must be in the message. The
hook environment is built by pre-commit with pip (its cache, else the index)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.clone import ROOT, clone_working_tree
from tests.conftest import git

pytestmark = pytest.mark.slow

HOOK_TYPES = ("prepare-commit-msg", "commit-msg", "post-commit")


def test_hooks_file_shows_the_gate_and_pins_a_commit() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    hooks = {hook["id"]: hook for hook in yaml.safe_load(text)}
    assert hooks["ownit-commit-msg"]["verbose"] is True
    assert "rev: <tag>" not in text and "rev: <full commit SHA>" in text
    assert "autoupdate" in text


def test_pre_commit_framework_runs_the_hooks(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("pre_commit") is None:
        pytest.fail("pre-commit is in the dev extras: make .venv/.installed installs it")
    ownit_src = tmp_path / "ownit-src"
    rev = clone_working_tree(ownit_src, commit=True)
    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "Dev Name"),
        ("user.email", "dev@example.com"),
        ("commit.gpgsign", "false"),
    ):
        git(repo, "config", key, value)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {ownit_src}\n"
        f"    rev: {rev}\n"
        "    hooks: [{id: ownit-trailers}, {id: ownit-commit-msg}, {id: ownit-post-commit}]\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env.pop("VIRTUAL_ENV", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False
        )

    hook_flags = [flag for name in HOOK_TYPES for flag in ("--hook-type", name)]
    installed = run(sys.executable, "-m", "pre_commit", "install", *hook_flags)
    assert installed.returncode == 0, installed.stderr
    (repo / "src").mkdir()
    (repo / "src" / "util.py").write_text("def f():\n    return 1\n")
    git(repo, "add", "-A")
    first = run("git", "commit", "-q", "-m", "start")
    assert first.returncode == 0, first.stdout + first.stderr

    # commit: warn (the default): the commit goes through and says so.
    (repo / "src" / "util.py").write_text("def f():\n    return 1\n\n\ndef g():\n    return 2\n")
    mark = run(
        sys.executable, "-m", "ownit", "mark", "src/util.py", "--lines", "5-6", "--tool", "copilot"
    )
    assert mark.returncode == 0, mark.stderr
    git(repo, "add", "-A")
    warned = run("git", "commit", "-q", "-m", "add g")
    output = warned.stdout + warned.stderr
    assert warned.returncode == 0, output
    # (the wording is the hook's own; what matters is that pre-commit shows it)
    assert "ownit:" in output and "src/util.py:5-6" in output, output
    message = git(repo, "log", "-1", "--format=%B")
    assert "Assisted-by: copilot" in message
    assert "AI-Unowned: src/util.py:5-6 " in message

    # The sensitive rule blocks: the commit is refused with what to do.
    (repo / "src" / "auth.py").write_text("def check(token):\n    return token == 'x'\n")
    mark = run(
        sys.executable, "-m", "ownit", "mark", "src/auth.py", "--lines", "1-2", "--tool", "copilot"
    )
    assert mark.returncode == 0, mark.stderr
    git(repo, "add", "-A")
    blocked = run("git", "commit", "-q", "-m", "add auth")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "ownit:" in output and "src/auth.py:1-2" in output, output
    assert git(repo, "log", "-1", "--format=%s").strip() == "add g"
