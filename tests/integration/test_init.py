"""`ownit init` on real repositories: a policy from a preset, the git hooks, the agents asked
for, what to commit; a second run changes nothing; an existing policy is never overwritten
(unless --force, which keeps a backup); exit 2 outside a repository or for bad arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ownit.commit.install import hook_script
from ownit.core.policy import load_policy
from ownit.core.presets import PRESETS
from tests.conftest import git
from tests.support import OWNIT_MODULE, ownit


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file of the working tree and the hooks folder, with its content."""
    files = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if path.is_file() and (not rel.startswith(".git/") or rel.startswith(".git/hooks/")):
            files[rel] = path.read_bytes()
    return files


def test_init_sets_up_a_fresh_repository(git_repo: Path, env: dict[str, str]) -> None:
    (git_repo / ".claude").mkdir()
    (git_repo / ".cursor").mkdir()
    done = ownit(git_repo, env, "init", "--agents", "claude-code")
    assert done.returncode == 0, done.stderr
    policy = (git_repo / ".ownit.yaml").read_text()
    assert "Preset `default`" in policy
    load_policy(policy, ".ownit.yaml")
    for name in ("prepare-commit-msg", "commit-msg", "post-commit"):
        assert (git_repo / ".git" / "hooks" / name).read_text() == hook_script(name, sys.executable)
    settings = json.loads((git_repo / ".claude" / "settings.json").read_text())
    assert "ownit checkpoint --agent claude-code" in json.dumps(settings)
    assert not (git_repo / ".cursor" / "hooks.json").exists(), "found, not asked: only offered"
    assert "cursor" in done.stdout and "ownit init --agents cursor" in done.stdout
    assert "to commit: git add .ownit.yaml .claude/settings.json" in done.stdout
    assert git(git_repo, "config", "--local", "ownit.python").strip() == sys.executable


def test_init_twice_changes_nothing_and_says_so(git_repo: Path, env: dict[str, str]) -> None:
    (git_repo / ".claude").mkdir()
    assert ownit(git_repo, env, "init", "--agents", "claude-code").returncode == 0
    before = snapshot(git_repo)
    again = ownit(git_repo, env, "init", "--agents", "claude-code", "--json")
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert result["changed"] is False
    assert {step["action"] for step in [result["policy"], *result["hooks"], *result["agents"]]} == {
        "unchanged"
    }
    assert snapshot(git_repo) == before
    text = ownit(git_repo, env, "init")
    assert "nothing changed" in text.stdout
    assert snapshot(git_repo) == before
    # once committed, nothing is left to commit
    git(git_repo, "add", ".ownit.yaml", ".claude/settings.json")
    git(git_repo, "commit", "-q", "-m", "ownit")
    assert "to commit" not in ownit(git_repo, env, "init").stdout


