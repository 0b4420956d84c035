"""Code committed unowned (`AI-Unowned`), one line of it edited later and the region owned
again in that commit: `ownit blame` and `ownit report`'s view of the tip showed the lines
the edit left alone as UNOWNED (the later `AI-Owned` claim, found over them in the
current text, has another fingerprint than the `AI-Unowned` one, so only an owner of that
fingerprint was looked for), although verify passed. And one claim is one owned region
at the tip, whichever commits brought its lines (they were cut wherever the introducing
commit changed: one claim showed as three regions). Real git, hooks, store and CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.store_harness import git, make_repo, ownit

WHY = "Each helper checked against the spec table; test_calc covers all six"


def test_one_claim_over_lines_of_two_commits_is_one_region_at_the_tip(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    lines = [f"value_{i} = helper({i})\n" for i in range(10)]
    (repo / "calc.py").write_text("".join(lines))
    ownit(repo, env, "mark", "calc.py", "--lines", "3-8", "--tool", "copilot", check=True)
    git(repo, "add", "calc.py")
    git(repo, "commit", "-q", "-m", "Add calc")  # committed unowned (AI-Unowned)
    lines[4] = "value_4 = helper(4) + 1\n"  # one line of the region edited since
    (repo / "calc.py").write_text("".join(lines))
    ownit(repo, env, "claim", "calc.py:3", "-m", WHY, check=True)
    git(repo, "commit", "-q", "-am", "Fix value_4 and own the helpers")
    assert "AI-Owned: calc.py:3-8" in git(repo, "log", "-1", "--format=%B")

    tip = json.loads(ownit(repo, env, "report", "--json", check=True).stdout)["atTip"]
    owned = [r for r in tip["regions"] if r["status"] == "owned"]
    assert [(r["first"], r["last"]) for r in owned] == [(3, 8)], tip["regions"]
    assert [(o["owner"], o["regions"], o["owned"]) for o in tip["owners"]] == [
        ("dev@example.com", 1, 6)
    ], tip["owners"]
    assert [(p["regions"], p["owned"]) for p in tip["paths"]] == [(1, 6)], tip["paths"]
    blame = ownit(repo, env, "blame", "calc.py", "--json", check=True).stdout
    rows = [json.loads(line) for line in blame.splitlines()]
    assert [r["line"] for r in rows if r["owned"]] == [3, 4, 5, 6, 7, 8], blame
    text = ownit(repo, env, "report", check=True).stdout
    assert "dev@example.com        1      6" in text, text
