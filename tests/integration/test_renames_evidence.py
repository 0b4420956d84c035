"""Renames and evidence classes, in real repositories with ownit's hooks (issue 12).

- ``git mv`` (and a move with edits) keeps regions and claims: the hooks move the store's
  regions to the new name, ``ownit status`` shows them there, ``ownit verify`` follows the
  rename for code still unowned at the tip, ``ownit blame`` and ``ownit report`` attribute
  the lines and keep their ownership; ``ownit blame -C`` follows lines moved from another
  file, as git blame does.
- Every AI line says its evidence class: ``exact`` (claim lines, the store's regions from
  an agent hook), ``corroborated`` (a co-author trailer: commit-level, the whole commit),
  ``inferred`` (VS Code's Copilot trailer, which VS Code also adds without AI code);
  ``min_evidence`` keeps the weaker classes from failing verify or blocking a commit.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Region, Source
from ownit.core.text import split_lines, strip_terminator
from ownit.git.repo import find_repository, store_path
from ownit.store import Store
from ownit.store.store import new_region_id
from tests.integration import test_hooks as h

repo = h.repo
git = h.git
ownit = h.ownit

RATIONALE = "Checked each branch by hand; inputs are validated upstream"
AI = "def f():\n    x = 1\n    y = 2\n    return x + y\n"
OTHER = "def g(a):\n    b = a * 3\n    c = b - 1\n    return c\n"
CLAUDE = "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
BLOCK = (
    "def compute_total_price(items, discount_rate):\n"
    "    subtotal = sum(item.unit_price * item.quantity for item in items)\n"
    "    discounted = subtotal * (1 - discount_rate)\n"
    "    return round(discounted, 2)\n"
)
VSCODE = "Co-authored-by: Copilot <copilot@github.com>"


def commit(repo: Path, env: dict[str, str], message: str) -> str:
    git(repo, env, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, env, "rev-parse", "HEAD").stdout.strip()


def as_json(repo: Path, env: dict[str, str], *args: str) -> Any:
    return json.loads(ownit(repo, env, *args, check=False).stdout)


def blame_rows(repo: Path, env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    out = ownit(repo, env, "blame", "--json", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def status_rows(repo: Path, env: dict[str, str]) -> dict[str, str]:
    found = as_json(repo, env, "status", "--all", "--json")
    assert found["missingFiles"] == []
    return {
        f"{r['path']}:{r['lines'][0]}-{r['lines'][1]}": r["ownership"] for r in found["regions"]
    }


def mark_as(repo: Path, rel: str, first: int, last: int, source: Source) -> str:
    """A region recorded from ``source`` in the repository's real store."""
    found = find_repository(repo, refresh=True)
    assert found is not None
    text = (repo / rel).read_text()
    lines = [strip_terminator(line) for line in split_lines(text)]
    fp = fingerprint(lines[first - 1 : last])
    region = Region(new_region_id(), rel, first - 1, last, "copilot", source, time.time(), fp)
    with Store.open(store_path(found)) as store:
        store.add_region(region, text)
    return region.id


def two_regions_committed(repo: Path, env: dict[str, str]) -> None:
    """ai.py: an owned region (lines 1-4) and a human line; un.py: an unowned one."""
    h.add_ai_file(repo, env, claim=True)
    (repo / "un.py").write_text(OTHER)
    h.mark(repo, "un.py", 1, 4, "claude-code")
    git(repo, env, "add", "ai.py", "un.py")
    commit(repo, env, "Add f and g")


