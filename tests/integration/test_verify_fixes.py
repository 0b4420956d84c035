"""Issue 11 items 3 and 4: every ``fix:`` line ``ownit verify`` prints is run as printed
(the rationale put in place of its placeholder, by the person its note names), and verify
run again no longer reports the problem. Real repositories with a real remote, the real
CLI; commits already on the remote are never amended."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ownit.core.fingerprint import fingerprint
from tests.support import OWNIT, commit, git, run

DEV = "dev@example.com"
LEAD = "lead@example.com"
WHY = "Checked each branch by hand; inputs are validated upstream"
PLACEHOLDER = "<why this code is right>"
CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"

CODE = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]
TEXT = "\n".join(CODE) + "\n"
FP = fingerprint(CODE)


def as_person(env: dict[str, str], email: str) -> dict[str, str]:
    name = email.split("@")[0].title()
    return {
        **env,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A clone of a bare remote, on ``main`` tracking ``origin/main``."""
    remote = tmp_path / "remote.git"
    git(tmp_path, env, "init", "-q", "--bare", "-b", "main", str(remote))
    path = tmp_path / "repo"
    git(tmp_path, env, "clone", "-q", str(remote), str(path))
    git(path, env, "config", "user.name", "Dev Name")
    git(path, env, "config", "user.email", DEV)
    git(path, env, "config", "commit.gpgsign", "false")
    git(path, env, "checkout", "-q", "-b", "main")
    (path / "base.py").write_text("one\ntwo\n")
    git(path, env, "add", "-A")
    git(path, env, "commit", "-q", "-m", "Initial")
    git(path, env, "push", "-q", "-u", "origin", "main")
    return path


def set_policy(repo: Path, env: dict[str, str], text: str) -> None:
    """Commit and push ``.ownit.yaml``: the base of the next range has it."""
    commit(repo, env, "Policy\n", {".ownit.yaml": text})
    git(repo, env, "push", "-q")


