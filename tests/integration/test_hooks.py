"""ownit's git hooks end to end: real repositories, real `git commit`, the venv's ownit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ownit.commit.install import RUN_HOOK
from ownit.core import trailers as tr
from ownit.core.fingerprint import fingerprint
from ownit.core.model import Claim, Region, Source
from ownit.core.text import split_lines, strip_terminator
from ownit.git.repo import find_repository, store_path
from ownit.store import Store, new_region_id
from tests.support import VENV_BIN, new_repo, run

RATIONALE = "Checked each branch by hand; inputs are validated upstream"


def git(
    cwd: Path, env: dict[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run(cwd, env, "git", *args, check=check)


def ownit(
    cwd: Path, env: dict[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return run(cwd, env, str(VENV_BIN / "ownit"), *args, check=check)


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    path = new_repo(tmp_path / "repo", env, "dev@example.com")
    (path / "base.py").write_text("one\ntwo\nthree\n")
    git(path, env, "add", "base.py")
    git(path, env, "commit", "-q", "-m", "Initial")
    ownit(path, env, "hooks", "install")
    return path


def head_trailers(repo: Path, env: dict[str, str]) -> list[str]:
    out = git(repo, env, "log", "-1", "--format=%(trailers:only,unfold)").stdout
    return [line for line in out.splitlines() if line]


def committed_lines(repo: Path, env: dict[str, str], path: str) -> list[str]:
    return git(repo, env, "show", f"HEAD:{path}").stdout.split("\n")[:-1]


def mark(
    cwd: Path,
    rel: str,
    first: int,
    last: int,
    tool: str = "copilot",
    model: str | None = None,
    *,
    claim: bool = False,
) -> str:
    """Record lines ``first``-``last`` (1-based) of ``cwd/rel`` as AI-written in the
    repository's real store, as the language server would; optionally claim them."""
    found = find_repository(cwd, refresh=True)
    assert found is not None
    text = (cwd / rel).read_text()
    lines = [strip_terminator(line) for line in split_lines(text)]
    fp = fingerprint(lines[first - 1 : last])
    key = found.relpath(cwd / rel)
    region = Region(
        new_region_id(), key, first - 1, last, tool, Source.AGENT_HOOK, time.time(), fp, model
    )
    with Store.open(store_path(found)) as store:
        store.add_region(region, text)
        if claim:
            store.add_claim(
                Claim(region.id, "Dev Name", "dev@example.com", RATIONALE, fp, time.time())
            )
    return region.id


def add_ai_file(repo: Path, env: dict[str, str], name: str = "ai.py", *, claim: bool) -> None:
    (repo / name).write_text("def f():\n    x = 1\n    y = 2\n    return x + y\nhuman()\n")
    mark(repo, name, 1, 4, "claude-code", "sonnet", claim=claim)


def check_fingerprints(repo: Path, env: dict[str, str]) -> list[tr.ClaimLine]:
    message = git(repo, env, "log", "-1", "--format=%B").stdout
    claims = list(tr.parse_message(message).claims)
    for claim in claims:
        lines = committed_lines(repo, env, claim.path)[claim.first - 1 : claim.last]
        assert fingerprint(lines) == claim.fingerprint, claim
    return claims


def test_install_writes_marked_hooks(repo: Path, env: dict[str, str]) -> None:
    for name in ("prepare-commit-msg", "commit-msg", "post-commit"):
        hook = repo / ".git" / "hooks" / name
        assert "ownit-managed-hook" in hook.read_text()
        assert os.access(hook, os.X_OK)
    again = ownit(repo, env, "hooks", "install", "--json")
    assert {h["action"] for h in json.loads(again.stdout)["hooks"]} == {"unchanged"}


