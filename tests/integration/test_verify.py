"""`ownit verify` against real repositories, real commits with real trailers, the real CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ownit.core.fingerprint import fingerprint
from tests.support import VENV_BIN, commit, git, new_repo, run

RATIONALE = "Checked each branch by hand; inputs are validated upstream"
DEV = "dev@example.com"


def verify(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    result = run(cwd, env, str(VENV_BIN / "ownit"), "verify", "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def kinds(report: dict[str, Any]) -> list[str]:
    return [f["kind"] for f in report["findings"]]


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    path = new_repo(tmp_path / "repo", env)
    (path / "base.py").write_text("one\ntwo\nthree\n")
    git(path, env, "add", "-A")
    git(path, env, "commit", "-q", "-m", "Initial")
    return path


CODE = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]
TEXT = "\n".join(CODE) + "\n"
FP = fingerprint(CODE)


def owned(path: str, first: int, last: int, fp: str, email: str = DEV, why: str = RATIONALE) -> str:
    return f"AI-Owned: {path}:{first}-{last} {fp} copilot {email} -- {why}"


def test_good_claim_passes(repo: Path, env: dict[str, str]) -> None:
    message = (
        f"Add f\n\nAssisted-by: copilot\nOwned-by: Dev Name <{DEV}>\n{owned('f.py', 1, 4, FP)}\n"
    )
    commit(repo, env, message, {"f.py": TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report
    assert report["findings"] == []
    assert report["commits"] == 1 and report["claims"] == 1
    assert "built-in defaults" in report["policy"]


def test_forged_fingerprint_is_rejected(repo: Path, env: dict[str, str]) -> None:
    message = f"Add f\n\nAssisted-by: copilot\n{owned('f.py', 1, 4, '0123456789ab')}\n"
    sha = commit(repo, env, message, {"f.py": TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    finding = report["findings"][0]
    assert finding["kind"] == "claim-mismatch"
    assert finding["commit"] == sha and finding["subject"] == "Add f"
    assert finding["location"] == "f.py:1-4"
    assert finding["fix"]


def test_claim_for_untouched_lines(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, "Add f\n", {"f.py": TEXT})
    # A claim-only commit: right fingerprint for lines it did not change is fine …
    commit(repo, env, f"Own f\n\n{owned('f.py', 1, 4, FP)}\n", {})
    # … a wrong one is not; neither is a path that is not in the tree, nor lines past the end.
    commit(repo, env, f"Own base\n\n{owned('base.py', 1, 2, FP)}\n", {})
    commit(repo, env, f"Own ghost\n\n{owned('ghost.py', 1, 2, FP)}\n", {})
    commit(repo, env, f"Own tail\n\n{owned('f.py', 9, 12, 'abcdefabcdef')}\n", {})
    code, report = verify(repo, env, "main~4..main")
    assert code == 1
    assert kinds(report) == ["claim-mismatch", "claim-path-missing", "claim-out-of-range"]
    assert [f["subject"] for f in report["findings"]] == ["Own base", "Own ghost", "Own tail"]


def test_someone_elses_email(repo: Path, env: dict[str, str]) -> None:
    message = f"Add f\n\n{owned('f.py', 1, 4, FP, email='victim@example.com')}\n"
    commit(repo, env, message, {"f.py": TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    assert kinds(report) == ["owner-not-committer"]
    assert "victim@example.com" in report["findings"][0]["message"]


def test_committer_email_counts(repo: Path, env: dict[str, str]) -> None:
    message = f"Add f\n\n{owned('f.py', 1, 4, FP, email='committer@example.com')}\n"
    (repo / "f.py").write_text(TEXT)
    git(repo, env, "add", "f.py")
    run_env = dict(env, GIT_COMMITTER_EMAIL="committer@example.com")
    result = run(repo, run_env, "git", "commit", "-q", "-F", "-", input=message)
    assert result.returncode == 0
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report


@pytest.mark.parametrize(
    ("trailer", "author"),
    [
        ("Co-authored-by: Claude <noreply@anthropic.com>", None),
        ("Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", None),
        ("Assisted-by: cursor", None),
        ("", "Dev Name (aider)"),
    ],
)
def test_ai_commit_without_claims(
    repo: Path, env: dict[str, str], trailer: str, author: str | None
) -> None:
    run_env = dict(env)
    if author:
        run_env["GIT_AUTHOR_NAME"] = author
    (repo / "g.py").write_text("x = 1\n\ny = 2\n")
    git(repo, env, "add", "g.py")
    message = "Add g\n" + (f"\n{trailer}\n" if trailer else "")
    result = run(repo, run_env, "git", "commit", "-q", "-F", "-", input=message)
    assert result.returncode == 0, result.stderr
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    assert kinds(report) == ["ai-commit-unclaimed"]
    assert report["findings"][0]["location"] == "g.py:1"
    assert "1, 3" in report["findings"][0]["message"]  # the blank line is not asked for


def test_ai_commit_with_claim_passes_and_human_commit_needs_none(
    repo: Path, env: dict[str, str]
) -> None:
    commit(repo, env, "Human change\n", {"h.py": "print('hi')\n"})
    message = (
        f"Add f\n\nCo-authored-by: Claude <noreply@anthropic.com>\n{owned('f.py', 1, 4, FP)}\n"
    )
    commit(repo, env, message, {"f.py": TEXT})
    code, report = verify(repo, env, "main~2..main")
    assert code == 0, report
    assert report["aiAssistedCommits"] == 1


def test_unowned_at_tip_then_owned_later(repo: Path, env: dict[str, str]) -> None:
    unowned = f"AI-Unowned: f.py:1-4 {FP} claude-code"
    commit(repo, env, f"Add f\n\nAssisted-by: claude-code\n{unowned}\n", {"f.py": TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    assert kinds(report) == ["unowned-at-tip"]
    # Lines moved down by a human commit: still found at the tip, at the new place.
    commit(repo, env, "Header\n", {"f.py": "# header\n" + TEXT})
    code, report = verify(repo, env, "main~2..main")
    assert report["findings"][0]["location"] == "f.py:2-5"
    # A later claim-only commit owns the same code.
    commit(repo, env, f"Own f\n\n{owned('f.py', 2, 5, FP)}\n", {})
    code, report = verify(repo, env, "main~3..main")
    assert code == 0, report


def test_unowned_code_gone_at_tip(repo: Path, env: dict[str, str]) -> None:
    unowned = f"AI-Unowned: f.py:1-4 {FP} claude-code"
    commit(repo, env, f"Add f\n\n{unowned}\n", {"f.py": TEXT})
    commit(repo, env, "Rewrite f\n", {"f.py": "def f(x):\n    return abs(x)\n"})
    code, report = verify(repo, env, "main~2..main")
    assert code == 0, report


def test_claims_in_the_body(repo: Path, env: dict[str, str]) -> None:
    # A server-side squash merge: the claims are in the body, some indented.
    other = ["y = 2", "z = 3"]
    message = (
        "Feature (#12)\n\n* Add f\n\n"
        f"    {owned('f.py', 1, 4, FP)}\n\n* Add g\n\n"
        f"{owned('g.py', 1, 2, fingerprint(other))}\n\nSome text after.\n"
    )
    commit(repo, env, message, {"f.py": TEXT, "g.py": "y = 2\nz = 3\n"})
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report
    assert report["claims"] == 2
    forged = "Squash (#13)\n\n  " + owned("f.py", 1, 4, "fedcba987654") + "\n"
    commit(repo, env, forged, {})
    code, report = verify(repo, env, "HEAD")
    assert kinds(report) == ["claim-mismatch"]


def test_moved_lines_are_info(repo: Path, env: dict[str, str]) -> None:
    message = f"Add f\n\n{owned('f.py', 1, 4, FP)}\n"
    commit(repo, env, message, {"f.py": "# a\n# b\n" + TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 0
    assert [i["kind"] for i in report["info"]] == ["claim-moved"]
    assert report["info"][0]["location"] == "f.py:3-6"


def test_rationale_rules(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, f"Add f\n\n{owned('f.py', 1, 4, FP, why='lgtm')}\n", {"f.py": TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    assert kinds(report) == ["rationale-rejected"]


POLICY = """\
version: 1
rules:
  - name: auth
    paths: ["src/auth/**"]
    owners: ["*@example.com"]
    second_owner: true
    commit: block