def verify_text(repo: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    result = run(repo, env, OWNIT, "verify", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


def problems(repo: Path, env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    result = run(repo, env, OWNIT, "verify", "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def fixes(output: str) -> list[str]:
    return [line.strip()[len("fix: ") :] for line in output.splitlines() if "    fix: " in line]


def run_fix(repo: Path, env: dict[str, str], fix: str) -> None:
    """The printed fix run by a shell, as a user pastes it."""
    assert PLACEHOLDER in fix, fix
    command = fix.replace(PLACEHOLDER, WHY)
    result = run(repo, env, "bash", "-c", command)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def fix_all(repo: Path, env: dict[str, str], *args: str, who: str = DEV) -> list[str]:
    """Run every fix verify prints (once), as ``who``; the fixes."""
    code, output = verify_text(repo, env, *args)
    assert code == 1, output
    printed = fixes(output)
    assert printed, output
    for fix in dict.fromkeys(printed):
        run_fix(repo, as_person(env, who), fix)
    return printed


# ------------------------------------------------------------- ai-commit-unclaimed


def test_history_lines_are_claimed_without_any_region(repo: Path, env: dict[str, str]) -> None:
    """The issue's case: `ownit claim` on lines an AI-assisted commit wrote, nothing in the
    store, then `--commit`: verify, blame and report all see them owned."""
    commit(repo, env, f"Add f\n\n{CLAUDE}\n", {"src/util.py": TEXT})
    [found] = problems(repo, env)
    assert found["kind"] == "ai-commit-unclaimed"
    result = run(repo, env, OWNIT, "claim", "src/util.py:3", "-m", WHY, "--commit")
    assert result.returncode == 0, result.stderr
    assert "owned src/util.py:1-4" in result.stdout
    message = git(repo, env, "log", "-1", "--format=%B")
    assert f"AI-Owned: src/util.py:1-4 {FP} claude-code {DEV} -- {WHY}" in message
    assert problems(repo, env) == []
    assert problems(repo, env, "--all") == []
    blamed = run(repo, env, OWNIT, "blame", "--json", "src/util.py").stdout.splitlines()
    assert all(json.loads(line)["owned"] for line in blamed)
    report = json.loads(run(repo, env, OWNIT, "report", "--json").stdout)
    assert report["lines"]["unclaimed"] == 0
    assert report["lines"]["ownedShare"] == 1.0


def test_a_claim_under_the_new_name_owns_code_written_under_the_old(
    repo: Path, env: dict[str, str]
) -> None:
    """AI-assisted code, then `git mv`, then a claim of the renamed file: verify, blame and
    report see the original commit's lines owned (renames are followed after the fact)."""
    commit(repo, env, f"Add f\n\n{CLAUDE}\n", {"src/util.py": TEXT})
    git(repo, env, "mv", "src/util.py", "src/helpers.py")
    git(repo, env, "commit", "-q", "-m", "Rename util to helpers")
    result = run(repo, env, OWNIT, "claim", "src/helpers.py:3", "-m", WHY, "--commit")
    assert result.returncode == 0, result.stderr
    assert problems(repo, env) == []
    assert problems(repo, env, "--all") == []
    blamed = run(repo, env, OWNIT, "blame", "--json", "src/helpers.py").stdout.splitlines()
    assert all(json.loads(line)["owned"] for line in blamed)
    report = json.loads(run(repo, env, OWNIT, "report", "--json").stdout)
    assert report["lines"]["unclaimed"] == 0


def test_fix_for_an_unpushed_ai_commit(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, f"Add f\n\n{CLAUDE}\n", {"f.py": TEXT})
    [fix] = fix_all(repo, env)
    assert fix.startswith("ownit claim f.py:1 -m ")
    assert "--commit" in fix and "amend" in fix  # offered, as a note, before pushing
    assert problems(repo, env) == []


def test_fix_for_a_pushed_ai_commit_never_amends(repo: Path, env: dict[str, str]) -> None:
    """A published AI-assisted commit whose lines moved since: the fix names where they are
    now and is a claim-only commit; the original commit is untouched."""
    ai = commit(repo, env, f"Add f\n\n{CLAUDE}\n", {"f.py": "x = 1\n" + TEXT + "y = 2\n"})
    commit(repo, env, "Header\n", {"f.py": "# header\n# more\nx = 1\n" + TEXT + "human()\n"})
    git(repo, env, "push", "-q")
    code, output = verify_text(repo, env, "--all")
    assert code == 1
    printed = fixes(output)
    assert printed and all("amend" not in fix and "rebase" not in fix for fix in printed)
    # x = 1 and f are one run at the tip (lines 3-7); y = 2 is gone by the tip.
    assert printed[0].startswith("ownit claim f.py:3 -m ")
    for fix in printed:
        run_fix(repo, env, fix)
    assert problems(repo, env, "--all") == []
    assert git(repo, env, "rev-list", "--all").count(ai) == 1  # not rewritten
    assert ai in git(repo, env, "rev-list", "HEAD")


def test_two_runs_get_a_claim_each(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, "Human\n", {"f.py": "a\nb\nc\n"})
    git(repo, env, "push", "-q")
    commit(repo, env, f"AI\n\n{CLAUDE}\n", {"f.py": "a\nai_one()\nb\nai_two()\nc\n"})
    [fix] = fix_all(repo, env)
    assert fix.count("--commit") == 2
    assert problems(repo, env) == []


# --------------------------------------------------------- unowned at tip, blocked


def test_fix_for_code_committed_unowned(repo: Path, env: dict[str, str]) -> None:
    unowned = f"AI-Unowned: f.py:1-4 {FP} claude-code"
    commit(repo, env, f"Add f\n\n{unowned}\nAI-Lines: exact\n", {"f.py": TEXT})
    git(repo, env, "push", "-q")
    fix_all(repo, env, "--all")
    assert problems(repo, env, "--all") == []


def test_fix_for_blocked_unowned_code(repo: Path, env: dict[str, str]) -> None:
    set_policy(repo, env, "version: 1\ndefaults:\n  commit: block\n")
    unowned = f"AI-Unowned: f.py:1-4 {FP} claude-code"
    commit(repo, env, f"Add f\n\n{unowned}\nAI-Lines: exact\n", {"f.py": TEXT})
    assert [f["kind"] for f in problems(repo, env)] == ["blocked-unowned"]
    fix_all(repo, env)
    assert problems(repo, env) == []


# ----------------------------------------------------------------- bad claim lines


def owned(first: int, last: int, fp: str, email: str = DEV, why: str = WHY) -> str:
    return f"AI-Owned: f.py:{first}-{last} {fp} copilot {email} -- {why}"


@pytest.mark.parametrize("pushed", [False, True])
@pytest.mark.parametrize(
    ("kind", "line", "who"),
    [
        ("claim-mismatch", owned(1, 4, "deadbeef0000"), DEV),
        ("rationale-rejected", owned(1, 4, FP, why="LGTM"), DEV),
        ("owner-not-committer", owned(1, 4, FP, email="eve@example.com"), "eve@example.com"),
    ],
)
def test_fix_for_a_bad_claim_line(
    repo: Path, env: dict[str, str], kind: str, line: str, who: str, pushed: bool
) -> None:
    commit(repo, env, f"Add f\n\n{CLAUDE}\n{line}\n", {"f.py": TEXT})
    args = ("--all",) if pushed else ()
    if pushed:
        git(repo, env, "push", "-q")
    assert kind in [f["kind"] for f in problems(repo, env, *args)]
    printed = fix_all(repo, env, *args, who=who)
    if pushed:  # never rewrite a published commit
        assert not any("rebase" in fix or "amend" in fix for fix in printed), printed
    else:
        assert any("rebase" in fix for fix in printed), printed
    assert problems(repo, env, *args) == []
    result = run(repo, env, OWNIT, "verify", "--json", *args)
    info = json.loads(result.stdout)["info"]
    assert kind in [f["kind"] for f in info]  # still said, as superseded


def test_fix_for_an_owner_the_policy_does_not_allow(repo: Path, env: dict[str, str]) -> None:
    set_policy(repo, env, f"version: 1\ndefaults:\n  owners: [{LEAD}]\n")
    commit(repo, env, f"Add f\n\n{CLAUDE}\n{owned(1, 4, FP)}\n", {"f.py": TEXT})
    _, output = verify_text(repo, env)
    assert "owner-not-allowed" in output and f"run by one of {LEAD}" in output
    fix_all(repo, env, who=LEAD)
    assert problems(repo, env) == []


def test_published_claim_naming_no_file_has_no_rewrite_to_offer(
    repo: Path, env: dict[str, str]
) -> None:
    """A forged line naming no file stays a problem (a pushed branch is published too: CI
    must still fail it), but nothing that rewrites a published commit is advised."""
    bad = f"AI-Owned: nowhere.py:1-4 {FP} copilot {DEV} -- {WHY}"
    commit(repo, env, f"Human\n\n{bad}\n", {"h.py": "print(1)\n"})
    [found] = problems(repo, env)
    assert found["kind"] == "claim-path-missing" and "rebase" in found["fix"]
    git(repo, env, "push", "-q")
    [found] = problems(repo, env, "--all")
    assert found["kind"] == "claim-path-missing" and found["fix"] == ""
    assert "published" in found["message"]


# ------------------------------------------------------------------- second owner


def test_second_owner_after_the_fact(repo: Path, env: dict[str, str]) -> None:
    """A lead gives the second ownership later, with the printed fix; blame and report
    show both owners."""
    set_policy(repo, env, "version: 1\ndefaults:\n  second_owner: true\n")
    commit(repo, env, f"Add f\n\n{owned(1, 4, FP)}\nAI-Lines: exact\n", {"f.py": TEXT})
    _, output = verify_text(repo, env)
    assert "owner-rule" in output and "run by the missing owner" in output
    fix_all(repo, env, who=LEAD)
    assert problems(repo, env) == []
    message = git(repo, env, "log", "-1", "--format=%B")
    assert f"AI-Owned: f.py:1-4 {FP} copilot {LEAD}" in message
    blamed = run(repo, env, OWNIT, "blame", "f.py").stdout
    assert f"owned {DEV} +{LEAD}" in blamed
    lines = [
        json.loads(x)
        for x in run(repo, env, OWNIT, "blame", "--json", "f.py").stdout.split("\n")
        if x
    ]
    assert all(line["owner"] == DEV and line["coOwners"] == [LEAD] for line in lines)
    report = json.loads(run(repo, env, OWNIT, "report", "--json").stdout)
    [region] = report["regions"]
    assert region["owners"] == [DEV, LEAD]


# ----------------------------------------------------------------------- baseline


def test_baseline_adopts_a_repository_in_one_step(repo: Path, env: dict[str, str]) -> None:
    for n in range(3):
        commit(repo, env, f"Old AI {n}\n\n{CLAUDE}\n", {f"old{n}.py": f"v = {n}\n"})
    git(repo, env, "push", "-q")
    assert len(problems(repo, env, "--all")) == 3
    (repo / ".ownit.yaml").write_text("version: 1\n# ours\ndefaults:\n  severity: hint  # kept\n")
    result = run(repo, env, OWNIT, "baseline")
    assert result.returncode == 0, result.stderr
    head = git(repo, env, "rev-parse", "HEAD").strip()
    assert (repo / ".ownit.yaml").read_text() == (
        f'version: 1\n# ours\ndefaults:\n  severity: hint  # kept\n  history_since: "{head}"\n'
    )
    explained = run(repo, env, OWNIT, "policy", "explain", "x.py").stdout
    assert f"history_since: {head}" in explained
    git(repo, env, "add", ".ownit.yaml")
    git(repo, env, "commit", "-q", "-m", "Adopt ownit")
    git(repo, env, "push", "-q")
    assert problems(repo, env, "--all") == []
    commit(repo, env, f"New AI\n\n{CLAUDE}\n", {"new.py": "w = 1\n"})
    assert [f["path"] for f in problems(repo, env, "--all")] == ["new.py"]
    assert [f["path"] for f in problems(repo, env)] == ["new.py"]


# ------------------------------------------------- claiming history: the other ways


def test_claim_of_a_human_line_says_why_not(repo: Path, env: dict[str, str]) -> None:
    result = run(repo, env, OWNIT, "claim", "base.py:1", "-m", WHY)
    assert result.returncode == 2
    assert "no AI-written region at base.py:1" in result.stderr
    assert "no AI-assisted commit wrote that line" in result.stderr


@pytest.mark.parametrize("alone", [False, True])
def test_history_claim_through_the_hooks(repo: Path, env: dict[str, str], alone: bool) -> None:
    """With ownit's hooks installed: the claim goes with the next ordinary commit (of
    other code), or alone with --commit; either clears the AI-assisted commit."""
    assert run(repo, env, OWNIT, "hooks", "install").returncode == 0
    commit(repo, env, f"Add f\n\n{CLAUDE}\n", {"f.py": TEXT})
    git(repo, env, "push", "-q")
    args = ["--commit"] if alone else []
    result = run(repo, env, OWNIT, "claim", "f.py:2", "-m", WHY, *args)
    assert result.returncode == 0, result.stderr
    if not alone:
        (repo / "other.py").write_text("print('by hand')\n")
        git(repo, env, "add", "other.py")
        git(repo, env, "commit", "-q", "-m", "Other work")
    message = git(repo, env, "log", "-1", "--format=%B")
    assert f"AI-Owned: f.py:1-4 {FP} claude-code {DEV} -- {WHY}" in message
    assert problems(repo, env) == []
    assert problems(repo, env, "--all") == []
