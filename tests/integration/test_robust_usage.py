"""A verb with an action missing is a usage error like any other: the usage and what to
do on stderr, nothing on stdout, exit 2 (docs/cli.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.store_harness import make_repo, ownit


@pytest.mark.parametrize("verb", ["hooks", "policy", "agent", "export", "import", "ci"])
def test_a_missing_action_is_a_usage_error_on_stderr(
    tmp_path: Path, env: dict[str, str], verb: str
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    done = ownit(repo, env, verb)
    assert done.returncode == 2, done
    assert done.stdout == "", done.stdout
    assert done.stderr.strip(), done
    assert "Traceback" not in done.stderr


def test_hooks_without_an_action_says_which_to_run(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    done = ownit(repo, env, "hooks")
    assert done.stderr.startswith("usage: ownit hooks"), done.stderr
    assert "`ownit hooks install` or `ownit hooks uninstall`" in done.stderr, done.stderr
