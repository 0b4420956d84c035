"""`ownit agent install` at project level writes settings a team can commit: no path of
the installing machine, a command that runs on a teammate's clone once they ran the same
install there. User-level settings may name the installing interpreter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ownit.agents.install import PYTHON_CONFIG, hook_command
from ownit.git.repo import find_repository, store_path
from ownit.store import Store
from tests.conftest import git
from tests.integration import lsp_helpers as lsp
from tests.support import ownit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "agents"
APP = "import os\n\ndef total(items):\n    return sum(items)\n"
EDITED = APP.replace("    return sum", "    if not items:\n        return 0\n    return sum")
SETTINGS = {
    "claude-code": ".claude/settings.json",
    "cursor": ".cursor/hooks.json",
    "copilot": ".github/hooks/ownit.json",
}


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return lsp.isolated_env(home)


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "src").mkdir()
    (git_repo / "src" / "app.py").write_text(APP)
    git(git_repo, "add", "--", "src/app.py")
    git(git_repo, "commit", "-q", "-m", "app")
    return git_repo


def claude_command(root: Path) -> str:
    data = json.loads((root / SETTINGS["claude-code"]).read_text())
    command = data["hooks"]["PostToolUse"][0]["hooks"][0]["command"]
    assert isinstance(command, str)
    return command


def bare_path(tmp_path: Path, *, python3: bool = False) -> str:
    """A PATH holding git only (no ownit, no python3), or also a python3 that has ownit."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    git_exe = shutil.which("git")
    assert git_exe is not None
    if not (bin_dir / "git").exists():
        (bin_dir / "git").symlink_to(git_exe)
    if python3:
        wrapper = bin_dir / "python3"
        wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
        wrapper.chmod(0o755)
    return str(bin_dir)


def run_hook(root: Path, env: dict[str, str], command: str) -> subprocess.CompletedProcess[bytes]:
    payload = (FIXTURES / "claude_code_edit.json").read_text().replace("{root}", str(root))
    return subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=root,
        env=env,
        input=payload.encode(),
        capture_output=True,
        check=False,
    )


def agent_regions(root: Path) -> list[tuple[str, int, int]]:
    found = find_repository(root, refresh=True)
    assert found is not None
    with Store.open(store_path(found)) as store:
        return sorted(
            (s.region.path, s.region.first_line, s.region.end_line) for s in store.region_states()
        )


def machine_paths() -> list[str]:
    """Paths of this machine that a committed settings file must not hold."""
    return [sys.executable, str(Path(sys.executable).parent), sys.prefix, str(Path.home())]


@pytest.mark.parametrize("agent", list(SETTINGS))
def test_project_settings_name_no_path_of_this_machine(
    repo: Path, env: dict[str, str], agent: str
) -> None:
    result = ownit(repo, env, "agent", "install", agent)
    assert result.returncode == 0, result.stderr
    text = (repo / SETTINGS[agent]).read_text()
    for path in [*machine_paths(), str(repo), env["HOME"]]:
        assert path not in text, (path, text)
    assert json.dumps(hook_command(agent, None)) in text
    assert "commit it" in result.stdout
    recorded = git(repo, "config", "--local", "--get", PYTHON_CONFIG).strip()
    assert recorded == sys.executable


def test_user_settings_may_name_the_installing_interpreter(repo: Path, env: dict[str, str]) -> None:
    result = ownit(repo, env, "agent", "install", "claude-code", "--user")
    assert result.returncode == 0, result.stderr
    settings = Path(env["HOME"]) / SETTINGS["claude-code"]
    command = json.loads(settings.read_text())["hooks"]["PostToolUse"][0]["hooks"][0]["command"]
    assert command == hook_command("claude-code", sys.executable)
    # the user's own settings need no per-clone record
    probe = subprocess.run(
        ["git", "config", "--local", "--get", PYTHON_CONFIG], cwd=repo, capture_output=True
    )
    assert probe.returncode == 1


