"""Rewrites keep claims: amend, `rebase -i` (squash, fixup), cherry-pick, `merge --squash`.

Real repositories, real `git`, ownit's hooks installed with `ownit hooks install` and run
from this checkout's venv (see test_hooks.py). After each rewrite the claim lines of the
new commit are gathered into one trailer block, de-duplicated and re-anchored to the new
tree by fingerprint (every fingerprint is checked against the committed blob).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownit.commit.planning import DIFF_ABOVE_FILES
from ownit.core import trailers as tr
from tests.integration import test_hooks as h
from tests.support import new_repo

repo = h.repo
git = h.git
ownit = h.ownit

AI_CODE = "def f():\n    x = 1\n    y = 2\n    return x + y\n"


def message(repo: Path, env: dict[str, str], rev: str = "HEAD") -> str:
    return git(repo, env, "log", "-1", "--format=%B", rev).stdout


def claims(repo: Path, env: dict[str, str]) -> list[tr.ClaimLine]:
    """HEAD's claim lines, each checked against the committed blob."""
    return h.check_fingerprints(repo, env)


def assert_one_clean_block(repo: Path, env: dict[str, str]) -> list[str]:
    """Every ownit line of HEAD's message is in its trailer block, once."""
    text = message(repo, env)
    trailers = h.head_trailers(repo, env)
    ours = [t for t in trailers if t.split(":", 1)[0] in tr.OWNIT_KEYS]
    assert len(ours) == len(set(ours)), trailers
    body_lines = [line.strip() for line in text.splitlines()]
    for line in ours:
        assert body_lines.count(line) == 1, text
    assert tr.parse_message(text).claims == tuple(
        c for t in ours if isinstance(c := _claim(t), tr.ClaimLine)
    )
    # Rewrites of exact commits stay exact: one marker, after the claim lines.
    if any(isinstance(_claim(t), tr.ClaimLine) for t in ours):
        assert ours.count(tr.EXACT_MARKER) == 1 and ours[-1] == tr.EXACT_MARKER, ours
    return trailers


def _claim(line: str) -> object:
    key, _, value = line.partition(": ")
    return tr.parse_trailer(key, value)


def commit_ai(
    repo: Path, env: dict[str, str], name: str, subject: str, *, claim: bool = True, top: str = ""
) -> None:
    (repo / name).write_text(top + AI_CODE)
    first = top.count("\n") + 1
    h.mark(repo, name, first, first + 3, "copilot", claim=claim)
    git(repo, env, "add", "--", name)
    git(repo, env, "commit", "-q", "-m", subject)


def script(tmp: Path, name: str, body: str) -> str:
    path = tmp / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


# --------------------------------------------------------------------------- amend


