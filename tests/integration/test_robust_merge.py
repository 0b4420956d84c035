"""A merge in progress is not a sequencer (`git/staged.in_sequencer`): concluding a
conflicted merge commits the working tree the user resolved, so the hooks plan it from
the store like any commit, and AI-written lines recorded while resolving go with the
merge commit. (A rebase, cherry-pick or revert replays commits the store does not
describe: there the hooks keep only the claims the replayed messages carry.) A real
conflicted merge through the installed hooks."""

from __future__ import annotations

from pathlib import Path

from ownit.git.repo import find_repository
from ownit.git.staged import in_sequencer
from tests.integration.store_harness import git_run, make_repo, ownit


def test_ai_lines_written_to_resolve_a_merge_go_with_the_merge_commit(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)

    def git(*args: str) -> str:
        done = git_run(repo, env, *args)
        assert done.returncode == 0, done
        return done.stdout

    git("checkout", "-q", "-b", "feature")
    (repo / "base.py").write_text("base = 1\n")
    git("commit", "-q", "-am", "feature: base 1")
    git("checkout", "-q", "main")
    (repo / "base.py").write_text("base = 2\n")
    git("commit", "-q", "-am", "main: base 2")
    merged = git_run(repo, env, "merge", "feature")
    assert merged.returncode != 0 and "CONFLICT" in merged.stdout, merged

    found = find_repository(repo, refresh=True)
    assert found is not None and (found.git_dir / "MERGE_HEAD").exists()
    assert not in_sequencer(found.git_dir, found.common_dir)

    (repo / "base.py").write_text("base = 2\n\n\ndef resolved():\n    return base\n")
    ownit(repo, env, "mark", "base.py", "--lines", "4-5", "--tool", "claude", check=True)
    git("add", "base.py")
    git("commit", "--no-edit")  # the hooks conclude the merge
    assert git("rev-list", "--count", "--merges", "HEAD").strip() == "1"
    message = git("log", "-1", "--format=%B")
    assert message.startswith("Merge branch 'feature'"), message
    assert "AI-Unowned: base.py:4-5 " in message, message
    assert "AI-Lines: exact" in message, message
