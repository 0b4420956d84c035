"""Helpers shared by the git/CLI tests (fixtures live in ``tests/conftest.py``): running a
command as a user would, running git and failing with its message, committing files with
a given message, and the venv's ``ownit``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
OWNIT = str(VENV_BIN / "ownit")
OWNIT_MODULE = (sys.executable, "-m", "ownit")
DEV = "dev@example.com"


@dataclass(frozen=True)
class Commit:
    """A commit as the pure verifier and report read one (``core.verify_findings.CommitLike``)."""

    sha: str
    message: str = "Subject\n"
    parents: tuple[str, ...] = ()
    author_name: str = "Dev"
    author_email: str = DEV
    committer_name: str = "Dev"
    committer_email: str = DEV
    time: int = 0


def hermetic_env(home: Path) -> dict[str, str]:
    """An environment for running git and the venv's ownit as a user would: ``home`` (made
    if missing) as HOME with an empty global git config, no system config, this venv first
    on PATH."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("")
    return {
        "HOME": str(home),
        "PATH": f"{VENV_BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "LC_ALL": "C.UTF-8",
    }


def run(
    cwd: Path,
    env: dict[str, str],
    *args: str,
    input: str | None = None,
    timeout: float | None = None,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in ``cwd`` with exactly ``env`` and ``input`` on stdin (an empty stdin
    without it); whatever its exit code, a Python traceback on stderr fails the test (bad
    input must never crash), and with ``check`` so does a non-zero exit, with its stderr.
    ``timeout`` only guards against a hang."""
    result = subprocess.run(
        list(args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stderr}")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def ownit(
    cwd: Path,
    env: dict[str, str],
    *args: str,
    input: str | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m ownit *args`` with this venv's interpreter, as ``run`` runs it."""
    return run(cwd, env, *OWNIT_MODULE, *args, input=input, timeout=timeout)


def git(cwd: Path, env: dict[str, str], *args: str, input: str | None = None) -> str:
    """Run git in ``cwd`` with ``env``; fail the test with git's message if it fails."""
    result = run(cwd, env, "git", *args, input=input)
    assert result.returncode == 0, f"git {args}: {result.stderr}"
    return result.stdout


def head(repo: Path, env: dict[str, str], rev: str = "HEAD") -> str:
    return git(repo, env, "rev-parse", rev).strip()


def write(repo: Path, name: str, content: str | list[str]) -> Path:
    """Write ``content`` (text, or lines each ended by a newline) to ``repo/name``,
    creating its folders."""
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content if isinstance(content, str) else "\n".join(content) + "\n")
    return target


def commit(
    repo: Path, env: dict[str, str], message: str, files: Mapping[str, str | list[str]]
) -> str:
    """Write and stage ``files`` (see ``write``), commit them with exactly ``message``
    (an empty commit if there are none) and return the new commit's id."""
    for name, content in files.items():
        write(repo, name, content)
        git(repo, env, "add", "--", name)
    result = run(repo, env, "git", "commit", "-q", "--allow-empty", "-F", "-", input=message)
    assert result.returncode == 0, result.stderr
    return head(repo, env)


def new_repo(path: Path, env: dict[str, str], email: str = DEV, name: str = "Dev Name") -> Path:
    """Create ``path`` as a repository on ``main`` committing, unsigned, as ``name``
    <``email``>."""
    path.mkdir(parents=True)
    git(path, env, "init", "-q", "-b", "main")
    git(path, env, "config", "user.name", name)
    git(path, env, "config", "user.email", email)
    git(path, env, "config", "commit.gpgsign", "false")
    return path


def new_ssh_key(directory: Path, name: str) -> Path:
    """A fresh ed25519 key without a passphrase at ``directory/name`` (``.pub`` beside it)."""
    key = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


def ssh_public(key: Path) -> str:
    """``key``'s public half as an allowed-signers line wants it: type and key, no comment."""
    return " ".join(key.with_name(key.name + ".pub").read_text().split()[:2])
