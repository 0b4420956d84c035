"""`ownit verify --all` in a shallow clone (what `git clone --depth 1` and CI checkouts
give): "every commit of HEAD" is not what the clone holds. The AI-assisted commit before
the cut is not checked, so saying only "no problems found" would pass a gate that the
full history fails; verify must say the history is cut and how to complete it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.integration.store_harness import git, make_repo, ownit


def test_verify_all_in_a_shallow_clone_says_the_history_is_cut(
    tmp_path: Path, env: dict[str, str]
) -> None:
    origin = make_repo(tmp_path / "origin", env, hooks=False)
    (origin / "ai.py").write_text("def f():\n    return 1\n")
    git(origin, "add", "ai.py")
    trailer = "Co-authored-by: Claude <noreply@anthropic.com>"
    git(origin, "commit", "-q", "-m", "AI-written, never claimed", "-m", trailer)
    for n in (1, 2):
        (origin / f"human{n}.py").write_text(f"x = {n}\n")
        git(origin, "add", f"human{n}.py")
        git(origin, "commit", "-q", "-m", f"Human change {n}")
    full = ownit(origin, env, "verify", "--all")
    assert full.returncode == 1, full.stdout  # the whole history has a problem

    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", origin.as_uri(), str(clone)],
        env=env,
        check=True,
        capture_output=True,
    )
    shallow = ownit(clone, env, "verify", "--all")
    assert "Traceback" not in shallow.stderr, shallow.stderr
    assert shallow.returncode == 0, (shallow.stdout, shallow.stderr)
    assert "shallow" in shallow.stderr, (shallow.stdout, shallow.stderr)
    assert "git fetch --unshallow" in shallow.stderr, shallow.stderr

    # A complete clone says nothing of the kind.
    assert "shallow" not in full.stderr, full.stderr