def test_owned_region_gets_trailers_and_is_recorded(repo: Path, env: dict[str, str]) -> None:
    add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    preview = json.loads(ownit(repo, env, "trailers", "--json").stdout)
    result = git(repo, env, "commit", "-q", "-m", "Add f")
    assert "nobody owns" not in result.stderr
    trailers = head_trailers(repo, env)
    assert trailers == preview["trailers"]
    assert trailers[:2] == [
        "Assisted-by: claude-code:sonnet",
        "Owned-by: Dev Name <dev@example.com>",
    ]
    (claim,) = check_fingerprints(repo, env)
    assert (claim.path, claim.first, claim.last, claim.owner_email) == (
        "ai.py",
        1,
        4,
        "dev@example.com",
    )
    assert claim.rationale == RATIONALE
    # The installed post-commit only set the commit's record aside (no Python start)...
    head = git(repo, env, "rev-parse", "HEAD").stdout.strip()
    record = repo / ".git" / "ownit" / "committed" / f"{head}.json"
    assert record.exists()
    # ...and the next reader of the store records it: an unrelated next commit carries
    # nothing, and the record is in the store.
    (repo / "base.py").write_text("one\ntwo\nthree\nfour\n")
    git(repo, env, "commit", "-q", "-am", "More")
    assert head_trailers(repo, env) == []
    assert not record.exists()
    found = find_repository(repo)
    assert found is not None
    with Store.open(store_path(found)) as store:
        events = [e for e in store.events() if e.kind == "committed"]
    assert [json.loads(e.detail)["commit"] for e in events] == [head]


def test_unowned_region_warns_with_how_to_own(repo: Path, env: dict[str, str]) -> None:
    add_ai_file(repo, env, claim=False)
    git(repo, env, "add", "ai.py")
    result = git(repo, env, "commit", "-q", "-m", "Add f")
    assert "ai.py:1-4" in result.stderr
    assert 'ownit claim ai.py:1 -m "' in result.stderr
    (claim,) = check_fingerprints(repo, env)
    assert not claim.owned
    assert head_trailers(repo, env) == [
        "Assisted-by: claude-code:sonnet",
        f"AI-Unowned: ai.py:1-4 {claim.fingerprint} claude-code:sonnet",
        "AI-Lines: exact",
    ]


def test_partial_staging_splits_the_region(repo: Path, env: dict[str, str]) -> None:
    add_ai_file(repo, env, claim=True)
    # Stage a version holding only lines 1-2 of the region, then a human line, then line 4.
    staged = "def f():\n    x = 1\n# human, staged\n    return x + y\n"
    blob = run(
        repo, env, "git", "hash-object", "-w", "--stdin", input=staged, check=True
    ).stdout.strip()
    git(repo, env, "update-index", "--add", "--cacheinfo", f"100644,{blob},ai.py")
    git(repo, env, "commit", "-q", "-m", "Part of f")
    claims = check_fingerprints(repo, env)
    assert [(c.first, c.last, c.owned) for c in claims] == [(1, 2, True), (4, 4, True)]
    # The rest goes in with the next commit.
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Rest of f")
    rest = check_fingerprints(repo, env)
    assert [(c.first, c.last) for c in rest] == [(1, 4)]


def test_amend_and_signoff_keep_one_set(repo: Path, env: dict[str, str]) -> None:
    add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-s", "-m", "Add f")
    first = head_trailers(repo, env)
    assert "Signed-off-by: Dev Name <dev@example.com>" in first
    git(repo, env, "commit", "-q", "--amend", "--no-edit")
    git(repo, env, "commit", "-q", "--amend", "-s", "--no-edit")
    assert head_trailers(repo, env) == first


def test_empty_editor_message_still_aborts(repo: Path, env: dict[str, str]) -> None:
    add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    result = git(repo, env, "commit", check=False)
    assert result.returncode != 0
    assert "empty commit message" in result.stderr
    editor = repo.parent / "editor.sh"
    editor.write_text(
        "#!/bin/sh\n"
        '{ printf "Written in the editor\\n"; cat "$1"; } > "$1.new" && mv "$1.new" "$1"\n'
    )
    editor.chmod(0o755)
    git(repo, env, "-c", f"core.editor={editor}", "commit", check=False)
    env2 = {**env, "GIT_EDITOR": str(editor)}
    git(repo, env2, "commit", "-q")
    assert git(repo, env, "log", "-1", "--format=%s").stdout.strip() == "Written in the editor"
    assert any(t.startswith("AI-Owned: ai.py:1-4") for t in head_trailers(repo, env))


