"""The progress line of verify, blame and report: on a terminal (a real pty as stderr)
it appears and is cleared; never on stdout; never when stderr is not a terminal.

``OWNIT_PROGRESS_AFTER=0`` stands for "this run took longer than the threshold": the
line is drawn at the first phase, so no test depends on timing."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.integration.ci_helpers import (
    CO_AUTHOR,
    FP,
    TEXT,
    init_repo,
    unowned,
)
from tests.support import OWNIT, commit

CLEAR = "\r\x1b[K"


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    path = init_repo(tmp_path / "repo", env)
    commit(path, env, f"Add a\n\n{CO_AUTHOR}\n", {"a.py": TEXT})
    commit(path, env, f"Add f\n\n{unowned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    return path


def on_a_terminal(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run ownit with stderr on a pty (stdout a pipe): (exit code, stdout, terminal)."""
    master, slave = os.openpty()
    proc = subprocess.Popen([OWNIT, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    out, _ = proc.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(master)
    return proc.returncode, out.decode(), seen.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("label", "args"),
    [
        ("ownit verify", ["verify", "--json", "HEAD~2..HEAD"]),
        ("ownit verify", ["verify", "--format", "sarif", "HEAD~2..HEAD"]),
        ("ownit report", ["report", "--json"]),
        ("ownit blame", ["blame", "--json", "f.py"]),
    ],
)
def test_progress_on_a_terminal(
    repo: Path, env: dict[str, str], label: str, args: list[str]
) -> None:
    code, out, terminal = on_a_terminal(repo, dict(env, OWNIT_PROGRESS_AFTER="0"), *args)
    assert code in (0, 1), terminal
    assert terminal.startswith(f"\r{label}"), repr(terminal)
    assert terminal.endswith(CLEAR), repr(terminal)  # cleared before the result
    assert " s)" in terminal  # the elapsed time
    # stdout is the machine output alone.
    assert "\r" not in out and "\x1b" not in out
    if args[0] == "blame":
        assert all(json.loads(line) for line in out.splitlines())
    else:
        json.loads(out)


def test_no_progress_before_the_threshold(repo: Path, env: dict[str, str]) -> None:
    code, out, terminal = on_a_terminal(
        repo, dict(env, OWNIT_PROGRESS_AFTER="3600"), "verify", "HEAD~2..HEAD"
    )
    assert code == 1
    assert terminal == ""
    assert "problem" in out


def test_never_without_a_terminal(repo: Path, env: dict[str, str]) -> None:
    for args in (["verify", "--json", "HEAD~2..HEAD"], ["report"], ["blame", "f.py"]):
        result = subprocess.run(
            [OWNIT, *args],
            cwd=repo,
            env=dict(env, OWNIT_PROGRESS_AFTER="0"),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode in (0, 1)
        assert result.stderr == "", result.stderr
        assert "\r" not in result.stdout and "\x1b" not in result.stdout


def test_an_error_never_shares_the_line(repo: Path, env: dict[str, str]) -> None:
    code, _, terminal = on_a_terminal(
        repo, dict(env, OWNIT_PROGRESS_AFTER="0"), "verify", "nosuchrev..HEAD"
    )
    assert code == 2
    assert terminal.startswith("\rownit verify")
    assert CLEAR + "ownit: unknown revision" in terminal  # cleared first
    assert terminal.rstrip().endswith("unknown revision 'nosuchrev'")
