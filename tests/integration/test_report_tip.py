"""`ownit report`'s at-the-tip view on real repositories: the AI-written lines present at
the tip through blame, owned / unowned / invalid; a forged claim is never owned; a later
claim owns old lines; excluded paths are not counted; the view is cached by tip and
policy; SARIF 2.1.0 of the unowned lines validates against the OASIS schema; on a
generated history the view finds exactly the AI-written lines the generator wrote."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ownit.core.fingerprint import fingerprint
from ownit.core.sarif import CONTENT_KEY
from ownit.core.tip_alerts import INVALID_RULE, UNOWNED_RULE
from tests.history_gen import generate
from tests.integration.ci_helpers import validate_sarif
from tests.support import OWNIT, commit, git, new_repo, run

DEV = "dev@example.com"
RATIONALE = "Checked each branch by hand; inputs are validated upstream"
CO_AUTHOR = "Co-authored-by: Claude <noreply@anthropic.com>"
A_CODE = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]
B_CODE = ["def g(y):", "    return y + 1", "# end"]
U_CODE = ["import sys", "", "def main():", "    sys.exit(0)", "main()"]


def at_tip(repo: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = run(repo, env, OWNIT, "report", "--json", *args)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)["atTip"]
    return data


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """An AI-assisted commit with no claim (a.py), a valid AI-Owned claim (b.py), a forged
    claim made without ownit's hooks in someone else's name (u.py:3-4), an excluded
    file written by an AI tool, and human code."""
    path = tmp_path / "repo"
    new_repo(path, env)
    commit(path, env, "Initial\n", {"human.py": ["one", "two", "three"]})
    commit(path, env, f"Add f\n\n{CO_AUTHOR}\n", {"a.py": A_CODE, "extra/lib.js": ["x()"]})
    fb = fingerprint(B_CODE)
    commit(
        path,
        env,
        f"Add g\n\nAssisted-by: copilot\nAI-Owned: b.py:1-3 {fb} copilot {DEV} -- {RATIONALE}\n",
        {"b.py": B_CODE},
    )
    commit(
        path,
        env,
        "Add u\n\nAI-Owned: u.py:3-4 deadbeef0000 copilot eve@example.com -- Reviewed it all\n",
        {"u.py": U_CODE},
    )
    commit(
        path, env, "Exclude extra\n", {".ownit.yaml": ["version: 1", "exclude:", "  - extra/**"]}
    )
    return path


def test_at_the_tip_counts_owned_unowned_and_invalid(repo: Path, env: dict[str, str]) -> None:
    view = at_tip(repo, env)
    assert view["tip"] == git(repo, env, "rev-parse", "HEAD").strip()
    assert view["lines"] == {
        "owned": 3,
        "unowned": 4,
        "invalid": 2,
        "total": 9,
        "ownedShare": round(3 / 9, 4),
    }
    regions = {(r["path"], r["first"], r["last"]): r for r in view["regions"]}
    assert set(regions) == {("a.py", 1, 4), ("b.py", 1, 3), ("u.py", 3, 4)}
    assert regions[("a.py", 1, 4)]["status"] == "unowned"
    assert regions[("a.py", 1, 4)]["how"] == "ai-commit"
    assert regions[("a.py", 1, 4)]["fingerprint"] == fingerprint(A_CODE)
    owned = regions[("b.py", 1, 3)]
    assert owned["status"] == "owned" and owned["owner"] == DEV and owned["tool"] == "copilot"
    forged = regions[("u.py", 3, 4)]
    assert forged["status"] == "invalid" and forged["owner"] == "eve@example.com"
    assert forged["code"] == "claim-mismatch" and "does not match" in forged["reason"]
    owners = {row["owner"]: row for row in view["owners"]}
    assert owners[DEV]["owned"] == 3 and owners["eve@example.com"]["owned"] == 0
    assert owners["eve@example.com"]["invalid"] == 2
    assert {row["path"] for row in view["paths"]} == {"a.py", "b.py", "u.py"}  # extra excluded
    assert view["trackedFiles"] == 5  # .ownit.yaml, a.py, b.py, human.py, u.py


def test_a_later_claim_owns_old_ai_lines(repo: Path, env: dict[str, str]) -> None:
    fa = fingerprint(A_CODE)
    commit(repo, env, f"Own f\n\nAI-Owned: a.py:1-4 {fa} claude-code {DEV} -- {RATIONALE}\n", {})
    view = at_tip(repo, env)
    assert view["lines"]["owned"] == 7 and view["lines"]["unowned"] == 0
    assert view["lines"]["invalid"] == 2
    [a] = [r for r in view["regions"] if r["path"] == "a.py"]
    assert a["status"] == "owned" and a["how"] == "later-claim"


def test_text_and_markdown_show_the_tip(repo: Path, env: dict[str, str]) -> None:
    text = run(repo, env, OWNIT, "report")
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert "At the tip (" in out
    assert "owned 3 (33%), unowned 4, invalid 2" in out
    assert "Invalid claims at the tip (1 region):" in out
    assert "u.py:3-4  copilot  claimed by eve@example.com" in out
    assert "Unowned at the tip (1 region):" in out
    assert text.stderr == "", "no progress line when stderr is not a terminal"
    md = run(repo, env, OWNIT, "report", "--markdown")
    assert "### At the tip (`" in md.stdout
    assert "| invalid (a claim that does not hold) | 2 |" in md.stdout
    assert "#### Invalid claims at the tip" in md.stdout
    none = run(repo, env, OWNIT, "report", "--json", "--no-tip")
    assert json.loads(none.stdout)["atTip"] is None


def test_the_view_is_cached_by_tip(repo: Path, env: dict[str, str]) -> None:
    first = at_tip(repo, env)
    cache = repo / ".git" / "ownit" / "tip-view.json"
    stored = json.loads(cache.read_text("utf-8"))
    assert stored["view"]["tip"] == first["tip"]
    # What is read back is the stored view: change it and the report says so.
    stored["view"]["regions"][0]["tool"] = "from-the-cache"
    cache.write_text(json.dumps(stored), "utf-8")
    assert at_tip(repo, env)["regions"][0]["tool"] == "from-the-cache"
    # A new commit is a new tip: the view is made again.
    commit(repo, env, "More\n", {"human.py": ["one", "two", "three", "four"]})
    again = at_tip(repo, env)
    assert again["tip"] != first["tip"]
    assert all(r["tool"] != "from-the-cache" for r in again["regions"])
    # Another policy (read from another base) is another view, too.
    base = git(repo, env, "rev-parse", "HEAD~4").strip()
    other = at_tip(repo, env, f"{base}..HEAD")
    assert "extra/lib.js" in {r["path"] for r in other["regions"]}  # not excluded there
    # A cache that cannot be read is made again, never an error.
    cache.write_text("{not json", "utf-8")
    assert at_tip(repo, env)["lines"] == again["lines"]


def test_sarif_of_the_unowned_lines_validates(repo: Path, env: dict[str, str]) -> None:
    out = repo.parent / "tip.sarif"
    result = run(repo, env, OWNIT, "report", "--format", "sarif", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    log = json.loads(out.read_text("utf-8"))
    validate_sarif(log)
    (sarif_run,) = log["runs"]
    assert sarif_run["automationDetails"]["id"] == "ownit/report/tip/"
    assert [r["id"] for r in sarif_run["tool"]["driver"]["rules"]] == [UNOWNED_RULE, INVALID_RULE]
    results = {r["ruleId"]: r for r in sarif_run["results"]}
    assert set(results) == {UNOWNED_RULE, INVALID_RULE}
    unowned = results[UNOWNED_RULE]
    location = unowned["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "a.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 1, "endLine": 4}
    assert unowned["partialFingerprints"] == {CONTENT_KEY: fingerprint(A_CODE)}
    assert unowned["properties"]["policyRule"] == "defaults"
    assert "ownit claim a.py:1" in unowned["properties"]["fix"]
    invalid = results[INVALID_RULE]
    assert invalid["properties"]["claimProblem"] == "claim-mismatch"
    assert invalid["properties"]["claimedOwner"] == "eve@example.com"
    assert sarif_run["properties"]["invalidLines"] == 2
    assert sarif_run["versionControlProvenance"][0]["revisionId"] == at_tip(repo, env)["tip"]
    # Without -o, to stdout; with --no-tip there is nothing to write.
    printed = run(repo, env, OWNIT, "report", "--format", "sarif")
    assert json.loads(printed.stdout)["runs"][0]["results"] == sarif_run["results"]
    refused = run(repo, env, OWNIT, "report", "--format", "sarif", "--no-tip")
    assert refused.returncode == 2 and "--no-tip" in refused.stderr


def test_not_required_code_is_counted_but_not_alerted(repo: Path, env: dict[str, str]) -> None:
    policy = ["version: 1", "exclude:", "  - extra/**", "rules:", "  - name: lenient"]
    policy += ["    paths: ['a.py']"]
    policy += ["    require_ownership: false"]
    commit(repo, env, "Lenient a\n", {".ownit.yaml": policy})
    view = at_tip(repo, env)
    [a] = [r for r in view["regions"] if r["path"] == "a.py"]
    assert a["required"] is False and a["rule"] == "lenient"
    assert view["requiredUnownedLines"] == 2
    log = json.loads(run(repo, env, OWNIT, "report", "--format", "sarif").stdout)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {INVALID_RULE}


def test_progress_only_on_a_terminal(repo: Path, env: dict[str, str]) -> None:
    """On a terminal (a real pty), with the threshold at 0, the scan says what it does on
    stderr; stdout holds the JSON alone."""
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.Popen(
            [OWNIT, "report", "--json"],
            cwd=repo,
            env={**env, "OWNIT_PROGRESS_AFTER": "0"},
            stdout=subprocess.PIPE,
            stderr=secondary,
        )
        os.close(secondary)
        secondary = -1
        stdout, _ = proc.communicate()
        seen = b""
        while select.select([primary], [], [], 0)[0]:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    assert proc.returncode == 0
    assert json.loads(stdout)["atTip"]["lines"]["total"] == 9
    assert b"\rownit report" in seen and seen.endswith(b"\r\x1b[K")  # drawn, then cleared


def test_a_generated_history_finds_exactly_the_ai_lines(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Every AI-written line at the tip of a history in each tool's real conventions,
    renames and squash merges included, and no other line."""
    repo = tmp_path / "gen"
    repo.mkdir()
    git(repo, env, "init", "-q", "-b", "main")
    history = generate(seed=5, commits=240)
    history.write(repo, env)
    view = at_tip(repo, env)
    found = {(r["path"], n) for r in view["regions"] for n in range(r["first"], r["last"] + 1)}
    truth = {
        (path, n)
        for path, lines in history.tip.items()
        for n, line in enumerate(lines, start=1)
        if line.ai
    }
    assert found == truth
    assert view["lines"]["owned"] == 0 and view["lines"]["invalid"] == 0