def test_subdirectory_initial_commit_detached_head(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "fresh"
    path.mkdir()
    git(path, env, "init", "-q", "-b", "main")
    git(path, env, "config", "user.name", "Dev Name")
    git(path, env, "config", "user.email", "dev@example.com")
    ownit(path, env, "hooks", "install")
    sub = path / "pkg"
    sub.mkdir()
    (sub / "m.py").write_text("a = 1\nb = 2\n")
    mark(sub, "m.py", 1, 2, "copilot")
    git(sub, env, "add", "m.py")
    git(sub, env, "commit", "-q", "-m", "Initial from a subdirectory")
    assert check_fingerprints(path, env)[0].path == "pkg/m.py"
    git(path, env, "checkout", "-q", "--detach")
    (sub / "m.py").write_text("a = 1\nb = 2\nc = 3\n")
    mark(path, "pkg/m.py", 3, 3, "copilot")
    git(path, env, "commit", "-q", "-am", "On a detached HEAD")
    assert [(c.first, c.last) for c in check_fingerprints(path, env)] == [(3, 3)]


def test_no_user_email_is_gits_clear_error(repo: Path, env: dict[str, str]) -> None:
    git(repo, env, "config", "--unset", "user.email")
    add_ai_file(repo, env, claim=False)
    git(repo, env, "add", "ai.py")
    env2 = {k: v for k, v in env.items() if "EMAIL" not in k}
    result = git(repo, env2, "-c", "user.useConfigOnly=true", "commit", "-m", "x", check=False)
    assert result.returncode != 0
    assert "user.email" in result.stderr or "identity" in result.stderr.lower()
    # ownit's own commands do not need an identity to preview.
    assert "AI-Unowned: ai.py:1-4" in ownit(repo, env2, "trailers").stdout


def test_foreign_hook_is_chained_and_restored(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "r"
    path.mkdir()
    git(path, env, "init", "-q", "-b", "main")
    git(path, env, "config", "user.name", "Dev Name")
    git(path, env, "config", "user.email", "dev@example.com")
    hooks = path / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    foreign = hooks / "commit-msg"
    foreign.write_text('#!/bin/sh\necho "Reviewed-on: somewhere" >> "$1"\n')
    foreign.chmod(0o755)
    actions = json.loads(ownit(path, env, "hooks", "install", "--json").stdout)["hooks"]
    assert {a["hook"]: a["action"] for a in actions}["commit-msg"] == "chained"
    assert (hooks / "commit-msg.ownit-chained").exists()
    (path / "m.py").write_text("a = 1\n")
    mark(path, "m.py", 1, 1, "copilot")
    git(path, env, "add", "m.py")
    git(path, env, "commit", "-q", "-m", "Chained")
    trailers = head_trailers(path, env)
    assert "Reviewed-on: somewhere" in trailers
    assert any(t.startswith("AI-Unowned: m.py:1-1") for t in trailers)
    # A failing foreign hook still stops the commit.
    (hooks / "commit-msg.ownit-chained").write_text("#!/bin/sh\nexit 3\n")
    (path / "m.py").write_text("a = 2\n")
    assert git(path, env, "commit", "-qam", "blocked", check=False).returncode != 0
    ownit(path, env, "hooks", "uninstall")
    assert foreign.read_text() == "#!/bin/sh\nexit 3\n"
    assert not (hooks / "commit-msg.ownit-chained").exists()
    assert not (hooks / "prepare-commit-msg").exists()


def test_refuses_when_chained_name_is_taken_unless_forced(repo: Path, env: dict[str, str]) -> None:
    hooks = repo / ".git" / "hooks"
    (hooks / "post-commit").write_text("#!/bin/sh\necho new foreign\n")
    (hooks / "post-commit.ownit-chained").write_text("#!/bin/sh\necho old foreign\n")
    result = ownit(repo, env, "hooks", "install", check=False)
    assert result.returncode == 2
    assert "--force" in result.stderr
    assert (hooks / "post-commit").read_text() == "#!/bin/sh\necho new foreign\n"
    ownit(repo, env, "hooks", "install", "--force")
    assert (hooks / "post-commit.ownit-chained").read_text() == "#!/bin/sh\necho new foreign\n"
    assert (
        hooks / "post-commit.ownit-chained.1.bak"
    ).read_text() == "#!/bin/sh\necho old foreign\n"


def test_core_hooks_path_and_fallback_python(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "r"
    path.mkdir()
    git(path, env, "init", "-q", "-b", "main")
    git(path, env, "config", "user.name", "Dev Name")
    git(path, env, "config", "user.email", "dev@example.com")
    git(path, env, "config", "core.hooksPath", ".githooks")
    ownit(path, env, "hooks", "install")
    assert (path / ".githooks" / "prepare-commit-msg").exists()
    (path / "m.py").write_text("a = 1\n")
    mark(path, "m.py", 1, 1, "copilot")
    git(path, env, "add", "m.py")
    bare = {**env, "PATH": "/usr/bin:/bin"}  # no ownit on PATH: the installing python runs it
    git(path, bare, "commit", "-q", "-m", "GUI client")
    assert any(t.startswith("AI-Unowned: m.py:1-1") for t in head_trailers(path, env))


def test_worktree_uses_shared_hooks(repo: Path, env: dict[str, str]) -> None:
    wt = repo.parent / "wt"
    git(repo, env, "worktree", "add", "-q", str(wt))
    (wt / "w.py").write_text("w = 1\n")
    mark(wt, "w.py", 1, 1, "cursor")
    git(wt, env, "add", "w.py")
    git(wt, env, "commit", "-q", "-m", "In a worktree")
    assert any(t.startswith("AI-Unowned: w.py:1-1") for t in head_trailers(wt, env))


def test_new_file_with_a_space_keeps_every_trailer(repo: Path, env: dict[str, str]) -> None:
    """Issue 9.1: `git cat-file --batch` answers `HEAD:my file.py missing` for a new
    file; that answer once failed the hook and cost every file its trailers."""
    (repo / "other.py").write_text("x = 1\n")
    mark(repo, "other.py", 1, 1, claim=True)
    (repo / "my file.py").write_text("def g():\n    return 1\n")
    mark(repo, "my file.py", 1, 2)
    git(repo, env, "add", "-A")
    result = git(repo, env, "commit", "-q", "-m", "add two files")
    assert "hook failed" not in result.stderr
    claims = {c.path: c for c in check_fingerprints(repo, env)}
    assert set(claims) == {"other.py", "my file.py"}
    assert claims["other.py"].owned and not claims["my file.py"].owned
    assert f"AI-Unowned: my%20file.py:1-2 {claims['my file.py'].fingerprint} copilot" in (
        head_trailers(repo, env)
    )


def test_a_file_ownit_fails_on_costs_only_its_own_trailers(
    repo: Path,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Fault injection: mapping one file's regions onto its staged blob raises. The hook
    says which file and why, and every other file still gets its trailers."""
    from ownit.commit import runner as hook_runner
    from ownit.core import linemap

    (repo / "good.py").write_text("def f():\n    return 1\n")
    mark(repo, "good.py", 1, 2, claim=True)
    (repo / "bad.py").write_text("BOOM = 1\n")
    mark(repo, "bad.py", 1, 1, claim=True)
    # Edited since it was marked: its regions must be mapped by a diff.
    (repo / "bad.py").write_text("BOOM = 1\nmore = 2\n")
    git(repo, env, "add", "-A")
    real_line_map = linemap.line_map

    def failing_line_map(old: list[str], new: list[str]) -> list[int | None]:
        if "BOOM = 1" in new:
            raise ValueError("injected failure")
        return real_line_map(old, new)

    # (the hook imports the line maps where it makes a plan)
    monkeypatch.setattr(linemap, "line_map", failing_line_map)
    monkeypatch.chdir(repo)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    message = repo / ".git" / "COMMIT_EDITMSG"
    message.write_text("Add two files\n")
    assert hook_runner.run("prepare-commit-msg", [str(message), "message"]) == 0
    err = capsys.readouterr().err
    assert "bad.py" in err and "injected failure" in err and "every other file" in err
    written = tr.parse_message(message.read_text())
    assert [(c.path, c.owned) for c in written.claims] == [("good.py", True)]
    # bad.py's AI lines are not in the trailers: the set is not exact.
    assert not written.exact


def _verify_json(repo: Path, env: dict[str, str], spec: str) -> tuple[int, dict[str, object]]:
    result = ownit(repo, env, "verify", "--json", spec, check=False)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("configured", "committed"),
    [
        ("<dev@example.com>", "dev@example.com"),
        ("dev\n@example.com", "dev@example.com"),
        ("dev@example.com.", "dev@example.com"),
        ("  'dev@example.com'", "dev@example.com"),
        ("d<e>v@example.com", "dev@example.com"),
    ],
)
def test_claim_names_the_owner_as_git_writes_the_commit(
    repo: Path, env: dict[str, str], configured: str, committed: str
) -> None:
    """Issue 9.11: ownit once wrote the raw user.email; git writes it sanitised, and
    verify then said the owner was not the committer."""
    git(repo, env, "config", "user.email", configured)
    (repo / "ai.py").write_text("def f():\n    return 1\n")
    ownit(repo, env, "mark", "ai.py", "--lines", "1-2", "--tool", "copilot")
    ownit(repo, env, "claim", "ai.py:1", "-m", RATIONALE)
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Add f")
    assert git(repo, env, "log", "-1", "--format=%ae").stdout.strip() == committed
    (claim,) = check_fingerprints(repo, env)
    assert claim.owner_email == committed
    code, report = _verify_json(repo, env, "HEAD~1..HEAD")
    assert code == 0, report


def test_an_email_git_would_empty_is_refused(repo: Path, env: dict[str, str]) -> None:
    git(repo, env, "config", "user.email", "<>")
    (repo / "ai.py").write_text("def f():\n    return 1\n")
    ownit(repo, env, "mark", "ai.py", "--lines", "1-2", "--tool", "copilot")
    result = ownit(repo, env, "claim", "ai.py:1", "-m", RATIONALE, check=False)
    assert result.returncode == 2
    assert "user.email '<>' is empty once git drops" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["a\rb.py", "ends\r", "new\nline.py"])
def test_paths_git_cannot_take_on_a_batch_line_are_claimed_and_verified(
    repo: Path, env: dict[str, str], name: str
) -> None:
    """Issue 9.11: a path holding a carriage return (or a newline) is written by the hook
    and read back by verify (it once skipped such paths: claim-path-missing)."""
    (repo / name).write_text("def f():\n    return 1\n")
    mark(repo, name, 1, 2, claim=True)
    git(repo, env, "add", "--", name)
    git(repo, env, "commit", "-q", "-m", "Odd name")
    (claim,) = tr.parse_message(git(repo, env, "log", "-1", "--format=%B").stdout).claims
    assert claim.path == name and claim.owned
    code, report = _verify_json(repo, env, "HEAD~1..HEAD")
    assert code == 0, report


def test_a_file_name_that_is_not_utf8_is_refused_saying_so(repo: Path, env: dict[str, str]) -> None:
    """Issue 9.11: the store holds text, so a name with a byte that is not UTF-8 cannot be
    recorded faithfully; it once became U+FFFD silently and the claim was lost."""
    name = b"bad\xff.py".decode("utf-8", "surrogateescape")
    (repo / name).write_text("x = 1\n")
    result = ownit(repo, env, "mark", name, "--lines", "1", "--tool", "copilot", check=False)
    assert result.returncode == 2
    assert "bad\\xff.py: its name is not valid UTF-8" in result.stderr


def test_a_claim_only_commit_leaves_this_process_environment_alone(
    repo: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ownit claim --commit` in-process (as the editor's command would run it): the
    temporary index and the one region reach git's processes through their environment;
    os.environ is the same after it, and what the user had staged stays staged."""
    from ownit.commit.claim_only import claim_only_commit

    add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    git(repo, env, "-c", "core.hooksPath=no-hooks", "commit", "-q", "-m", "Add ai.py, no hooks")
    (repo / "base.py").write_text("one\ntwo\nthree\nfour\n")
    git(repo, env, "add", "base.py")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GIT_INDEX_FILE", raising=False)
    monkeypatch.delenv("OWNIT_ONLY_REGIONS", raising=False)
    monkeypatch.chdir(repo)
    found = find_repository(repo, refresh=True)
    assert found is not None
    with Store.open(store_path(found)) as store:
        (region_id,) = [s.region.id for s in store.region_states()]
    before = dict(os.environ)
    commit = claim_only_commit(found, region_id, sys.stderr)
    assert dict(os.environ) == before
    assert git(repo, env, "rev-parse", "HEAD").stdout.strip() == commit
    assert [line for line in head_trailers(repo, env) if line.startswith("AI-Owned:")] == [
        f"AI-Owned: ai.py:1-4 {fingerprint(committed_lines(repo, env, 'ai.py')[:4])}"
        f" claude-code:sonnet dev@example.com -- {RATIONALE}"
    ]
    assert git(repo, env, "show", "--name-only", "--format=", "HEAD").stdout.strip() == ""
    staged = git(repo, env, "diff", "--cached", "--name-only").stdout.split()
    assert staged == ["base.py"]


def test_changed_files_found_by_blobs_or_by_git_diff_give_one_message(
    repo: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few files with regions: a file is changed when its staged and base blobs differ;
    many: `git diff --cached` says. The trailers are the same either way."""
    from ownit.commit import planning
    from ownit.commit import runner as hook_runner

    add_ai_file(repo, env, claim=True)
    (repo / "kept.py").write_text("def g():\n    return 2\n")
    mark(repo, "kept.py", 1, 2, claim=True)
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "Add both")
    (repo / "ai.py").write_text((repo / "ai.py").read_text() + "tail()\n")
    mark(repo, "ai.py", 6, 6)
    git(repo, env, "add", "-A")
    monkeypatch.chdir(repo)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    written = []
    for above in (planning.DIFF_ABOVE_FILES, 0):
        monkeypatch.setattr(planning, "DIFF_ABOVE_FILES", above)
        message = repo / ".git" / "COMMIT_EDITMSG"
        message.write_text("Add a tail\n")
        assert hook_runner.run("prepare-commit-msg", [str(message), "message"]) == 0
        written.append(message.read_text())
    assert written[0] == written[1]
    assert "AI-Unowned: ai.py:6-6 " in written[0] and "kept.py" not in written[0]


def test_hook_scripts_installed_before_the_commit_package_keep_working(
    repo: Path, env: dict[str, str]
) -> None:
    """Scripts written by an older ownit run `-m ownit.git.hook_runner`: still ownit's
    hooks, and `ownit hooks install` brings them up to date."""
    hooks = repo / ".git" / "hooks"
    for name in ("prepare-commit-msg", "commit-msg", "post-commit"):
        script = hooks / name
        text = script.read_text()
        assert RUN_HOOK in text
        script.write_text(text.replace(RUN_HOOK, "-m ownit.git.hook_runner"))
    add_ai_file(repo, env, claim=True)
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Add f")
    assert "Owned-by: Dev Name <dev@example.com>" in head_trailers(repo, env)
    installed = ownit(repo, env, "hooks", "install").stdout
    assert installed.count("updated") == 3, installed
    assert RUN_HOOK in (hooks / "prepare-commit-msg").read_text()
