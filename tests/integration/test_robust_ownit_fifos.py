"""Named pipes planted among ownit's own files in `.git/ownit/` (the hooks' plan and the
commits' records, agents' snapshots and queued records, the caches) must never hang a
commit, a checkpoint, a CLI read or the language server: every such file is read through
`regular_file.read_regular`, which refuses a pipe without opening it to wait. The real
hooks, CLI and server; a subprocess timeout turns a hang into a failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.store_harness import VENV_BIN, git, make_repo
from tests.integration.wire_client import WireClient

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")

HANG = 30  # seconds: far beyond any of these runs, only there to end a hang

# Every file of ownit's own a process reads back, relative to `.git/ownit/`.
OWN_FILES = (
    "pending-commit.json",
    "commit-msg-ok",
    "committed/0123456789abcdef0123456789abcdef01234567.json",
    "checkpoints/pending/0001.json",
    "checkpoints/aider/0001.json",
    "claim-index.bin",
    "claim-judgements.bin",
    "policy-cache.json",
    "tip-view.json",
    "claim-signatures.json",
)


def plant_pipes(repo: Path) -> None:
    for name in OWN_FILES:
        path = repo / ".git" / "ownit" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        os.mkfifo(path)


def run(repo: Path, env: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run ``args`` in a process group of its own: a hang kills the whole group (a hook's
    Python too) and fails the test."""
    process = subprocess.Popen(
        args,
        cwd=repo,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, err = process.communicate(stdin, timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"{args} hung on a named pipe") from None
    assert "Traceback" not in err, err
    return err


def test_pipes_among_owned_files_hang_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env)
    ownit = str(VENV_BIN / "ownit")
    (repo / ".ownit.yaml").write_text("version: 1\n")  # so the policy cache is looked at
    (repo / "ai.py").write_text("def f():\n    return 1\n")
    git(repo, "add", "-A")
    run(repo, env, ownit, "mark", "ai.py", "--lines", "1-2", "--tool", "copilot")

    plant_pipes(repo)
    run(repo, env, "git", "commit", "-q", "-m", "Add f")  # the three hooks
    assert git(repo, "log", "-1", "--format=%s").strip() == "Add f"

    plant_pipes(repo)
    payload = {"tool_name": "Write", "tool_input": {"file_path": "w.py", "content": "w = 1\n"}}
    (repo / "w.py").write_text("w = 1\n")
    run(repo, env, ownit, "checkpoint", "--agent", "claude-code", stdin=json.dumps(payload))
    plant_pipes(repo)
    run(repo, env, ownit, "checkpoint", "--agent", "aider", "--after")

    for verb in (["blame", "ai.py"], ["report"], ["status"], ["verify", "--all"]):
        plant_pipes(repo)
        run(repo, env, ownit, *verb)

    plant_pipes(repo)
    wire = WireClient(isolated_env(Path(env["HOME"])))
    try:
        wire.initialize(repo.as_uri())
        path = repo / "ai.py"
        uri, text = path.as_uri(), path.read_text()
        item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        wire.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        wire.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics", HANG)
        wire.send({"method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}})
        assert "result" in wire.request("shutdown", None, timeout=HANG)
        wire.send({"method": "exit"})
        assert wire.process.wait(timeout=HANG) == 0
    finally:
        wire.kill()


@pytest.mark.parametrize("name", ["state.db", "state.db-wal", "state.db.lock"])
def test_a_pipe_in_the_stores_place_is_refused(
    tmp_path: Path, env: dict[str, str], name: str
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    ownit = str(VENV_BIN / "ownit")
    if name != "state.db":
        run(repo, env, ownit, "status")  # the store exists
    pipe = repo / ".git" / "ownit" / name
    pipe.parent.mkdir(parents=True, exist_ok=True)
    pipe.unlink(missing_ok=True)
    os.mkfifo(pipe)
    err = run(repo, env, ownit, "mark", "base.py", "--lines", "1", "--tool", "copilot")
    assert f"{pipe} is a named pipe (FIFO), not a regular file; remove it" in err, err
    assert pipe.exists()  # left for the user to look at
