"""The `ownit claim PATH:LINE` command the commit hook prints names the line where the
region is in the working tree. When the file changed outside the editor since the store
last saw it (a line added above the region, then the commit), the hook printed the
store's old line: run as printed, `ownit claim` found no region there. Real git, hooks,
store and CLI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.integration.store_harness import git, make_repo, ownit

WHY = "Three statements reviewed line by line and unit tested"


def test_the_printed_claim_command_finds_the_region_after_an_edit_above_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    lines = [f"line_{i} = {i}\n" for i in range(1, 21)]
    lines[10:10] = ["ai_one = 1\n", "ai_two = 2\n", "ai_three = 3\n"]
    (repo / "f.py").write_text("".join(lines))
    ownit(repo, env, "mark", "f.py", "--lines", "11-13", "--tool", "cursor", check=True)
    ownit(repo, env, "claim", "f.py:11", "-m", WHY, check=True)
    git(repo, "add", "f.py")
    git(repo, "commit", "-q", "-m", "AI part")
    # outside any editor: a line above the region, one line of it changed; then amend
    lines.insert(0, "# top\n")
    lines[12] = "ai_two = 22\n"
    (repo / "f.py").write_text("".join(lines))
    done = subprocess.run(
        ["git", "commit", "-q", "-a", "--amend", "--no-edit"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = re.search(r"ownit claim (f\.py:\d+) -m", done.stderr)
    assert printed is not None, done.stderr
    assert printed.group(1) == "f.py:12", done.stderr
    ownit(repo, env, "claim", printed.group(1), "-m", WHY + " again", check=True)