def test_git_mv_keeps_regions_claims_and_history_in_every_verb(
    repo: Path, env: dict[str, str]
) -> None:
    two_regions_committed(repo, env)
    (repo / "src").mkdir()
    git(repo, env, "mv", "ai.py", "src/ai2.py")
    git(repo, env, "mv", "un.py", "un2.py")
    commit(repo, env, "Move the files")
    # A rename adds no line: no claim line in its trailers (nobody re-claims anything).
    assert not [t for t in h.head_trailers(repo, env) if t.startswith("AI-")]
    assert status_rows(repo, env) == {"src/ai2.py:1-4": "owned", "un2.py:1-4": "unowned"}

    code, found = _verify(repo, env)
    assert code == 1
    at_tip = [f for f in found["findings"] if f["kind"] == "unowned-at-tip"]
    assert [(f["path"], f["line"], f["lastLine"]) for f in at_tip] == [("un2.py", 1, 4)]
    assert "un2.py:1-4" in at_tip[0]["message"]

    rows = blame_rows(repo, env, "src/ai2.py")
    assert [(r["ai"], r["owned"]) for r in rows] == [(True, True)] * 4 + [(False, False)]
    assert {r["evidence"] for r in rows[:4]} == {"exact"} and rows[0]["origPath"] == "ai.py"
    unowned = blame_rows(repo, env, "un2.py")
    assert [(r["ai"], r["owned"], r["scope"]) for r in unowned] == [(True, False, "line")] * 4

    report = as_json(repo, env, "report", "--json")
    assert report["lines"]["owned"] == 4 and report["lines"]["unowned"] == 4
    assert [(r["path"], r["first"]) for r in report["unownedAtTip"]] == [("un2.py", 1)]
    assert {r["renamedTo"] for r in report["regions"]} == {"src/ai2.py", "un2.py"}
    assert {p["path"] for p in report["paths"]} == {"src/ai2.py", "un2.py"}
    # The statement is checked as verify checks, renames followed: one problem, un2.py.
    statement = as_json(repo, env, "report", "--statement", "--json")
    assert not statement["verifyOk"] and statement["problems"] == 1, statement

    # Owning the code under its new name clears it everywhere; counted once.
    ownit(repo, env, "claim", "un2.py:1", "-m", RATIONALE)
    commit(repo, env, "Own g")
    code, found = _verify(repo, env)
    assert code == 0, found["findings"]
    report = as_json(repo, env, "report", "--json")
    assert report["lines"]["owned"] == 8 and report["lines"]["unowned"] == 0
    assert report["unownedAtTip"] == []
    statement = as_json(repo, env, "report", "--statement", "--json")
    assert statement["verifyOk"] and statement["problems"] == 0, statement
    assert all(r["owned"] for r in blame_rows(repo, env, "un2.py"))


def test_move_with_edits_keeps_ownership(repo: Path, env: dict[str, str]) -> None:
    two_regions_committed(repo, env)
    git(repo, env, "mv", "ai.py", "moved.py")
    text = (repo / "moved.py").read_text()
    (repo / "moved.py").write_text("# moved here\n" + text + "more()\nlater()\n")
    git(repo, env, "add", "moved.py")
    commit(repo, env, "Move f and add to it")
    assert not [t for t in h.head_trailers(repo, env) if t.startswith("AI-")]
    rows = status_rows(repo, env)
    assert rows["moved.py:2-5"] == "owned"
    rows = blame_rows(repo, env, "moved.py")
    assert [r["owned"] for r in rows] == [False, True, True, True, True, False, False, False]
    _code, found = _verify(repo, env)
    assert [f["path"] for f in found["findings"] if f["kind"] == "unowned-at-tip"] == ["un.py"]
    report = as_json(repo, env, "report", "--json")
    assert report["lines"]["owned"] == 4 and report["lines"]["unowned"] == 4


def test_a_move_with_a_new_ai_region_in_it_gets_its_trailer(
    repo: Path, env: dict[str, str]
) -> None:
    two_regions_committed(repo, env)
    git(repo, env, "mv", "un.py", "lib.py")
    (repo / "lib.py").write_text(OTHER + AI)
    h.mark(repo, "lib.py", 5, 8, "cursor")
    git(repo, env, "add", "lib.py")
    commit(repo, env, "Move g, add an AI f")
    trailers = [t for t in h.head_trailers(repo, env) if t.startswith("AI-Unowned")]
    assert len(trailers) == 1 and trailers[0].startswith("AI-Unowned: lib.py:5-8 ")
    assert status_rows(repo, env) == {
        "ai.py:1-4": "owned",
        "lib.py:1-4": "unowned",
        "lib.py:5-8": "unowned",
    }


def test_status_follows_a_rename_committed_without_hooks(repo: Path, env: dict[str, str]) -> None:
    two_regions_committed(repo, env)
    git(repo, env, "mv", "ai.py", "renamed.py")
    git(repo, env, "commit", "-q", "--no-verify", "-m", "Rename without the hooks")
    assert status_rows(repo, env)["renamed.py:1-4"] == "owned"


def test_blame_follows_moved_lines_with_dash_c(repo: Path, env: dict[str, str]) -> None:
    (repo / "x.py").write_text("keep = 1\n" + BLOCK)
    (repo / "y.py").write_text("header = 0\n")
    git(repo, env, "add", "x.py", "y.py")
    ai_commit = commit(repo, env, f"Add the price\n\n{CLAUDE}")
    (repo / "x.py").write_text("keep = 1\n")
    (repo / "y.py").write_text("header = 0\n" + BLOCK)
    git(repo, env, "add", "x.py", "y.py")
    git(repo, env, "commit", "-q", "--no-verify", "-m", "Move the price to y.py")
    plain = blame_rows(repo, env, "y.py")
    assert [r["ai"] for r in plain] == [True, False, False, False, False]
    moved = blame_rows(repo, env, "-C", "y.py")
    assert [r["ai"] for r in moved] == [True, True, True, True, True]
    assert {(r["commit"], r["origPath"], r["scope"]) for r in moved[1:]} == {
        (ai_commit, "x.py", "commit")
    }
    assert blame_rows(repo, env, "-M", "-C", "-C", "y.py") == moved
    refused = ownit(repo, env, "blame", "-CCCC", "y.py", check=False)
    assert refused.returncode == 2 and "at most three times" in refused.stderr


