"""A cloned repository whose committed `.ownit.yaml` and `.gitattributes` are symlinks to
/dev/zero (git stores a symlink as its target text; the checkout makes the link). Every
verb reads those files: each must finish, in bounded memory, with an answer or a clear
error — never read an endless file to its end (`ownit blame` did, until memory ran out)."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from tests.integration.store_harness import VENV_BIN, git, make_repo

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: a runaway read fails fast, not the machine


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    root = make_repo(tmp_path / "repo", env, hooks=False)
    (root / "a.py").write_text("def f():\n    return 1\n")
    (root / ".ownit.yaml").symlink_to("/dev/zero")
    (root / ".gitattributes").symlink_to("/dev/zero")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add a.py", "-m", "Assisted-by: copilot")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["blame", "a.py"],
        ["blame", "a.py", "--json"],
        ["status"],
        ["policy", "explain", "a.py"],
        ["policy", "check"],
        ["mark", "a.py", "--lines", "1-2", "--tool", "copilot"],
        ["trailers"],
    ],
)
def test_endless_policy_files_are_never_read_to_their_end(
    repo: Path, env: dict[str, str], args: list[str]
) -> None:
    done = subprocess.run(
        [str(VENV_BIN / "ownit"), *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=_limited,
    )
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2), (done.returncode, done.stdout, done.stderr)