def test_an_existing_policy_is_kept_unless_forced(git_repo: Path, env: dict[str, str]) -> None:
    mine = "version: 1\ndefaults:\n  commit: block\n"
    (git_repo / ".ownit.yaml").write_text(mine)
    kept = ownit(git_repo, env, "init", "--preset", "strict", "--json")
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout)["policy"]["action"] == "kept"
    assert (git_repo / ".ownit.yaml").read_text() == mine
    forced = ownit(git_repo, env, "init", "--preset", "strict", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Preset `strict`" in (git_repo / ".ownit.yaml").read_text()
    assert (git_repo / ".ownit.yaml.bak").read_text() == mine
    # forcing again keeps the strict policy as it is: no second backup of the same text
    again = ownit(git_repo, env, "init", "--preset", "strict", "--force", "--json")
    assert json.loads(again.stdout)["policy"]["action"] == "unchanged"
    assert not (git_repo / ".ownit.yaml.1.bak").exists()
    # another preset, forced: the strict one is kept as the next backup
    ownit(git_repo, env, "init", "--preset", "kernel", "--force")
    assert "Preset `strict`" in (git_repo / ".ownit.yaml.1.bak").read_text()


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_is_written_and_checks_clean(
    git_repo: Path, env: dict[str, str], preset: str
) -> None:
    done = ownit(git_repo, env, "init", "--preset", preset, "--no-agents")
    assert done.returncode == 0, done.stderr
    checked = ownit(git_repo, env, "policy", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_foreign_hook_is_chained(git_repo: Path, env: dict[str, str]) -> None:
    hook = git_repo / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    done = ownit(git_repo, env, "init", "--no-agents", "--json")
    assert done.returncode == 0, done.stderr
    actions = {step["name"]: step["action"] for step in json.loads(done.stdout)["hooks"]}
    assert actions["commit-msg"] == "chained"
    assert (git_repo / ".git" / "hooks" / "commit-msg.ownit-chained").read_text() == (
        "#!/bin/sh\nexit 0\n"
    )


def test_a_gated_commit_after_init_alone(git_repo: Path, env: dict[str, str]) -> None:
    """From `ownit init` to a commit the policy blocks: unowned AI code in src/auth.py."""
    assert ownit(git_repo, env, "init", "--no-agents").returncode == 0
    (git_repo / "src").mkdir()
    (git_repo / "src" / "auth.py").write_text("def ok(token):\n    return token == 'x'\n")
    marked = ownit(git_repo, env, "mark", "src/auth.py", "--lines", "1-2", "--tool", "copilot")
    assert marked.returncode == 0, marked.stderr
    git(git_repo, "add", "src/auth.py", ".ownit.yaml")
    blocked = subprocess.run(
        ["git", "commit", "-m", "auth"], cwd=git_repo, env=env, capture_output=True, text=True
    )
    assert blocked.returncode != 0, "the sensitive rule blocks unowned AI code"
    assert "src/auth.py" in blocked.stderr


def test_init_refuses_outside_a_repository_and_bad_arguments(
    tmp_path: Path, git_repo: Path, env: dict[str, str]
) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    done = ownit(outside, env, "init")
    assert done.returncode == 2 and "not inside a git repository" in done.stderr
    assert not (outside / ".ownit.yaml").exists()
    bad = ownit(git_repo, env, "init", "--agents", "emacs")
    assert bad.returncode == 2 and "--agents" in bad.stderr
    assert ownit(git_repo, env, "init", "--preset", "nope").returncode == 2
    assert not (git_repo / ".ownit.yaml").exists()


def test_broken_agent_settings_are_reported_and_the_rest_is_done(
    git_repo: Path, env: dict[str, str]
) -> None:
    (git_repo / ".cursor").mkdir()
    (git_repo / ".cursor" / "hooks.json").write_text("{ not json")
    done = ownit(git_repo, env, "init", "--agents", "cursor,claude-code")
    assert done.returncode == 2
    assert "hooks.json" in done.stderr and "not valid JSON" in done.stderr
    assert (git_repo / ".cursor" / "hooks.json").read_text() == "{ not json"
    assert (git_repo / ".ownit.yaml").is_file()
    assert (git_repo / ".claude" / "settings.json").is_file()


def test_on_a_terminal_init_asks_about_each_agent_found(
    git_repo: Path, env: dict[str, str]
) -> None:
    import os
    import threading

    (git_repo / ".claude").mkdir()
    (git_repo / ".cursor").mkdir()
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [*OWNIT_MODULE, "init"], cwd=git_repo, env=env, stdin=slave, stdout=slave
    )
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
            if b"[y/N]" in chunk:
                # yes to the first question (claude-code), no to the second (cursor)
                os.write(master, b"y\n" if seen.count(b"[y/N]") == 1 else b"n\n")

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(timeout=30)
        os.close(master)
    terminal = seen.decode("utf-8", "replace")
    assert "add ownit's claude-code hook to .claude/settings.json? [y/N]" in terminal
    assert "add ownit's cursor hook to .cursor/hooks.json? [y/N]" in terminal
    assert (git_repo / ".claude" / "settings.json").is_file()
    assert not (git_repo / ".cursor" / "hooks.json").exists()


def test_a_hook_that_cannot_be_chained_stops_init_before_anything_is_written(
    git_repo: Path, env: dict[str, str]
) -> None:
    hooks = git_repo / ".git" / "hooks"
    (hooks / "commit-msg").write_text("#!/bin/sh\nexit 0\n")
    (hooks / "commit-msg.ownit-chained").write_text("#!/bin/sh\nexit 0\n")
    done = ownit(git_repo, env, "init", "--no-agents")
    assert done.returncode == 2
    assert "the git hooks were not installed" in done.stderr
    assert "ownit hooks install --force" in done.stderr
    assert not (git_repo / ".ownit.yaml").exists()
    assert not (hooks / "prepare-commit-msg").exists()
