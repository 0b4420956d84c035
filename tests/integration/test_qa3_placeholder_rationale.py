"""A new user copies the `ownit claim` command ownit prints — under `ownit status`, as
`ownit verify`'s `fix:`, in the commit-msg hook's refusal — and runs it as printed. The
placeholder in it (`<why it is right>`, …) must be refused as a rationale, not committed
as one: on a path with the default 20-character minimum it was accepted. Real git, the
real CLI and hooks."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from tests.integration.store_harness import git, make_repo, ownit

BODY = "".join(f"value_{i} = compute({i})\n" for i in range(6))
BLOCK_POLICY = "version: 1\ndefaults:\n  commit: block\n"


def _printed_claim(output: str) -> list[str]:
    """The first `ownit claim …` command in ``output``, split as a shell would."""
    for line in output.splitlines():
        start = line.find("ownit claim ")
        if start >= 0:
            command = line[start:].split("  #")[0].split(" && ")[0]
            return shlex.split(command)
    raise AssertionError(f"no ownit claim command in:\n{output}")


def _run_as_printed(repo: Path, env: dict[str, str], argv: list[str]) -> None:
    assert argv[0] == "ownit"
    done = ownit(repo, env, *argv[1:])
    assert done.returncode == 2, (argv, done.stdout, done.stderr)
    assert "placeholder" in done.stderr, done.stderr
    assert "ownit:" in done.stderr and "Traceback" not in done.stderr
    status = ownit(repo, env, "status", "--json", check=True).stdout
    assert '"ownership": "owned"' not in status, status


def test_the_claim_command_status_prints_is_refused_as_printed(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    (repo / "calc.py").write_text(BODY)
    ownit(repo, env, "mark", "calc.py", "--lines", "2-4", "--tool", "copilot", check=True)
    printed = ownit(repo, env, "status", check=True).stdout
    _run_as_printed(repo, env, _printed_claim(printed))


def test_the_fix_verify_prints_is_refused_as_printed(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / "calc.py").write_text(BODY)
    git(repo, "add", "calc.py")
    message = "Add calc\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    git(repo, "commit", "-q", "-m", message)
    ownit(repo, env, "hooks", "install", check=True)
    verified = ownit(repo, env, "verify", "HEAD")
    assert verified.returncode == 1, verified.stdout
    _run_as_printed(repo, env, _printed_claim(verified.stdout))


def test_the_command_the_commit_hook_prints_is_refused_as_printed(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    (repo / ".ownit.yaml").write_text(BLOCK_POLICY)
    (repo / "calc.py").write_text(BODY)
    ownit(repo, env, "mark", "calc.py", "--lines", "2-4", "--tool", "copilot", check=True)
    git(repo, "add", "calc.py", ".ownit.yaml")
    refused = subprocess.run(
        ["git", "commit", "-q", "-m", "Add calc"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0, refused.stderr
    _run_as_printed(repo, env, _printed_claim(refused.stderr))


def test_a_real_rationale_in_angle_brackets_inside_is_still_accepted(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    (repo / "calc.py").write_text(BODY)
    ownit(repo, env, "mark", "calc.py", "--lines", "2-4", "--tool", "copilot", check=True)
    why = "Returns List<int> from compute(); each <value> checked in test_calc"
    ownit(repo, env, "claim", "calc.py:2", "-m", why, check=True)