def test_amend_moves_claim_with_its_code(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f")
    (before,) = claims(repo, env)
    assert (before.first, before.last) == (1, 4)
    (repo / "ai.py").write_text("import os\nimport sys\n\n" + AI_CODE)
    git(repo, env, "commit", "-q", "-a", "--amend", "--no-edit")
    (after,) = claims(repo, env)
    assert (after.first, after.last, after.fingerprint) == (4, 7, before.fingerprint)
    assert after.rationale == h.RATIONALE
    trailers = assert_one_clean_block(repo, env)
    assert trailers.count("Owned-by: Dev Name <dev@example.com>") == 1


def test_amend_after_claiming_turns_unowned_into_owned(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f", claim=False)
    assert not claims(repo, env)[0].owned
    ownit(repo, env, "claim", "ai.py:2", "-m", "Sums two constants; covered by test_f")
    git(repo, env, "commit", "-q", "--amend", "--no-edit")
    (claim,) = claims(repo, env)
    assert claim.owned and claim.rationale == "Sums two constants; covered by test_f"
    assert not any(t.startswith("AI-Unowned") for t in assert_one_clean_block(repo, env))


def test_amend_drops_claim_whose_code_is_gone(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f")
    (repo / "ai.py").write_text("def f():\n    return 3\n")
    result = git(repo, env, "commit", "-q", "-a", "--amend", "--no-edit")
    # What is left of the AI code (its first line) is no longer owned: the claim was on
    # code that changed, so it is stale and the old AI-Owned line is gone.
    assert [(c.first, c.last, c.owned) for c in claims(repo, env)] == [(1, 1, False)]
    assert not any("Owned-by" in t for t in assert_one_clean_block(repo, env))
    assert "claim is stale" in result.stderr


# --------------------------------------------------------------------------- rebase -i


def rebase_i(repo: Path, env: dict[str, str], todo_sed: str, upstream: str) -> None:
    editor = script(repo.parent, "seq-editor.sh", f"sed -i -e '{todo_sed}' \"$1\"\n")
    env2 = {**env, "GIT_SEQUENCE_EDITOR": editor, "GIT_EDITOR": "true"}
    git(repo, env2, "rebase", "-q", "-i", upstream)


def test_rebase_squash_gathers_and_reanchors(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f")
    (a,) = claims(repo, env)
    # The second commit moves f down by three lines and adds its own AI code.
    (repo / "ai.py").write_text("import os\nimport sys\n\n" + AI_CODE)
    commit_ai(repo, env, "b.py", "Add b", top="# b\n")
    git(repo, env, "add", "--", "ai.py")
    git(repo, env, "commit", "-q", "--amend", "--no-edit")
    rebase_i(repo, env, "2s/^pick/squash/", "HEAD~2")
    assert git(repo, env, "rev-list", "--count", "HEAD").stdout.strip() == "2"
    found = {c.path: c for c in claims(repo, env)}
    assert set(found) == {"ai.py", "b.py"}
    assert (found["ai.py"].first, found["ai.py"].last) == (4, 7)
    assert found["ai.py"].fingerprint == a.fingerprint
    assert (found["b.py"].first, found["b.py"].last) == (2, 5)
    trailers = assert_one_clean_block(repo, env)
    assert trailers.count("Owned-by: Dev Name <dev@example.com>") == 1
    assert trailers.count("Assisted-by: copilot") == 1


def test_squash_with_a_co_authored_commit_is_not_exact(repo: Path, env: dict[str, str]) -> None:
    """An exact commit squashed with one a co-author trailer marks as AI-assisted (made
    without ownit, nothing in the store): the result cannot say exactly which lines are
    AI, so it is not marked exact, and verify asks for the co-authored lines."""
    commit_ai(repo, env, "ai.py", "Add f")
    (repo / "claude.py").write_text("def g():\n    return 2\n")
    git(repo, env, "add", "claude.py")
    subject = "Add g\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    git(repo, env, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", subject)
    rebase_i(repo, env, "2s/^pick/squash/", "HEAD~2")
    text = message(repo, env)
    assert "Co-authored-by: Claude" in text and tr.EXACT_MARKER not in text
    (claim,) = claims(repo, env)
    assert claim.path == "ai.py" and claim.owned
    result = h.run(
        repo, env, str(h.VENV_BIN / "ownit"), "verify", "--json", "HEAD~1..HEAD", check=False
    )
    found = [(f["kind"], f["location"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("ai-commit-unclaimed", "claude.py:1-2")]


def test_rebase_fixup_keeps_the_commented_out_claims(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f")
    commit_ai(repo, env, "c.py", "fixup! Add f")
    assert "AI-Owned: c.py:1-4" in message(repo, env)
    env2 = {**env, "GIT_SEQUENCE_EDITOR": "true"}
    git(repo, env2, "rebase", "-q", "-i", "--autosquash", "HEAD~2")
    assert git(repo, env, "log", "-1", "--format=%s").stdout.strip() == "Add f"
    assert sorted(c.path for c in claims(repo, env)) == ["ai.py", "c.py"]
    assert_one_clean_block(repo, env)
    assert "fixup!" not in message(repo, env)


def test_rebase_fixup_that_removes_code_drops_its_claim(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f")
    commit_ai(repo, env, "b.py", "Add b")
    (repo / "ai.py").write_text("def f():\n    return 3\n")
    git(repo, env, "commit", "-q", "-a", "-m", "fixup! Add f")
    env2 = {**env, "GIT_SEQUENCE_EDITOR": "true"}
    git(repo, env2, "rebase", "-q", "-i", "--autosquash", "HEAD~3")
    assert git(repo, env, "log", "-1", "--format=%s", "HEAD~1").stdout.strip() == "Add f"
    first = tr.parse_message(message(repo, env, "HEAD~1")).claims
    assert first == ()
    assert [c.path for c in claims(repo, env)] == ["b.py"]


def test_rebase_onto_moved_code_updates_line_numbers(repo: Path, env: dict[str, str]) -> None:
    (repo / "ai.py").write_text("# top\n")
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Start ai.py")
    git(repo, env, "checkout", "-q", "-b", "feature")
    commit_ai(repo, env, "ai.py", "Add f", top="# top\n")
    git(repo, env, "checkout", "-q", "main")
    (repo / "ai.py").write_text("import os\nimport sys\n# top\n")
    git(repo, env, "commit", "-q", "-a", "-m", "Imports")
    git(repo, env, "checkout", "-q", "feature")
    git(repo, env, "rebase", "-q", "main")
    (claim,) = claims(repo, env)
    assert (claim.first, claim.last) == (4, 7)
    assert_one_clean_block(repo, env)


# --------------------------------------------------------------------------- cherry-pick


def test_cherry_pick_reanchors_and_keeps_x_line(repo: Path, env: dict[str, str]) -> None:
    (repo / "ai.py").write_text("# top\n")
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Start ai.py")
    git(repo, env, "checkout", "-q", "-b", "feature")
    commit_ai(repo, env, "ai.py", "Add f", top="# top\n")
    picked = git(repo, env, "rev-parse", "HEAD").stdout.strip()
    git(repo, env, "checkout", "-q", "main")
    (repo / "ai.py").write_text("import os\nimport sys\n# top\n")
    git(repo, env, "commit", "-q", "-a", "-m", "Imports")
    git(repo, env, "cherry-pick", "-x", picked)
    (claim,) = claims(repo, env)
    assert (claim.first, claim.last, claim.owned) == (4, 7, True)
    assert_one_clean_block(repo, env)
    assert message(repo, env).strip().splitlines()[-1] == f"(cherry picked from commit {picked})"


# --------------------------------------------------------------------------- merge --squash


def test_merge_squash_gathers_indented_claims(repo: Path, env: dict[str, str]) -> None:
    git(repo, env, "checkout", "-q", "-b", "feature")
    commit_ai(repo, env, "ai.py", "Add f")
    commit_ai(repo, env, "b.py", "Add b", claim=False)
    (repo / "ai.py").write_text("# header\n" + AI_CODE)
    git(repo, env, "commit", "-q", "-a", "-m", "Header")
    git(repo, env, "checkout", "-q", "main")
    git(repo, env, "merge", "-q", "--squash", "feature")
    squash_msg = (repo / ".git" / "SQUASH_MSG").read_text()
    assert "    AI-Owned: ai.py:1-4" in squash_msg
    # Parsed from the indented body of git's squash message.
    assert {c.path for c in tr.parse_message(squash_msg).claims} == {"ai.py", "b.py"}
    git(repo, env, "commit", "-q", "--no-edit")
    found = {c.path: c for c in claims(repo, env)}
    assert (found["ai.py"].first, found["ai.py"].last, found["ai.py"].owned) == (2, 5, True)
    assert not found["b.py"].owned
    assert_one_clean_block(repo, env)
    assert "    AI-Owned" not in message(repo, env)


# --------------------------------------------------------------------------- amend, any message


def _verify(repo: Path, env: dict[str, str], spec: str) -> tuple[int, dict[str, object]]:
    result = h.run(repo, env, str(h.VENV_BIN / "ownit"), "verify", "--json", spec, check=False)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


AMENDS = {
    "message": ["--amend", "-m", "New subject"],
    "no-edit": ["--amend", "--no-edit"],
    "file": ["--amend", "-F", "MESSAGE_FILE"],
    "reuse-head": ["--amend", "-C", "HEAD"],
    "abbreviated": ["--amen", "-qm", "New subject"],
    "alias": ["fix", "-m", "New subject"],
}


@pytest.mark.parametrize("how", sorted(AMENDS))
def test_amend_keeps_claims_whatever_the_message(repo: Path, env: dict[str, str], how: str) -> None:
    """Issue 9.5: `git commit --amend -m` gives prepare-commit-msg the source `message`;
    HEAD's claims must still be carried (re-anchored to the amended content), with the
    exact marker, and verify must see them."""
    commit_ai(repo, env, "ai.py", "Add f")
    (before,) = claims(repo, env)
    (repo / "ai.py").write_text("import os\n\n" + AI_CODE)
    (repo / "human.py").write_text("print('mine')\n")
    git(repo, env, "add", "ai.py", "human.py")
    args = [str(repo.parent / "msg.txt") if arg == "MESSAGE_FILE" else arg for arg in AMENDS[how]]
    (repo.parent / "msg.txt").write_text("Subject from a file\n\nBody.\n")
    git(repo, env, "config", "alias.fix", "commit --amend -q")
    git(repo, env, *(args if how == "alias" else ["commit", "-q", *args]))
    assert git(repo, env, "rev-list", "--count", "HEAD").stdout.strip() == "2"  # amended
    (after,) = claims(repo, env)
    assert (after.first, after.last) == (3, 6)
    assert (after.fingerprint, after.owned, after.rationale) == (
        before.fingerprint,
        True,
        h.RATIONALE,
    )
    trailers = assert_one_clean_block(repo, env)
    assert trailers.count(tr.EXACT_MARKER) == 1
    code, report = _verify(repo, env, "HEAD~1..HEAD")
    assert code == 0, report  # human.py is human: the marker says so


def test_a_message_that_says_amend_is_not_an_amend(repo: Path, env: dict[str, str]) -> None:
    commit_ai(repo, env, "ai.py", "Add f")
    (repo / "human.py").write_text("print('mine')\n")
    git(repo, env, "add", "human.py")
    git(repo, env, "commit", "-q", "-m", "--amend")
    assert git(repo, env, "rev-list", "--count", "HEAD").stdout.strip() == "3"
    assert h.head_trailers(repo, env) == []  # HEAD~1's claims stay where they are


def test_amend_without_proc_falls_back_on_the_author_git_keeps(
    repo: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no `git commit` ancestor can be read (no /proc, or git runs the hook from
    another command), an author identical to HEAD's to the second is what --amend keeps."""
    from ownit.commit import amend

    monkeypatch.setattr(amend, "amend_from_process", lambda cwd: None)
    author = git(repo, env, "log", "-1", "--format=%an%x00%ae%x00%ad", "--date=raw").stdout
    name, email, date = author.rstrip("\n").split("\0")
    monkeypatch.setenv("GIT_AUTHOR_NAME", name)
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", email)
    monkeypatch.setenv("GIT_AUTHOR_DATE", f"@{date}")
    assert amend.is_amend(repo, "message", "")
    assert amend.is_amend(repo, "commit", "HEAD")
    assert not amend.is_amend(repo, "commit", "abc123")
    seconds, zone = date.split()
    monkeypatch.setenv("GIT_AUTHOR_DATE", f"@{int(seconds) + 1} {zone}")
    assert not amend.is_amend(repo, "message", "")
    assert not amend.is_amend(repo, "", "")


def test_amend_is_read_from_the_git_commit_running_the_hook(
    repo: Path, env: dict[str, str]
) -> None:
    """The hook's own view: a prepare-commit-msg hook (chained before ownit's) asks
    ownit.commit.amend what it sees for several command lines."""
    probe = repo / ".git" / "hooks" / "prepare-commit-msg.ownit-chained"
    code = "import pathlib; from ownit.commit import amend; "
    code += "print(amend.amend_from_process(pathlib.Path.cwd()))"
    seen_file = repo / ".git" / "seen"
    probe.write_text(f"#!/bin/sh\n{h.VENV_BIN / 'python'} -c '{code}' >> '{seen_file}'\n")
    probe.chmod(0o755)
    for args in (
        ["commit", "-q", "--allow-empty", "-m", "--amend"],
        ["commit", "-q", "--allow-empty", "--amend", "-m", "x"],
        ["-c", "alias.fix=commit --amend --allow-empty", "fix", "-q", "--no-edit"],
        ["commit", "-q", "--allow-empty", "-C", "HEAD"],
    ):
        git(repo, env, *args)
    seen = seen_file.read_text().split()
    assert seen == ["False", "True", "True", "False"]


# ----------------------------------------------------- a rename, the hooks run twice


def _moved_commit(
    tmp_path: Path, env: dict[str, str], *, aborted_first: bool, others: int
) -> tuple[str, ...]:
    """Commit ai.py (an owned and an unowned region), `git mv` it with a line added on
    top, and commit that, optionally after a first commit aborted in the editor (an empty
    message: prepare-commit-msg runs, then git gives up). The rename commit's trailers
    and what the hooks said. ``others``: more committed files with regions (above
    planning.DIFF_ABOVE_FILES git lists the changed files)."""
    repo = new_repo(tmp_path / ("twice" if aborted_first else "once"), env, "dev@example.com")
    h.ownit(repo, env, "hooks", "install")
    for n in range(others):
        (repo / f"other{n}.py").write_text(f"def other{n}():\n    return {n}\n")
        h.mark(repo, f"other{n}.py", 1, 2)
        h.git(repo, env, "add", f"other{n}.py")
    (repo / "ai.py").write_text(_AI)
    h.mark(repo, "ai.py", 1, 2, claim=True)
    h.mark(repo, "ai.py", 4, 5)
    h.git(repo, env, "add", "ai.py")
    h.git(repo, env, "commit", "-q", "-m", "Add ai.py")
    (repo / "src").mkdir()
    h.git(repo, env, "mv", "ai.py", "src/moved.py")
    (repo / "src/moved.py").write_text("import os\n" + _AI)
    h.git(repo, env, "add", "src/moved.py")
    if aborted_first:
        empty = {**env, "GIT_EDITOR": "truncate -s 0"}
        aborted = h.git(repo, empty, "commit", check=False)
        assert aborted.returncode != 0 and "empty commit message" in aborted.stderr
    done = h.git(repo, env, "commit", "-m", "Move ai.py")
    said = "\n".join(line for line in done.stderr.splitlines() if "ownit" in line)
    return (*h.head_trailers(repo, env), said)


_AI = "def f():\n    return 1\n\ndef g():\n    return 2\n"


@pytest.mark.parametrize("others", [0, DIFF_ABOVE_FILES])
def test_a_rename_commit_aborted_once_gets_the_same_trailers(
    tmp_path: Path, env: dict[str, str], others: int
) -> None:
    once = _moved_commit(tmp_path, env, aborted_first=False, others=others)
    assert not any(line.startswith("AI-Unowned") for line in once)  # no AI line added
    assert _moved_commit(tmp_path, env, aborted_first=True, others=others) == once
