"""A file with stored regions that became a symlink to a file outside the repository:
`ownit status` says so (one line naming the path and why it is not checked), its regions
kept, instead of dropping them from the list without a word."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.store_harness import make_repo, ownit


def test_a_region_whose_file_now_leads_out_of_the_repository_is_said(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / "ai.py").write_text("def f():\n    return 1\n")
    ownit(repo, env, "mark", "ai.py", "--lines", "1-2", "--tool", "copilot", check=True)
    outside = tmp_path / "elsewhere.py"
    outside.write_text((repo / "ai.py").read_text())
    (repo / "ai.py").unlink()
    (repo / "ai.py").symlink_to(outside)

    done = ownit(repo, env, "status", check=True)
    said = [line for line in done.stderr.splitlines() if "ai.py" in line]
    assert said == [
        f"ownit: ai.py: not checked: a symlink to {outside.resolve()}, outside the"
        " repository; its regions are kept"
    ], done.stderr
    as_json = json.loads(ownit(repo, env, "status", "--json", check=True).stdout)
    assert as_json["missingFiles"] == [
        f"ai.py (not checked: a symlink to {outside.resolve()}, outside the repository)"
    ]
    # The regions are still there: back in place, the file is listed again.
    (repo / "ai.py").unlink()
    (repo / "ai.py").write_text(outside.read_text())
    again = ownit(repo, env, "status", check=True)
    assert again.stdout.startswith("ai.py:1-2  unowned  copilot"), again.stdout