"""


def test_policy_comes_from_the_base(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, "Policy\n", {".ownit.yaml": POLICY})
    base = git(repo, env, "rev-parse", "HEAD").strip()
    # The PR weakens the policy and adds an auth claim by one owner.
    commit(repo, env, "Relax policy\n", {".ownit.yaml": "version: 1\n"})
    message = f"Add auth\n\n{owned('src/auth/t.py', 1, 4, FP)}\n"
    commit(repo, env, message, {"src/auth/t.py": TEXT})
    code, report = verify(repo, env, f"{base}..HEAD")
    assert code == 1
    assert kinds(report) == ["owner-rule"]
    assert "two distinct owners" in report["findings"][0]["message"]
    assert report["policy"] == f".ownit.yaml at base {base[:10]}"
    # The text output says which policy was used too.
    text = run(repo, env, str(VENV_BIN / "ownit"), "verify", f"{base}..HEAD")
    assert f"policy: .ownit.yaml at base {base[:10]}" in text.stdout
    # A second owner, in a claim-only commit of their own, satisfies the rule.
    second = "sec@example.com"
    env2 = dict(env, GIT_AUTHOR_EMAIL=second, GIT_COMMITTER_EMAIL=second)
    claim = owned("src/auth/t.py", 1, 4, FP, email=second)
    result = run(
        repo, env2, "git", "commit", "-q", "--allow-empty", "-F", "-", input=f"Own\n\n{claim}\n"
    )
    assert result.returncode == 0
    code, report = verify(repo, env, f"{base}..HEAD")
    assert code == 0, report


def test_owners_and_block(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, "Policy\n", {".ownit.yaml": POLICY})
    env2 = dict(env, GIT_AUTHOR_EMAIL="x@evil.test", GIT_COMMITTER_EMAIL="x@evil.test")
    (repo / "src/auth").mkdir(parents=True)
    (repo / "src/auth/t.py").write_text(TEXT)
    git(repo, env, "add", "-A")
    message = f"Add auth\n\n{owned('src/auth/t.py', 1, 4, FP, email='x@evil.test')}\n"
    assert run(repo, env2, "git", "commit", "-q", "-F", "-", input=message).returncode == 0
    unowned = f"AI-Unowned: src/auth/u.py:1-4 {FP} copilot"
    commit(repo, env, f"Add u\n\n{unowned}\n", {"src/auth/u.py": TEXT})
    code, report = verify(repo, env, "main~2..main")
    assert code == 1
    assert sorted(kinds(report)) == ["blocked-unowned", "owner-not-allowed"]


def test_codeowner(repo: Path, env: dict[str, str]) -> None:
    policy = (
        "version: 1\nhandles:\n  '@sec': [boss@example.com]\nrules:\n"
        "  - name: core\n    paths: ['core/**']\n    codeowner: true\n"
    )
    commit(repo, env, "Policy\n", {".ownit.yaml": policy, "CODEOWNERS": "core/ @sec\n"})
    commit(repo, env, f"Add core\n\n{owned('core/a.py', 1, 4, FP)}\n", {"core/a.py": TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    assert kinds(report) == ["owner-rule"]
    assert "CODEOWNERS" in report["findings"][0]["message"]


@pytest.mark.parametrize("name", ["dir with space/a b.py", "100%/p%41.py", "src/données/é.py"])
def test_odd_paths(repo: Path, env: dict[str, str], name: str) -> None:
    from ownit.core.trailers import encode_path

    message = f"Add\n\n{owned(encode_path(name), 1, 4, FP)}\n"
    commit(repo, env, message, {name: TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report
    # An AI-assisted commit without a claim names the path as it is.
    run_msg = "Add more\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    commit(repo, env, run_msg, {name: TEXT + "extra = 1\n"})
    code, report = verify(repo, env, "HEAD")
    assert code == 1
    assert report["findings"][0]["path"] == name
    assert report["findings"][0]["location"] == f"{name}:5"


def test_initial_commit_and_all(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "fresh"
    path.mkdir()
    git(path, env, "init", "-q", "-b", "main")
    git(path, env, "config", "user.name", "Dev Name")
    git(path, env, "config", "user.email", DEV)
    commit(path, env, f"Root\n\n{owned('f.py', 1, 4, 'aaaaaaaaaaaa')}\n", {"f.py": TEXT})
    code, report = verify(path, env, "HEAD")
    assert code == 1 and kinds(report) == ["claim-mismatch"]
    assert "no base" in report["policy"]
    code, report = verify(path, env, "--all")
    assert report["commits"] == 1


def test_usage_errors(repo: Path, env: dict[str, str]) -> None:
    ownit = str(VENV_BIN / "ownit")
    result = run(repo, env, ownit, "verify")
    assert result.returncode == 2
    assert "no upstream" in result.stderr and "ownit verify origin/main..HEAD" in result.stderr
    git(repo, env, "checkout", "-q", "--detach")
    result = run(repo, env, ownit, "verify")
    assert result.returncode == 2 and "detached" in result.stderr
    result = run(repo, env, ownit, "verify", "nope..HEAD")
    assert result.returncode == 2 and "unknown revision 'nope'" in result.stderr
    result = run(repo, env, ownit, "verify", "--all", "HEAD")
    assert result.returncode == 2


def test_detached_head_with_range_and_empty_range(repo: Path, env: dict[str, str]) -> None:
    commit(repo, env, f"Add f\n\n{owned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    git(repo, env, "checkout", "-q", "--detach")
    code, report = verify(repo, env, "main~1..HEAD")
    assert code == 0 and report["commits"] == 1
    code, report = verify(repo, env, "HEAD..HEAD")
    assert code == 0 and report["commits"] == 0
    text = run(repo, env, str(VENV_BIN / "ownit"), "verify", "HEAD..HEAD")
    assert "range is empty" in text.stdout


def test_upstream_default(tmp_path: Path, repo: Path, env: dict[str, str]) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, env, "init", "-q", "--bare", str(remote))
    git(repo, env, "remote", "add", "origin", str(remote))
    git(repo, env, "push", "-q", "-u", "origin", "main")
    commit(repo, env, f"Add f\n\n{owned('f.py', 1, 4, 'bbbbbbbbbbbb')}\n", {"f.py": TEXT})
    code, report = verify(repo, env)
    assert code == 1 and report["commits"] == 1
    assert report["range"] == "@{upstream}..HEAD"


def test_shallow_clone(tmp_path: Path, repo: Path, env: dict[str, str]) -> None:
    for n in range(3):
        message = f"AI {n}\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
        commit(repo, env, message, {f"s{n}.py": f"v = {n}\n"})
    clone = tmp_path / "shallow"
    git(tmp_path, env, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    ownit = str(VENV_BIN / "ownit")
    result = run(clone, env, ownit, "verify", "HEAD~5..HEAD")
    assert result.returncode == 2 and "shallow" in result.stderr
    code, report = verify(clone, env, "--all")
    assert code == 1
    # The boundary commit cannot be judged on added lines: said, not guessed.
    assert [i["kind"] for i in report["info"]] == ["shallow-history"]
    assert kinds(report) == ["ai-commit-unclaimed"]


def test_hooks_written_trailers_verify(repo: Path, env: dict[str, str]) -> None:
    """Claims written by ownit's own hooks pass verify; the same commit amended with a
    forged line does not."""
    import time

    from ownit.core.model import Claim, Region, Source
    from ownit.git.repo import find_repository, store_path
    from ownit.store import Store, new_region_id

    assert run(repo, env, str(VENV_BIN / "ownit"), "hooks", "install").returncode == 0
    (repo / "ai.py").write_text(TEXT + "human()\n")
    found = find_repository(repo, refresh=True)
    assert found is not None
    region = Region(
        new_region_id(), "ai.py", 0, 4, "claude-code", Source.AGENT_HOOK, time.time(), FP, None
    )
    with Store.open(store_path(found)) as store:
        store.add_region(region, (repo / "ai.py").read_text())
        store.add_claim(Claim(region.id, "Dev Name", DEV, RATIONALE, FP, time.time()))
    git(repo, env, "add", "ai.py")
    result = run(repo, env, "git", "commit", "-q", "-m", "Add ai")
    assert result.returncode == 0, result.stderr
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report
    assert report["claims"] == 1


# ------------------------------------------------- issue 9: what verify reads and decides


def test_claim_for_a_path_with_a_space_that_is_not_there(repo: Path, env: dict[str, str]) -> None:
    """Issue 9.2: `git cat-file` answers `<rev>:no such.py missing`; verify once crashed
    on it instead of reporting the claim."""
    commit(repo, env, f"Own it\n\n{owned('no%20such.py', 1, 1, FP)}\n", {})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    assert kinds(report) == ["claim-path-missing"]
    assert report["findings"][0]["path"] == "no such.py"


GEN = [f"value_{n} = {n} * 2" for n in range(1, 13)]
GEN_TEXT = "\n".join(GEN) + "\n"


def test_a_partial_claim_does_not_cover_a_commit_level_ai_commit(
    repo: Path, env: dict[str, str]
) -> None:
    """Issue 9.3: `Assisted-by:` without ownit's marker makes every added line AI; one
    claim for line 1 leaves lines 2-12 reported."""
    claim = owned("gen.py", 1, 1, fingerprint(GEN[:1]))
    commit(repo, env, f"Add gen\n\nAssisted-by: copilot\n{claim}\n", {"gen.py": GEN_TEXT})
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["kind"], finding["location"]) == ("ai-commit-unclaimed", "gen.py:2-12")
    assert "11 lines" in finding["message"] and "(2-12)" in finding["message"]


def test_an_exact_commit_makes_only_its_claim_lines_ai(repo: Path, env: dict[str, str]) -> None:
    """Issue 9.4, the rule itself: with `AI-Lines: exact` next to the claims, the other
    lines (of the file and of other files) are human, and `Assisted-by:` / a co-author in
    the same group attribute nothing more; outside the group, they still do."""
    claim = owned("gen.py", 1, 1, fingerprint(GEN[:1]))
    group = f"Assisted-by: copilot\n{claim}\nAI-Lines: exact\n"
    files = {"gen.py": GEN_TEXT, "human.py": "print('mine')\n"}
    commit(repo, env, f"Add gen\n\n{group}", files)
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report
    assert report["aiAssistedCommits"] == 1  # AI helped: exactly where its claims say
    # A co-author in another paragraph (a squashed commit of its own) is commit-level.
    other = "Add more\n\n* second commit\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n"
    commit(repo, env, other + group.replace("gen.py", "gen2.py"), {"gen2.py": GEN_TEXT})
    code, report = verify(repo, env, "HEAD")
    assert code == 1
    assert [(f["kind"], f["location"]) for f in report["findings"]] == [
        ("ai-commit-unclaimed", "gen2.py:2-12")
    ]
    # The marker alone, or with no claim line, is no statement.
    commit(repo, env, "More\n\nAssisted-by: copilot\nAI-Lines: exact\n", {"x.py": "x = 1\n"})
    code, report = verify(repo, env, "HEAD")
    assert [(f["kind"], f["location"]) for f in report["findings"]] == [
        ("ai-commit-unclaimed", "x.py:1")
    ]


def _hooks_and_region(repo: Path, env: dict[str, str], rel: str, text: str, claim: bool) -> None:
    from tests.integration import test_hooks as h

    assert run(repo, env, str(VENV_BIN / "ownit"), "hooks", "install").returncode == 0
    (repo / rel).write_text(text)
    h.mark(repo, rel, 1, 4, "copilot", claim=claim)


def test_honest_mixed_commit_through_the_hooks_passes(repo: Path, env: dict[str, str]) -> None:
    """Issue 9.4: an owned AI region in a.py and human lines in b.py, committed through
    ownit's hooks: ownit's own Assisted-by does not make b.py AI."""
    _hooks_and_region(repo, env, "a.py", TEXT, claim=True)
    (repo / "b.py").write_text("def human():\n    return 'written by hand'\n    # really\n")
    git(repo, env, "add", "a.py", "b.py")
    git(repo, env, "commit", "-q", "-m", "Mixed")
    parsed = git_parse(git(repo, env, "log", "-1", "--format=%B"))
    assert parsed == [
        "Assisted-by: copilot",
        f"Owned-by: Dev Name <{DEV}>",
        owned("a.py", 1, 4, FP),
        "AI-Lines: exact",
    ]
    code, report = verify(repo, env, "main~1..main")
    assert code == 0, report


def git_parse(message: str) -> list[str]:
    result = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize("typed_claim", [False, True])
def test_a_typed_marker_is_not_kept(repo: Path, env: dict[str, str], typed_claim: bool) -> None:
    """`AI-Lines: exact` typed into a message goes through the hooks like any typed ownit
    line: dropped, since ownit did not work out the set (nothing in its store here). A
    typed claim line for real code is kept, without the marker: it covers its own lines
    and no more."""
    assert run(repo, env, str(VENV_BIN / "ownit"), "hooks", "install").returncode == 0
    claim = owned("gen.py", 1, 1, fingerprint(GEN[:1])) + "\n" if typed_claim else ""
    message = f"Add gen\n\nAssisted-by: copilot\n{claim}AI-Lines: exact\n"
    commit(repo, env, message, {"gen.py": GEN_TEXT})
    body = git(repo, env, "log", "-1", "--format=%B")
    assert "AI-Lines" not in body
    code, report = verify(repo, env, "main~1..main")
    assert code == 1
    expected = "gen.py:2-12" if typed_claim else "gen.py:1-12"
    assert [(f["kind"], f["location"]) for f in report["findings"]] == [
        ("ai-commit-unclaimed", expected)
    ]


FAKE = "%1B%5B2K%0Ano%20problems%20found%0A"


def test_commit_data_cannot_inject_terminal_escapes(repo: Path, env: dict[str, str]) -> None:
    """Issue 9.12: a forged e-mail, tool, path and subject decode to ESC sequences and
    newlines; the text output of verify, report and blame shows them escaped."""
    ownit = str(VENV_BIN / "ownit")
    claim = f"AI-Owned: f.py:1-4 {FP} {FAKE} {FAKE} -- {RATIONALE}"
    subject = "Add f \x1b]0;pwned\x07"
    commit(repo, env, f"{subject}\n\nAssisted-by: {FAKE}\n{claim}\n", {"f.py": TEXT})
    outputs = {
        "verify": run(repo, env, ownit, "verify", "main~1..main").stdout,
        "report": run(repo, env, ownit, "report").stdout,
        "markdown": run(repo, env, ownit, "report", "--markdown").stdout,
        "blame": run(repo, env, ownit, "blame", "f.py").stdout,
    }
    for name, out in outputs.items():
        assert "\x1b" not in out and "\x07" not in out, name
        assert "no problems found" not in out.splitlines(), name
    assert "\\x1b[2K\\nno problems found" in outputs["verify"]
    assert "\\x1b]0;pwned\\x07" in outputs["verify"]
    assert "\\x1b[2K" in outputs["blame"] and "\\x1b[2K" in outputs["report"]