def test_commit_level_lines_say_so_with_their_evidence(repo: Path, env: dict[str, str]) -> None:
    (repo / "c.py").write_text(OTHER)
    git(repo, env, "add", "c.py")
    claude = commit(repo, env, f"Add g\n\n{CLAUDE}")
    (repo / "v.py").write_text(AI)
    git(repo, env, "add", "v.py")
    commit(repo, env, f"Add f\n\n{VSCODE}")

    rows = blame_rows(repo, env, "c.py")
    assert {(r["evidence"], r["scope"]) for r in rows} == {("corroborated", "commit")}
    assert "noreply@anthropic.com" in rows[0]["commitAttribution"]
    assert {r["evidence"] for r in blame_rows(repo, env, "v.py")} == {"inferred"}
    text = ownit(repo, env, "blame", "c.py").stdout
    assert "corroborated, commit-level [1]" in text
    assert f"[1] commit {claude[:8]}" in text and "does not say which lines an AI wrote" in text

    report = as_json(repo, env, "report", "--json")
    assert report["linesByEvidence"] == {"exact": 0, "corroborated": 4, "inferred": 4}
    at_tip = {r["path"]: r["evidence"] for r in report["atTip"]["regions"]}
    assert at_tip == {"c.py": "corroborated", "v.py": "inferred"}
    assert "commit-level" in ownit(repo, env, "report").stdout
    assert "evidence: corroborated" in ownit(repo, env, "report", "--format", "markdown").stdout


def test_min_evidence_in_verify_and_policy_explain(repo: Path, env: dict[str, str]) -> None:
    (repo / ".ownit.yaml").write_text("version: 1\ndefaults:\n  min_evidence: corroborated\n")
    git(repo, env, "add", ".ownit.yaml")
    base = commit(repo, env, "Policy")
    (repo / "c.py").write_text(OTHER)
    git(repo, env, "add", "c.py")
    claude = commit(repo, env, f"Add g\n\n{CLAUDE}")
    (repo / "v.py").write_text(AI)
    git(repo, env, "add", "v.py")
    commit(repo, env, f"Add f\n\n{VSCODE}")
    code, found = _verify(repo, env, f"{base}..HEAD")
    unclaimed = [f for f in found["findings"] if f["kind"] == "ai-commit-unclaimed"]
    assert code == 1 and [(f["commit"], f["path"]) for f in unclaimed] == [(claude, "c.py")]
    assert "commit-level (corroborated evidence)" in unclaimed[0]["message"]
    explained = ownit(repo, env, "policy", "explain", "c.py").stdout
    assert "min_evidence: corroborated" in explained


def test_min_evidence_keeps_a_weakly_known_region_from_blocking(
    repo: Path, env: dict[str, str]
) -> None:
    (repo / ".ownit.yaml").write_text(
        "version: 1\ndefaults:\n  commit: block\n  min_evidence: exact\n"
    )
    (repo / "w.py").write_text(AI)
    mark_as(repo, "w.py", 1, 4, Source.COMMIT_TRAILER)
    git(repo, env, "add", ".ownit.yaml", "w.py")
    result = git(repo, env, "commit", "-q", "-m", "Corroborated only", check=False)
    assert result.returncode == 0, result.stderr
    assert "w.py:1-4 (copilot, corroborated evidence)" in result.stderr
    (repo / "x.py").write_text(OTHER)
    mark_as(repo, "x.py", 1, 4, Source.AGENT_HOOK)
    git(repo, env, "add", "x.py")
    result = git(repo, env, "commit", "-q", "-m", "Exact", check=False)
    assert result.returncode == 1 and "x.py:1-4" in result.stderr


def _verify(repo: Path, env: dict[str, str], *args: str) -> tuple[int, Any]:
    done = ownit(repo, env, "verify", "--json", *(args or ("--all",)), check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_amend_after_git_mv_keeps_the_claims_under_the_new_name(
    repo: Path, env: dict[str, str]
) -> None:
    h.add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    commit(repo, env, "Add f")
    git(repo, env, "mv", "ai.py", "named.py")
    git(repo, env, "commit", "-q", "--amend", "--no-edit")
    owned = [t for t in h.head_trailers(repo, env) if t.startswith("AI-Owned")]
    assert len(owned) == 1 and owned[0].startswith("AI-Owned: named.py:1-4 "), owned
    assert status_rows(repo, env) == {"named.py:1-4": "owned"}
    code, found = _verify(repo, env)
    assert code == 0, found["findings"]
