"""ownit checkpoint / agent install / import agent-trace: real repos, the real CLI, and the
language server picking up what an agent hook recorded."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ownit.git.repo import find_repository, store_path
from ownit.store import Store
from tests.integration import lsp_helpers as lsp

FIXTURES = Path(__file__).parent.parent / "fixtures" / "agents"
APP = (
    "import os\n\ndef total(items):\n    return sum(items)\n\n\n"
    "def main():\n    print(total([1, 2]))\n"
)
OWNIT = [sys.executable, "-m", "ownit"]


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return lsp.isolated_env(home)


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "src").mkdir()
    (git_repo / "src" / "app.py").write_text(APP)
    subprocess.run(["git", "add", "--", "src/app.py"], cwd=git_repo, check=True)
    return git_repo


def run(cwd: Path, env: dict[str, str], *args: str, payload: bytes | None = None) -> Any:
    result = subprocess.run(
        [*OWNIT, *args], cwd=cwd, env=env, input=payload, capture_output=True, check=False
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result


def payload(name: str, root: Path) -> bytes:
    return (FIXTURES / name).read_text().replace("{root}", str(root)).encode()


def regions(root: Path) -> list[tuple[str, int, int, str, str, str | None]]:
    found = find_repository(root, refresh=True)
    with Store.open(store_path(found)) as store:
        return sorted(
            (
                s.region.path,
                s.region.first_line,
                s.region.end_line,
                s.region.tool,
                s.region.source.value,
                s.region.session,
            )
            for s in store.region_states()
        )


def test_claude_code_edit_records_exact_lines(repo: Path, env: dict[str, str]) -> None:
    app = repo / "src" / "app.py"
    app.write_text(
        APP.replace("    return sum", "    if not items:\n        return 0\n    return sum")
    )
    result = run(
        repo,
        env,
        "checkpoint",
        "--agent",
        "claude-code",
        payload=payload("claude_code_edit.json", repo),
    )
    assert result.returncode == 0, result.stderr
    assert regions(repo) == [("src/app.py", 3, 5, "claude-code", "agent-hook", "abc123-session")]
    # the same payload again adds nothing
    run(
        repo,
        env,
        "checkpoint",
        "--agent",
        "claude-code",
        payload=payload("claude_code_edit.json", repo),
    )
    assert len(regions(repo)) == 1


def test_write_multiedit_cursor_copilot(repo: Path, env: dict[str, str]) -> None:
    (repo / "src" / "new_module.py").write_text(
        '"""Helpers written by the agent."""\n\n\ndef double(x):\n    return 2 * x\n'
    )
    assert (
        run(
            repo,
            env,
            "checkpoint",
            "--agent",
            "claude-code",
            payload=payload("claude_code_write.json", repo),
        ).returncode
        == 0
    )
    app = repo / "src" / "app.py"
    app.write_text(
        APP.replace("import os\n", "import os\nimport sys\n").replace(
            "return sum(items)", "return float(sum(items))"
        )
    )
    assert (
        run(
            repo,
            env,
            "checkpoint",
            "--agent",
            "claude-code",
            payload=payload("claude_code_multiedit.json", repo),
        ).returncode
        == 0
    )
    got = regions(repo)
    assert ("src/new_module.py", 0, 5, "claude-code", "agent-hook", "abc123-session") in got
    assert [r[1:3] for r in got if r[0] == "src/app.py"] == [(1, 2), (4, 5)]


def test_cursor_and_copilot_payloads(repo: Path, env: dict[str, str]) -> None:
    app = repo / "src" / "app.py"
    app.write_text(
        APP.replace("    print(total([1, 2]))\n", "    values = [1, 2]\n    print(total(values))\n")
    )
    assert (
        run(
            repo,
            env,
            "checkpoint",
            "--agent",
            "cursor",
            payload=payload("cursor_after_file_edit.json", repo),
        ).returncode
        == 0
    )
    app.write_text(app.read_text().replace("import os\n", "import os\nimport json\n"))
    assert (
        run(
            repo,
            env,
            "checkpoint",
            "--agent",
            "copilot",
            payload=payload("copilot_post_tool_use.json", repo),
        ).returncode
        == 0
    )
    quiet = run(
        repo,
        env,
        "checkpoint",
        "--agent",
        "copilot",
        payload=payload("copilot_post_tool_use_bash.json", repo),
    )
    assert quiet.returncode == 0 and quiet.stderr == b""
    got = [(r[1], r[2], r[3]) for r in regions(repo)]
    assert got == [(1, 2, "copilot"), (8, 10, "cursor")]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{not json",
        b'{"tool_name": "Edit", "tool_input": {"file_path": "/etc/passwd",'
        b' "old_string": "a", "new_string": "b"}, "hook_event_name": "PostToolUse"}',
        b'{"tool_name": "Edit", "tool_input": {"file_path": "../outside.py",'
        b' "old_string": "a", "new_string": "b"}}',
        b'{"tool_name": "Write", "tool_input": {"file_path": "bin.dat", "content": "x"}}',
    ],
)
def test_bad_input_is_non_blocking(repo: Path, env: dict[str, str], raw: bytes) -> None:
    (repo / "bin.dat").write_bytes(b"\x00\x01x")
    (repo.parent / "outside.py").write_text("b\n")
    result = run(repo, env, "checkpoint", "--agent", "claude-code", payload=raw)
    assert result.returncode == 1  # Claude Code: 1 is non-blocking, 2 would block
    assert len(result.stderr.decode().strip().splitlines()) == 1
    assert regions(repo) == []


def test_ambiguous_edit_records_nothing(repo: Path, env: dict[str, str]) -> None:
    (repo / "src" / "app.py").write_text("x = 1\nx = 1\n")
    raw = json.dumps(
        {
            "hook_event_name": "PostToolUse",
            "tool_name": "Edit",
            "tool_input": {
                "file_path": str(repo / "src" / "app.py"),
                "old_string": "y = 2\n",
                "new_string": "x = 1\n",
            },
        }
    )
    result = run(repo, env, "checkpoint", "--agent", "claude-code", payload=raw.encode())
    assert result.returncode == 1 and b"occurs 2 times" in result.stderr
    assert regions(repo) == []


def test_locked_store_queues_and_next_checkpoint_records(repo: Path, env: dict[str, str]) -> None:
    db = store_path(find_repository(repo, refresh=True))
    db.parent.mkdir(parents=True, exist_ok=True)
    db.mkdir()  # a directory where the database should be: the store cannot open
    app = repo / "src" / "app.py"
    app.write_text(
        APP.replace("    return sum", "    if not items:\n        return 0\n    return sum")
    )
    result = run(
        repo,
        env,
        "checkpoint",
        "--agent",
        "claude-code",
        payload=payload("claude_code_edit.json", repo),
    )
    assert result.returncode == 1 and b"queued" in result.stderr
    db.rmdir()
    app.write_text("# a line added by the developer\n" + app.read_text())
    result = run(
        repo,
        env,
        "checkpoint",
        "--agent",
        "claude-code",
        payload=payload("claude_code_read.json", repo),
    )
    run(repo, env, "checkpoint", "--agent", "x", "--after", "src/app.py")
    assert [r[1:3] for r in regions(repo)] == [(4, 6)]


def test_generic_before_after(repo: Path, env: dict[str, str]) -> None:
    assert (
        run(
            repo, env, "checkpoint", "--agent", "aider", "--before", "src/app.py", "src/new.py"
        ).returncode
        == 0
    )
    app = repo / "src" / "app.py"
    app.write_text(APP.replace("import os\n", "import os\nimport re\n"))
    (repo / "src" / "new.py").write_text("print('hi')\n")
    result = run(repo, env, "checkpoint", "--agent", "aider", "--after", "--model", "gpt-5")
    assert result.returncode == 0, result.stderr
    assert [(r[0], r[1], r[2], r[3]) for r in regions(repo)] == [
        ("src/app.py", 1, 2, "aider"),
        ("src/new.py", 0, 1, "aider"),
    ]
    assert not any((repo / ".git" / "ownit" / "checkpoints" / "aider").iterdir())


def test_agent_install_merges_and_uninstall_restores(repo: Path, env: dict[str, str]) -> None:
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    original = '{\n  "model": "opus",\n  "permissions": {"deny": ["Read(.env)"]}\n}\n'
    settings.write_text(original)
    assert run(repo, env, "agent", "install", "claude-code").returncode == 0
    data = json.loads(settings.read_text())
    assert list(data) == ["model", "permissions", "hooks"]
    assert data["hooks"]["PostToolUse"][0]["matcher"] == "Edit|MultiEdit|Write"
    once = settings.read_text()
    assert b"already" in run(repo, env, "agent", "install", "claude-code").stdout
    assert settings.read_text() == once
    assert run(repo, env, "agent", "uninstall", "claude-code").returncode == 0
    assert settings.read_text() == original
    assert run(repo, env, "agent", "install", "cursor", "--user").returncode == 0
    assert (Path(env["HOME"]) / ".cursor" / "hooks.json").exists()


def test_installed_command_runs_checkpoint(repo: Path, env: dict[str, str]) -> None:
    run(repo, env, "agent", "install", "claude-code")
    command = json.loads((repo / ".claude" / "settings.json").read_text())["hooks"]["PostToolUse"][
        0
    ]["hooks"][0]["command"]
    app = repo / "src" / "app.py"
    app.write_text(
        APP.replace("    return sum", "    if not items:\n        return 0\n    return sum")
    )
    bare = {**env, "PATH": "/usr/bin:/bin"}  # ownit not on PATH: the python fallback runs
    result = subprocess.run(
        ["sh", "-c", command],
        cwd=repo,
        env=bare,
        check=False,
        input=payload("claude_code_edit.json", repo),
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr
    assert [r[1:3] for r in regions(repo)] == [(3, 5)]


def test_import_agent_trace_is_idempotent(repo: Path, env: dict[str, str]) -> None:
    lines = APP.splitlines()
    digest = hashlib.sha256("\n".join(lines[3:5]).encode()).hexdigest()
    (repo / ".agent-trace").mkdir()
    text = (FIXTURES / "agent_trace.jsonl").read_text().replace("{hash}", f"sha256:{digest}")
    (repo / ".agent-trace" / "traces.jsonl").write_text(text)
    (repo / "src" / "app.py").write_text("# moved down\n" + APP)  # the hash finds the lines
    result = run(repo, env, "import", "agent-trace", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["imported"] == 2
    got = [(r[1], r[2], r[3]) for r in regions(repo)]
    assert got == [(4, 6, "cursor"), (6, 8, "claude-code")]
    again = run(repo, env, "import", "agent-trace", "--json")
    assert json.loads(again.stdout)["imported"] == 0 and len(regions(repo)) == 2


async def test_language_server_shows_agent_lines(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = lsp.isolated_env(home)
    app = repo / "src" / "app.py"
    client = await lsp.start(repo, home)
    try:
        uri = lsp.open_file(client, app)
        new = APP.replace("    return sum", "    if not items:\n        return 0\n    return sum")
        app.write_text(new)
        lsp.change(client, uri, 2, [(3, 0, 3, 0, "    if not items:\n        return 0\n")])
        result = run(
            repo,
            env,
            "checkpoint",
            "--agent",
            "claude-code",
            payload=payload("claude_code_edit.json", repo),
        )
        assert result.returncode == 0, result.stderr
        diagnostics = await lsp.wait_for_diagnostics(client, uri, lambda d: lsp.lines_of(d) != [])
        assert lsp.lines_of(diagnostics) == [(3, 4)]  # 0-based lines 3 and 4, inclusive
    finally:
        await lsp.stop(client)