def test_a_teammates_clone_runs_the_committed_hook(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    assert ownit(repo, env, "agent", "install", "claude-code").returncode == 0
    git(repo, "add", "--", ".claude/settings.json")
    git(repo, "commit", "-q", "-m", "ownit's agent hook")
    teammate = tmp_path / "teammate"
    git(tmp_path, "clone", "-q", str(repo), str(teammate))
    (teammate / "src" / "app.py").write_text(EDITED)
    command = claude_command(teammate)
    bare = {**env, "PATH": bare_path(tmp_path)}

    # Nothing installed for this clone yet: a clear message, no traceback, no record.
    result = run_hook(teammate, bare, command)
    assert result.returncode == 1
    message = result.stderr.decode()
    assert message.startswith("ownit: not found (not on PATH, no git config ownit.python")
    assert "run ownit agent install claude-code in this clone" in message
    assert agent_regions(teammate) == []

    # The teammate runs the same install: the committed file stays as it is, and the hook
    # now finds the Python recorded for this clone.
    again = ownit(teammate, env, "agent", "install", "claude-code")
    assert "already" in again.stdout
    assert git(teammate, "status", "--porcelain", "--", ".claude").strip() == ""
    result = run_hook(teammate, bare, command)
    assert result.returncode == 0, result.stderr
    assert agent_regions(teammate) == [("src/app.py", 3, 5)]


def test_hook_finds_ownit_on_path_or_a_python3_that_has_it(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    (repo / "src" / "app.py").write_text(EDITED)
    command = hook_command("claude-code", None)
    with_python3 = {**env, "PATH": bare_path(tmp_path, python3=True)}
    result = run_hook(repo, with_python3, command)
    assert result.returncode == 0, result.stderr
    assert agent_regions(repo) == [("src/app.py", 3, 5)]

    on_path = tmp_path / "on-path"
    on_path.mkdir()
    script = on_path / "ownit"
    script.write_text(
        f'#!/bin/sh\necho ran >> "{tmp_path}/ran"\nexec {sys.executable} -m ownit "$@"\n'
    )
    script.chmod(0o755)
    env_on_path = {**env, "PATH": f"{on_path}{os.pathsep}{bare_path(tmp_path)}"}
    result = run_hook(repo, env_on_path, command)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ran").read_text() == "ran\n"


def test_reinstall_replaces_an_old_machine_specific_command(
    repo: Path, env: dict[str, str]
) -> None:
    settings = repo / SETTINGS["claude-code"]
    settings.parent.mkdir()
    old: dict[str, Any] = {"hooks": {"PostToolUse": []}}
    old["hooks"]["PostToolUse"].append(
        {
            "matcher": "Edit|MultiEdit|Write",
            "hooks": [{"type": "command", "command": hook_command("claude-code", sys.executable)}],
        }
    )
    settings.write_text(json.dumps(old, indent=2) + "\n")
    result = ownit(repo, env, "agent", "install", "claude-code")
    assert result.stdout.startswith("updated ownit's claude-code hook"), result.stdout
    assert claude_command(repo) == hook_command("claude-code", None)
    assert sys.executable not in settings.read_text()


def test_uninstall_forgets_the_clones_python_with_the_last_project_hook(
    repo: Path, env: dict[str, str]
) -> None:
    def recorded() -> bool:
        probe = subprocess.run(
            ["git", "config", "--local", "--get", PYTHON_CONFIG], cwd=repo, capture_output=True
        )
        return probe.returncode == 0

    assert ownit(repo, env, "agent", "install", "claude-code").returncode == 0
    assert ownit(repo, env, "agent", "install", "cursor").returncode == 0
    assert ownit(repo, env, "agent", "uninstall", "claude-code").returncode == 0
    assert recorded(), "cursor's hook still needs it"
    assert ownit(repo, env, "agent", "uninstall", "cursor").returncode == 0
    assert not recorded()
