"""Hostile inputs an independent check found: a named pipe where a file is read, a payload
nested too deeply, a payload with thousands of failing edits, a tab in the policy, an
empty history, and ``OWNIT_STORE`` in a folder that does not exist. Each one gets a clear
message and its usual exit code, never a hang, a traceback or a flood of lines. The real
CLI on real repositories; ``timeout`` turns a hang into a failure, not a stuck run."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.store_harness import VENV_BIN, git, make_repo

OWNIT = str(VENV_BIN / "ownit")
HANG = 60  # seconds: far beyond any of these runs, only there to end a hang

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _ownit(
    repo: Path, env: dict[str, str], *args: str, stdin: bytes = b""
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [OWNIT, *args],
        cwd=repo,
        env=env,
        input=stdin.decode("utf-8"),
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    return done


def _write_payload(path: str, content: str = "x = 1\n") -> bytes:
    payload = {"tool_name": "Write", "tool_input": {"file_path": path, "content": content}}
    return json.dumps(payload).encode()


@needs_fifo
def test_checkpoint_refuses_a_named_pipe_instead_of_waiting_on_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    os.mkfifo(repo / "pipe.py")
    done = _ownit(
        repo, env, "checkpoint", "--agent", "claude-code", stdin=_write_payload("pipe.py")
    )
    assert done.returncode == 1, done
    assert "pipe.py is a named pipe (FIFO), not a regular file" in done.stderr, done.stderr


@needs_fifo
def test_policy_check_refuses_a_named_pipe_instead_of_waiting_on_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    os.mkfifo(repo / ".ownit.yaml")
    done = _ownit(repo, env, "policy", "check")
    assert done.returncode == 2, done
    assert ".ownit.yaml is a named pipe (FIFO), not a regular file" in done.stderr, done.stderr
    explained = _ownit(repo, env, "policy", "explain", "--policy", ".ownit.yaml", "base.py")
    assert explained.returncode == 2, explained
    assert "not a regular file" in explained.stderr, explained.stderr


@pytest.mark.parametrize(
    ("agent", "payload"),
    [
        ("claude-code", b"[" * 100_000),
        ("cursor", b'{"a":' * 100_000),
        ("copilot", json.dumps({"toolName": "edit", "toolArgs": "[" * 100_000}).encode()),
    ],
)
def test_a_payload_nested_too_deeply_is_an_invalid_payload(
    tmp_path: Path, env: dict[str, str], agent: str, payload: bytes
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    done = _ownit(repo, env, "checkpoint", "--agent", agent, stdin=payload)
    invalid = _ownit(repo, env, "checkpoint", "--agent", agent, stdin=b"[1]")
    assert done.returncode == invalid.returncode == 1, (done, invalid)
    assert "not a valid hook payload" in done.stderr, done.stderr
    assert "nested too deeply" in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


@pytest.mark.parametrize("failing", [6, 50_000])
def test_checkpoint_prints_a_few_problems_then_how_many_more(
    tmp_path: Path, env: dict[str, str], failing: int
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    edits = [{"old_string": f"gone{i}", "new_string": f"absent{i}"} for i in range(failing)]
    payload = {"tool_name": "MultiEdit", "tool_input": {"file_path": "base.py", "edits": edits}}
    done = _ownit(
        repo, env, "checkpoint", "--agent", "claude-code", stdin=json.dumps(payload).encode()
    )
    assert done.returncode == 1, done
    lines = done.stderr.splitlines()
    assert len(lines) == 6, lines
    assert all("base.py: edit" in line for line in lines[:5]), lines
    more = failing - 5
    assert lines[5] == f"ownit checkpoint: … and {more} more problem{'s' * (more != 1)}", lines


def test_a_tab_in_the_policy_says_to_indent_with_spaces(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / ".ownit.yaml").write_text("version: 1\nrules:\n  - name: x\n\tpaths: [a]\n")
    done = _ownit(repo, env, "policy", "check")
    assert done.returncode == 1, done
    assert done.stdout.startswith(".ownit.yaml:4:1: not valid YAML:"), done.stdout
    assert "indent with spaces, not tabs (the tab is at line 4, column 1)" in done.stdout


def _empty_repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "new.py").write_text("x = 1\n")
    git(root, "add", "new.py")
    return root


def test_verify_all_with_no_commit_yet_has_nothing_to_check_and_passes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = _empty_repo(tmp_path / "repo")
    done = _ownit(repo, env, "verify", "--all")
    assert done.returncode == 0, done
    assert "nothing to check: this repository has no commit yet" in done.stdout, done.stdout
    assert "unknown revision" not in done.stdout + done.stderr
    as_json = json.loads(_ownit(repo, env, "verify", "--all", "--json").stdout)
    assert (as_json["commits"], as_json["ok"], as_json["findings"]) == (0, True, [])
    for kind in ("sarif", "codequality"):
        alerts = _ownit(repo, env, "verify", "--all", "--format", kind)
        assert alerts.returncode == 0, alerts
        json.loads(alerts.stdout)


def test_blame_with_no_commit_yet_says_there_is_no_history(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = _empty_repo(tmp_path / "repo")
    done = _ownit(repo, env, "blame", "new.py")
    assert done.returncode == 2, done
    assert "no commit yet" in done.stderr, done.stderr
    assert "unknown revision" not in done.stderr, done.stderr


def test_ownit_store_in_a_missing_folder_is_an_error_naming_the_variable(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / "ai.py").write_text("a = 1\nb = 2\n")
    missing = tmp_path / "no" / "such" / "folder"
    store_env = {**env, "OWNIT_STORE": str(missing / "state.db")}
    done = _ownit(repo, store_env, "mark", "ai.py", "--lines", "1-2", "--tool", "copilot")
    assert done.returncode == 2, done
    assert f"its folder {missing} does not exist" in done.stderr, done.stderr
    assert "OWNIT_STORE must name a file in an existing folder" in done.stderr, done.stderr
    assert not (tmp_path / "no").exists()

    (tmp_path / "existing").mkdir()
    store = tmp_path / "existing" / "state.db"
    made = {**env, "OWNIT_STORE": str(store)}
    done = _ownit(repo, made, "mark", "ai.py", "--lines", "1-2", "--tool", "copilot")
    assert done.returncode == 0, done
    assert store.is_file()