def counting_git(tmp_path: Path, env: dict[str, str]) -> tuple[dict[str, str], Path]:
    """An env whose `git` logs each `git blame` path to a file, then runs the real git."""
    import shutil

    real = shutil.which("git", path=env["PATH"])
    assert real is not None
    folder = tmp_path / "shim"
    folder.mkdir()
    calls = tmp_path / "blames.log"
    shim = folder / "git"
    shim.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do if [ "$a" = blame ]; then '
        f'eval "last=\\${{$#}}"; echo "$last" >> {calls}; fi; done\n'
        f'exec {real} "$@"\n'
    )
    shim.chmod(0o755)
    return {**env, "PATH": f"{folder}:{env['PATH']}"}, calls


def test_a_new_commit_blames_only_what_changed(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    counted, calls = counting_git(tmp_path, env)
    at_tip(repo, counted)
    assert sorted(calls.read_text().split()) == ["a.py", "b.py", "u.py"]
    calls.unlink()
    # A claim-only commit owning a.py's lines, and a change to b.py: only b.py is blamed
    # again, and the view is what a scan from scratch says.
    fa = fingerprint(A_CODE)
    commit(repo, env, f"Own f\n\nAI-Owned: a.py:1-4 {fa} claude-code {DEV} -- {RATIONALE}\n", {})
    commit(repo, env, f"More g\n\n{CO_AUTHOR}\n", {"b.py": [*B_CODE, "h = 1"]})
    again = at_tip(repo, counted)
    assert calls.read_text().split() == ["b.py"]
    (repo / ".git" / "ownit" / "tip-view.json").unlink()
    assert at_tip(repo, env) == again
    assert again["lines"] == {
        "owned": 7,
        "unowned": 1,
        "invalid": 2,
        "total": 10,
        "ownedShare": 0.7,
    }
    # After a merge, nothing is reused (blame may pass a file to either side).
    git(repo, env, "checkout", "-q", "-b", "side", "HEAD~1")
    commit(repo, env, "Side\n", {"side.py": ["s = 1"]})
    git(repo, env, "checkout", "-q", "main")
    git(repo, env, "merge", "-q", "--no-edit", "side")
    calls.unlink()
    merged = at_tip(repo, counted)
    assert sorted(calls.read_text().split()) == ["a.py", "b.py", "u.py"]
    (repo / ".git" / "ownit" / "tip-view.json").unlink()
    assert at_tip(repo, env) == merged


def test_an_empty_repository_has_an_empty_sarif_log(tmp_path: Path, env: dict[str, str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, env, "init", "-q")
    out = tmp_path / "empty.sarif"
    result = run(empty, env, OWNIT, "report", "--format", "sarif", "-o", str(out))
    assert result.returncode == 0, result.stderr
    log = json.loads(out.read_text("utf-8"))
    validate_sarif(log)
    assert log["runs"][0]["results"] == []
    text = tmp_path / "empty.txt"
    result = run(empty, env, OWNIT, "report", "-o", str(text))
    assert result.stdout == "" and "no commits yet" in text.read_text("utf-8")
