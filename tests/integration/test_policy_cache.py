"""The working tree's policy remembered in the git directory (``policy_files``): read back
without YAML while `.ownit.yaml` is unchanged, read again the moment it changes or the
remembered copy is damaged, and never used for an invalid file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ownit.core.policy import POLICY_FILE, load_policy
from ownit.policy_files import POLICY_CACHE, load_tree_policy
from tests.conftest import git

POLICY = """\
version: 1
rules:
  - name: auth
    paths: ["src/auth/**"]
    severity: error
    rationale:
      also_reject: ["/^(looks|seems) fine/"]
"""


def _cache(repo: Path) -> Path:
    return repo / ".git" / "ownit" / POLICY_CACHE


def test_an_unchanged_policy_is_read_back_without_yaml(git_repo: Path) -> None:
    (git_repo / POLICY_FILE).write_text(POLICY, encoding="utf-8")
    first = load_tree_policy(git_repo)
    assert first.policy == load_policy(POLICY)
    assert _cache(git_repo).is_file()
    probe = (
        "import sys; from pathlib import Path; from ownit.policy_files import load_tree_policy;"
        f" loaded = load_tree_policy(Path({str(git_repo)!r}));"
        " print(loaded.policy.effective('src/auth/a.py').severity.value,"
        " 'yaml' in sys.modules, 'ownit.core.policy.loader' in sys.modules,"
        " 're2' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    # Neither YAML nor the loader, and RE2 only once a pattern of the file is matched.
    assert done.stdout.split() == ["error", "False", "False", "False"]


def test_a_changed_policy_is_read_again(git_repo: Path) -> None:
    (git_repo / POLICY_FILE).write_text(POLICY, encoding="utf-8")
    load_tree_policy(git_repo)
    changed = POLICY.replace("severity: error", "severity: hint")
    (git_repo / POLICY_FILE).write_text(changed, encoding="utf-8")
    loaded = load_tree_policy(git_repo)
    assert loaded.policy is not None
    assert loaded.policy.effective("src/auth/a.py").severity.value == "hint"


def test_an_invalid_policy_is_never_remembered_and_always_reported(git_repo: Path) -> None:
    (git_repo / POLICY_FILE).write_text(POLICY, encoding="utf-8")
    load_tree_policy(git_repo)
    (git_repo / POLICY_FILE).write_text("version: 1\nrules: [\n", encoding="utf-8")
    for _ in range(2):
        loaded = load_tree_policy(git_repo)
        assert loaded.policy is None
        assert loaded.problems and "not valid YAML" in loaded.problems[0].message


def test_a_damaged_copy_means_reading_the_file(git_repo: Path) -> None:
    (git_repo / POLICY_FILE).write_text(POLICY, encoding="utf-8")
    load_tree_policy(git_repo)
    cache = _cache(git_repo)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["policy"]["rules"][0]["settings"]["severity"] = "loud"
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert load_tree_policy(git_repo).policy == load_policy(POLICY)
    cache.write_text("{not json", encoding="utf-8")
    assert load_tree_policy(git_repo).policy == load_policy(POLICY)
    # A copy remembered for other text is not used for this one.
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["key"] = data["key"].replace(data["key"].split()[1], "0" * 64)
    data["policy"]["rules"][0]["settings"]["severity"] = "hint"
    cache.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_tree_policy(git_repo).policy
    assert loaded is not None and loaded.effective("src/auth/a.py").severity.value == "error"


def test_a_linked_worktree_remembers_in_its_own_git_directory(git_repo: Path) -> None:
    (git_repo / POLICY_FILE).write_text(POLICY, encoding="utf-8")
    git(git_repo, "add", POLICY_FILE)
    git(git_repo, "commit", "-q", "-m", "policy")
    other = git_repo.parent / "other"
    git(git_repo, "worktree", "add", "-q", str(other))
    assert load_tree_policy(other).policy == load_policy(POLICY)
    assert (git_repo / ".git" / "worktrees" / "other" / "ownit" / POLICY_CACHE).is_file()


def test_outside_a_repository_nothing_is_remembered(tmp_path: Path) -> None:
    (tmp_path / POLICY_FILE).write_text(POLICY, encoding="utf-8")
    assert load_tree_policy(tmp_path).policy == load_policy(POLICY)
    assert not (tmp_path / ".git").exists()
