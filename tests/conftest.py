"""Fixtures shared by every test suite. Keep this small and additive."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import hermetic_env

# Property tests draw the same examples on every run, so a CI failure can be reproduced;
# OWNIT_HYPOTHESIS_RANDOM=1 explores new examples locally.
settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("OWNIT_HYPOTHESIS_RANDOM") else "reproducible")


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; fail the test with git's message if it fails."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A fresh repository (branch ``main``) with user.name/user.email set locally."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test User")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home folder for the test's user (``env`` uses it as HOME)."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """A hermetic environment for running git and the venv's ownit as a user would: an
    empty HOME and global git config, no system config, this venv first on PATH, and an
    editor that accepts the message as it is."""
    return {**hermetic_env(home), "GIT_EDITOR": "true"}
