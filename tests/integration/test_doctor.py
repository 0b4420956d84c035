"""`ownit doctor` on real repositories: all well after `ownit init` (exit 0), and each broken
set-up that can be made is caught with its fix (exit 1): hooks missing, edited or for an
interpreter that is gone, core.hooksPath elsewhere, no identity, a corrupt or newer store,
an invalid policy, CODEOWNERS asked for but missing, agent hooks edited or unable to run
ownit here. Doctor changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ownit.agents.install import hook_command
from ownit.commit.install import install
from ownit.store.schema import APPLICATION_ID, SCHEMA_VERSION
from tests.conftest import git
from tests.support import ownit


def doctor(
    repo: Path, env: dict[str, str], *, text: bool = False
) -> tuple[int, dict[str, dict[str, Any]], str]:
    """(exit code, checks by name, the text report when ``text``)."""
    as_json = ownit(repo, env, "doctor", "--json")
    report = ownit(repo, env, "doctor").stdout if text else ""
    checks: dict[str, dict[str, Any]] = {}
    for check in json.loads(as_json.stdout)["checks"]:
        checks.setdefault(check["name"], check)
    return as_json.returncode, checks, report


@pytest.fixture
def repo(git_repo: Path, env: dict[str, str]) -> Path:
    done = ownit(git_repo, env, "init", "--no-agents")
    assert done.returncode == 0, done.stderr
    return git_repo


def test_all_is_well_after_init(repo: Path, env: dict[str, str]) -> None:
    code, checks, text = doctor(repo, env, text=True)
    assert code == 0, text
    assert checks["hooks"]["status"] == "ok"
    assert checks["identity"]["status"] == "ok"
    assert checks["policy"]["status"] == "ok"
    assert checks["store"]["status"] == "ok"
    assert checks["editor server"]["status"] == "ok"
    assert checks["signing"]["status"] == "skip"
    assert text.rstrip().endswith("all is well")
    for line in text.splitlines()[:-1]:
        assert line.split()[0] in ("ok", "warn", "FAIL", "skip"), line


def assert_caught(repo: Path, env: dict[str, str], name: str, found: str, fix: str) -> None:
    code, checks, text = doctor(repo, env, text=True)
    assert code == 1, text
    assert checks[name]["status"] == "fail", checks[name]
    assert found in checks[name]["detail"], checks[name]
    assert fix in checks[name]["fix"], checks[name]
    line = next(line for line in text.splitlines() if line.startswith("FAIL") and name in line)
    assert f"fix: {checks[name]['fix']}" in line


def test_hooks_missing(repo: Path, env: dict[str, str]) -> None:
    (repo / ".git" / "hooks" / "commit-msg").unlink()
    assert_caught(repo, env, "hooks", "commit-msg not installed", "ownit hooks install")
    assert ownit(repo, env, "hooks", "install").returncode == 0
    assert doctor(repo, env)[0] == 0


def test_hook_edited(repo: Path, env: dict[str, str]) -> None:
    hook = repo / ".git" / "hooks" / "post-commit"
    hook.write_text(hook.read_text().replace("exit 0\n", "exit 0 # mine\n", 1))
    assert_caught(repo, env, "hooks", "post-commit was edited", "ownit hooks install")


def test_hook_written_for_an_interpreter_that_is_gone(repo: Path, env: dict[str, str]) -> None:
    install(repo, python=str(repo / "old-venv" / "bin" / "python"))
    assert_caught(
        repo, env, "hooks", "old-venv/bin/python, which no longer exists", "hooks install"
    )


def test_a_foreign_hook_in_place_of_ownits(repo: Path, env: dict[str, str]) -> None:
    hook = repo / ".git" / "hooks" / "prepare-commit-msg"
    hook.write_text("#!/bin/sh\nexit 0\n")
    assert_caught(repo, env, "hooks", "another program's hook", "runs it first")


def test_a_chained_hook_is_noted(repo: Path, env: dict[str, str]) -> None:
    ownit(repo, env, "hooks", "uninstall")
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    ownit(repo, env, "hooks", "install")
    code, checks, _ = doctor(repo, env)
    assert code == 0
    assert "commit-msg runs commit-msg.ownit-chained first" in checks["hooks"]["detail"]


def test_hooks_path_elsewhere(repo: Path, env: dict[str, str]) -> None:
    git(repo, "config", "core.hooksPath", ".husky")
    assert_caught(repo, env, "hooks path", "core.hooksPath is .husky", "ownit hooks install")
    assert ownit(repo, env, "hooks", "install").returncode == 0
    code, checks, _ = doctor(repo, env)
    assert code == 0 and "ownit's hooks are there" in checks["hooks path"]["detail"]


def test_no_identity(repo: Path, env: dict[str, str]) -> None:
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    assert_caught(repo, env, "identity", "no e-mail address to write", "git config user.name")
    # git (and so a claim) takes the author from the environment too
    with_env = dict(env, GIT_AUTHOR_NAME="Env Dev", GIT_AUTHOR_EMAIL="env@example.com")
    _code, checks, _ = doctor(repo, with_env)
    assert checks["identity"]["status"] == "ok"
    assert checks["identity"]["detail"] == "Env Dev <env@example.com> (from GIT_AUTHOR_EMAIL)"


def test_corrupt_store_is_reported_not_moved(repo: Path, env: dict[str, str]) -> None:
    store = repo / ".git" / "ownit" / "state.db"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"this is not a database" * 50)
    assert_caught(repo, env, "store", "not a SQLite database", "ownit status")
    assert store.read_bytes() == b"this is not a database" * 50, "doctor changes nothing"
    # the fix works: the file goes aside, and doctor then notes the moved-aside file
    ownit(repo, env, "status")
    code, checks, _ = doctor(repo, env)
    assert code == 0
    assert checks["store"]["status"] == "ok"
    assert checks["store moved aside"]["status"] == "warn"


def test_truncated_store(repo: Path, env: dict[str, str]) -> None:
    from ownit.store import Store
    from tests.integration.test_store import TEXT, make_claim, make_region

    store = repo / ".git" / "ownit" / "state.db"
    with Store.open(store) as opened:  # a store of many pages
        for i in range(300):
            region = make_region(path=f"src/file_{i}.py")
            opened.add_region(region, TEXT + f"# file {i}\n" * 20)
            opened.add_claim(make_claim(region, f"rationale number {i} long enough to count"))
    data = store.read_bytes()
    assert len(data) > 8 * 4096
    store.write_bytes(data[: len(data) // 2])
    code, checks, text = doctor(repo, env)
    assert code == 1, text
    assert checks["store"]["status"] == "fail", checks["store"]
    assert store.read_bytes() == data[: len(data) // 2], "doctor changes nothing"


def test_store_from_a_newer_ownit(repo: Path, env: dict[str, str]) -> None:
    store = repo / ".git" / "ownit" / "state.db"
    store.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(store)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()
    assert_caught(repo, env, "store", "written by a newer ownit", "upgrade ownit")


def test_agent_records_waiting_for_the_store(repo: Path, env: dict[str, str]) -> None:
    pending = repo / ".git" / "ownit" / "checkpoints" / "pending"
    pending.mkdir(parents=True)
    (pending / "1-a.json").write_text("{}")
    code, checks, _ = doctor(repo, env)
    assert code == 0
    assert (
        checks["agent queue"]["status"] == "warn"
        and "1 agent record" in checks["agent queue"]["detail"]
    )


def test_invalid_policy(repo: Path, env: dict[str, str]) -> None:
    (repo / ".ownit.yaml").write_text("version: 1\ndefaults:\n  comit: block\n")
    assert_caught(repo, env, "policy", ".ownit.yaml:3:3: ", "ownit policy check")


def test_codeowners_asked_for_but_missing(repo: Path, env: dict[str, str]) -> None:
    (repo / ".ownit.yaml").write_text(
        "version: 1\nrules:\n  - name: core\n    paths: [src/**]\n    codeowner: true\n"
    )
    assert_caught(repo, env, "CODEOWNERS", "rule 'core'", "add .github/CODEOWNERS")
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").write_text("src/ @alice\n")
    code, checks, _ = doctor(repo, env)
    assert code == 0 and checks["CODEOWNERS"]["status"] == "ok"


def test_unreadable_gitattributes(repo: Path, env: dict[str, str]) -> None:
    (repo / ".gitattributes").mkdir()
    assert_caught(repo, env, ".gitattributes", "is a directory", "fix or remove")


def _no_ownit_on_path(env: dict[str, str]) -> dict[str, str]:
    return dict(env, PATH="/usr/bin:/bin")


def test_agent_hook_pointing_to_a_missing_interpreter(repo: Path, env: dict[str, str]) -> None:
    settings = Path(env["HOME"]) / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    gone = "/nonexistent/venv/bin/python"
    hooks = {
        "PostToolUse": [
            {
                "matcher": "Edit",
                "hooks": [{"type": "command", "command": hook_command("claude-code", gone)}],
            }
        ]
    }
    settings.write_text(json.dumps({"hooks": hooks}))
    assert_caught(
        repo,
        _no_ownit_on_path(env),
        "agent claude-code (user)",
        "cannot run ownit on this machine",
        "ownit agent install claude-code --user",
    )
    # with ownit on PATH the same hook runs
    _code, checks, _ = doctor(repo, env)
    assert checks["agent claude-code (user)"]["status"] == "ok"


def test_project_agent_hook_whose_clone_python_is_gone(repo: Path, env: dict[str, str]) -> None:
    assert ownit(repo, env, "agent", "install", "cursor").returncode == 0
    _code, checks, _ = doctor(repo, _no_ownit_on_path(env))
    assert checks["agent cursor"]["status"] == "ok", "git config ownit.python runs it"
    git(repo, "config", "--local", "ownit.python", "/nonexistent/python3")
    assert_caught(
        repo,
        _no_ownit_on_path(env),
        "agent cursor",
        "no usable git config ownit.python",
        "ownit agent install cursor",
    )


def test_agent_hook_edited(repo: Path, env: dict[str, str]) -> None:
    assert ownit(repo, env, "agent", "install", "claude-code").returncode == 0
    settings = repo / ".claude" / "settings.json"
    settings.write_text(settings.read_text().replace("exec ownit checkpoint", "ownit checkpoint"))
    assert_caught(repo, env, "agent claude-code", "edited or is outdated", "ownit agent install")


def test_agent_found_without_its_hook_is_a_warning(repo: Path, env: dict[str, str]) -> None:
    (repo / ".cursor").mkdir()
    code, checks, _ = doctor(repo, env)
    assert code == 0
    assert checks["agent cursor"]["status"] == "warn"
    assert checks["agent cursor"]["fix"] == "ownit agent install cursor"


def test_editor_server_unreachable(repo: Path, env: dict[str, str]) -> None:
    assert_caught(repo, _no_ownit_on_path(env), "editor server", "ownit is not on PATH", "install")


def test_doctor_outside_a_repository(tmp_path: Path, env: dict[str, str]) -> None:
    done = ownit(tmp_path, env, "doctor")
    assert done.returncode == 2 and "not inside a git repository" in done.stderr


def test_a_project_hook_naming_an_interpreter_is_never_run(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """Project settings are committed by anyone: doctor runs no path they name."""
    marker = tmp_path / "ran"
    evil = repo / "tools" / "python"
    evil.parent.mkdir()
    evil.write_text(f"#!/bin/sh\ntouch {marker}\n")
    evil.chmod(0o755)
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    hooks = {
        "PostToolUse": [
            {"hooks": [{"type": "command", "command": hook_command("claude-code", str(evil))}]}
        ]
    }
    settings.write_text(json.dumps({"hooks": hooks}))
    assert_caught(
        repo,
        _no_ownit_on_path(env),
        "agent claude-code",
        "edited or is outdated",
        "ownit agent install claude-code",
    )
    assert not marker.exists()
