"""File names as users have them: one starting with `-`, one holding a newline. Every
`ownit claim` command ownit prints (status, the commit hook, verify's `fix:`) must run as
printed, and no path may start a line of ownit's output (docs/cli.md: control characters
and line separators of a path are shown as escapes)."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from tests.integration.store_harness import VENV_BIN, make_repo

OWNIT = str(VENV_BIN / "ownit")
RATIONALE = "Checked both assignments against the spec; covered by test_values"


def _run(
    repo: Path, env: dict[str, str], *args: str, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def _claim_commands(text: str) -> list[list[str]]:
    """The `ownit claim …` commands in ``text``, split as a shell splits them."""
    found = []
    for line in text.splitlines():
        at = line.find("ownit claim ")
        if at >= 0:
            command = line[at:].split("  #")[0]
            found.append(shlex.split(command))
    return found


def _runnable(words: list[str]) -> list[str]:
    """The printed command with a real rationale in place of the placeholder."""
    words = [RATIONALE if w.startswith(("<", "why this code")) else w for w in words]
    assert words[:2] == ["ownit", "claim"], words
    return [OWNIT, *words[1:]]


def test_a_path_starting_with_a_dash_gets_claim_commands_that_run(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    (repo / "-dash.py").write_text("x1 = 1\nx2 = 2\n")
    (repo / "-other.py").write_text("y1 = 1\ny2 = 2\n")
    _run(repo, env, OWNIT, "mark", "./-dash.py", "--lines", "1-2", "--tool", "copilot")
    _run(repo, env, OWNIT, "mark", "./-other.py", "--lines", "1-2", "--tool", "copilot")

    status = _run(repo, env, OWNIT, "status")
    commands = _claim_commands(status.stdout)
    assert len(commands) == 2, status.stdout
    _run(repo, env, *_runnable(commands[0]))  # -dash.py, as `ownit status` says

    _run(repo, env, "git", "add", "--", "-dash.py", "-other.py")
    commit = _run(repo, env, "git", "commit", "-q", "-m", "Add the values")
    hook_commands = _claim_commands(commit.stderr)
    assert hook_commands, commit.stderr
    assert all(not w.startswith("-") for c in hook_commands for w in c[2:3]), hook_commands

    verify = _run(repo, env, OWNIT, "verify", "--all", ok=False)
    assert verify.returncode == 1, verify.stdout
    fixes = _claim_commands(verify.stdout)
    assert fixes, verify.stdout
    _run(repo, env, *_runnable(fixes[0]))  # `--commit`: an empty commit with the claim
    assert _run(repo, env, OWNIT, "verify", "--all").returncode == 0


def test_a_path_holding_a_newline_never_starts_a_line_of_output(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    name = "new\nline.py"
    (repo / name).write_text("x1 = 1\nx2 = 2\n")
    marked = _run(repo, env, OWNIT, "mark", name, "--lines", "1-2", "--tool", "copilot")
    assert marked.stdout.count("\n") == 1, marked.stdout
    assert "new\\nline.py:1-2" in marked.stdout, marked.stdout
    again = _run(repo, env, OWNIT, "mark", name, "--lines", "1", "--tool", "copilot")
    assert again.stdout.count("\n") == 1 and "new\\nline.py" in again.stdout, again.stdout
