"""A `git` that never answers must not freeze the language server: the real server over
stdio, with a real executable `git` first on PATH that sleeps (a stand-in for git stuck
on a hung network file system, a lock or a hook). The server goes on answering, says
which git command did not answer, and shutdown/exit end it, its git children killed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.wire_client import WireClient, git_repo_with

pytestmark = pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for git")


def hanging_git(bin_dir: Path, pids: Path) -> None:
    """A `git` that records its pid and its child's, and waits for the child (`sleep`,
    not `exec`): stopping it must kill the child too, not only the shell."""
    bin_dir.mkdir()
    git = bin_dir / "git"
    git.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nsleep 600 &\necho $! >> "{pids}"\nwait\n')
    git.chmod(0o755)


def server_env(home: Path, bin_dir: Path, **extra: str) -> dict[str, str]:
    home.mkdir()
    env = isolated_env(home)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', os.defpath)}"
    env.update(extra)
    return env


def open_file(wire: WireClient, path: Path) -> None:
    item = {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}
    wire.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})


def alive(pid: int) -> bool:
    """Running (a zombie, killed and waiting for its parent to reap it, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def assert_all_killed(pids: Path) -> None:
    """Every fake git, and its `sleep` child, is killed (soon: a kill is not instant)."""
    deadline = time.monotonic() + 10
    while running := [pid for pid in fake_gits(pids) if alive(pid)]:
        assert time.monotonic() < deadline, f"git processes still running: {running}"
        time.sleep(0.05)


def fake_gits(pids: Path) -> list[int]:
    return [int(line) for line in pids.read_text().split()] if pids.exists() else []


def wait_until_started(pids: Path) -> None:
    deadline = time.monotonic() + 30
    while not fake_gits(pids):
        assert time.monotonic() < deadline, "the server never ran git"
        time.sleep(0.05)


def test_shutdown_is_answered_while_git_hangs(tmp_path: Path) -> None:
    root = git_repo_with(tmp_path / "repo", {"a.py": "print('hi')\n"})
    pids = tmp_path / "pids"
    hanging_git(tmp_path / "bin", pids)
    wire = WireClient(server_env(tmp_path / "home", tmp_path / "bin"))
    try:
        wire.initialize(root.as_uri())  # the workspace folder's discovery starts a git
        open_file(wire, root / "a.py")  # and so does the open
        wait_until_started(pids)
        # Queries about the open document are answered while its repository is looked up
        # (no regions yet: they do not wait for git).
        document = {"textDocument": {"uri": (root / "a.py").as_uri()}}
        assert wire.request("textDocument/codeLens", document, 20).get("result") == []
        at = {**document, "position": {"line": 0, "character": 0}}
        assert "result" in wire.request("textDocument/hover", at, 20)
        response = wire.request("shutdown", None, timeout=20)
        assert response.get("result", "missing") is None, response
        wire.send({"method": "exit"})
        assert wire.process.wait(timeout=20) == 0
        assert_all_killed(pids)
    finally:
        wire.kill()


def test_a_git_that_does_not_answer_is_told_and_stopped(tmp_path: Path) -> None:
    root = git_repo_with(tmp_path / "repo", {"a.py": "print('hi')\n"})
    pids = tmp_path / "pids"
    hanging_git(tmp_path / "bin", pids)
    env = server_env(tmp_path / "home", tmp_path / "bin", OWNIT_GIT_TIMEOUT="1")
    wire = WireClient(env)
    try:
        wire.initialize(None)
        open_file(wire, root / "a.py")

        def told(message: dict[str, object]) -> bool:
            params = message.get("params")
            return (
                message.get("method") == "window/showMessage"
                and isinstance(params, dict)
                and "git rev-parse did not answer" in str(params.get("message"))
            )

        shown = wire.wait_for(told, timeout=30)
        text = str(shown["params"]["message"])  # type: ignore[index]
        assert "OWNIT_GIT_TIMEOUT" in text, text  # what to do about it
        assert "Traceback" not in text
        assert_all_killed(pids)  # the timed-out git, its child too
        # No diagnostics for a file ownit could not place, and the server still answers.
        diagnostics = [
            m
            for m in wire.messages
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["diagnostics"]  # type: ignore[index]
        ]
        assert diagnostics == []
        assert "result" in wire.request("shutdown", None, timeout=20)
        wire.send({"method": "exit"})
        assert wire.process.wait(timeout=20) == 0
    finally:
        wire.kill()


def test_run_under_a_limit_kills_git_and_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`git.run` in-process under the server's limit: the command named, the group killed;
    without a limit (the CLI, the hooks) git is waited for."""
    from ownit.git import run as git

    pids = tmp_path / "pids"
    hanging_git(tmp_path / "bin", pids)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(git.TIMEOUT_ENV, "0.5")
    assert git.timeout() is None  # the CLI's default: wait
    git.set_timeout(git.server_timeout())
    try:
        with pytest.raises(git.GitTimeoutError) as raised:
            git.run(["-c", "core.x=y", "status", "--porcelain"], tmp_path)
    finally:
        git.set_timeout(None)
    message = str(raised.value)
    assert message.startswith("git status did not answer within 0.5 s in "), message
    assert git.TIMEOUT_ENV in message
    assert_all_killed(pids)


@pytest.mark.parametrize("raw", ["", "soon", "-3", "0", "inf", "nan"])
def test_a_bad_timeout_setting_is_the_default(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ownit.git import run as git

    monkeypatch.setenv(git.TIMEOUT_ENV, raw)
    assert git.server_timeout() == git.SERVER_TIMEOUT_SECONDS
