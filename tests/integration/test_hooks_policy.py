"""The commit gate: the commit-msg hook under the working tree's `.ownit.yaml`.

Real commits in tmp repositories with ownit's hooks installed (see test_hooks.py):
``commit: block`` refuses the commit and says how to own each region, ``warn`` commits
with AI-Unowned trailers and a warning, ``allow`` commits with the trailers silently;
excluded paths get no trailers; trailers cut rationales at the policy's maximum; an
invalid policy file is reported (file:line:col) and the built-in defaults apply.
"""

from __future__ import annotations

import json
from pathlib import Path

from ownit.core import trailers as tr
from ownit.core.fingerprint import fingerprint
from ownit.git.repo import find_repository, store_path
from ownit.store import Store
from tests.integration import test_hooks as h

repo = h.repo
git = h.git
ownit = h.ownit

AI_CODE = "def f():\n    x = 1\n    y = 2\n    return x + y\n"
GOOD_REASON = "Compared against the RFC test vectors; lengths are checked before use"


def write_policy(repo: Path, text: str) -> None:
    (repo / ".ownit.yaml").write_text("version: 1\n" + text)


def stage_ai(repo: Path, env: dict[str, str], rel: str, *, claim: bool = False) -> str:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(AI_CODE)
    region_id = h.mark(repo, rel, 1, 4, "copilot", claim=claim)
    git(repo, env, "add", "--", rel)
    return region_id


def edit_in_editor(repo: Path, rel: str, region_id: str, text: str) -> None:
    """Change the file as the language server would see it: the region's lines stay
    1-4 and its fingerprint (now different from the claim's) is written to the store."""
    (repo / rel).write_text(text)
    lines = text.split("\n")[:4]
    with Store.open(store_path(find_repository(repo))) as store:
        store.update_positions(rel, [(region_id, 0, 4, fingerprint(lines))], text)


def commit(repo: Path, env: dict[str, str], subject: str = "Change") -> tuple[int, str]:
    result = git(repo, env, "commit", "-q", "-m", subject, check=False)
    return result.returncode, result.stderr


def head(repo: Path, env: dict[str, str]) -> str:
    return git(repo, env, "rev-parse", "HEAD").stdout.strip()


def test_block_refuses_with_how_to_own_then_passes_once_owned(
    repo: Path, env: dict[str, str]
) -> None:
    write_policy(repo, "rules:\n  - name: payments\n    paths: ['pay/**']\n    commit: block\n")
    stage_ai(repo, env, "pay/charge.py")
    stage_ai(repo, env, "other.py")  # warn (the default) does not block
    before = head(repo, env)
    code, err = commit(repo, env)
    assert code == 1
    assert head(repo, env) == before
    assert "commit refused by policy" in err
    assert "pay/charge.py:1-4" in err and "policy rule 'payments'" in err
    assert 'ownit claim pay/charge.py:1 -m "' in err
    assert "other.py" not in err.split("commit refused", 1)[1]
    ownit(repo, env, "claim", "pay/charge.py:1", "-m", GOOD_REASON)
    code, err = commit(repo, env)
    assert code == 0, err
    claims = {c.path: c for c in h.check_fingerprints(repo, env)}
    assert claims["pay/charge.py"].owned and not claims["other.py"].owned
    assert "other.py:1-4" in err  # still warned about


def test_block_by_default_in_sensitive_paths_and_for_stale_claims(
    repo: Path, env: dict[str, str]
) -> None:
    region_id = stage_ai(repo, env, "src/auth/token.py", claim=True)
    code, err = commit(repo, env)
    assert code == 0, err  # owned: the default "sensitive" rule lets it through
    # The owned code changes: the claim is stale and the commit is refused.
    edit_in_editor(repo, "src/auth/token.py", region_id, AI_CODE.replace("x = 1", "x = 10"))
    git(repo, env, "add", "--", "src/auth/token.py")
    code, err = commit(repo, env)
    assert code == 1
    assert "src/auth/token.py:1-4" in err
    assert "stale" in err and "built-in rule 'sensitive'; no .ownit.yaml" in err


def test_warn_commits_with_unowned_trailers_and_warning(repo: Path, env: dict[str, str]) -> None:
    write_policy(repo, "defaults:\n  commit: warn\n")
    stage_ai(repo, env, "ai.py")
    code, err = commit(repo, env)
    assert code == 0
    assert "nobody owns" in err and 'ownit claim ai.py:1 -m "' in err
    (claim,) = h.check_fingerprints(repo, env)
    assert not claim.owned


def test_allow_commits_with_unowned_trailers_silently(repo: Path, env: dict[str, str]) -> None:
    write_policy(
        repo,
        "defaults:\n  commit: allow\nrules:\n  - name: loose\n    paths: ['loose/**']\n"
        "    commit: block\n    require_ownership: false\n",
    )
    stage_ai(repo, env, "ai.py")
    stage_ai(repo, env, "loose/x.py")  # block, but ownership is not required there
    code, err = commit(repo, env)
    assert code == 0
    assert err == ""
    assert sorted((c.path, c.owned) for c in h.check_fingerprints(repo, env)) == [
        ("ai.py", False),
        ("loose/x.py", False),
    ]


def test_excluded_paths_get_no_trailers(repo: Path, env: dict[str, str]) -> None:
    write_policy(repo, "defaults:\n  commit: block\nexclude: ['gen/**']\n")
    (repo / ".gitattributes").write_text("*.pb.go linguist-generated\nthird/** linguist-vendored\n")
    git(repo, env, "add", ".gitattributes")
    stage_ai(repo, env, "gen/api.py")
    stage_ai(repo, env, "proto/api.pb.go")
    stage_ai(repo, env, "third/lib.py")
    preview = ownit(repo, env, "trailers")
    assert preview.stdout == ""
    code, err = commit(repo, env)
    assert code == 0, err
    assert h.head_trailers(repo, env) == []


def test_rationale_cut_at_the_policy_maximum(repo: Path, env: dict[str, str]) -> None:
    write_policy(repo, "defaults:\n  rationale:\n    min_chars: 10\n    max_chars: 24\n")
    stage_ai(repo, env, "ai.py", claim=True)
    code, err = commit(repo, env)
    assert code == 0, err
    (claim,) = h.check_fingerprints(repo, env)
    assert claim.rationale == tr.rationale_line(h.RATIONALE, 24)
    assert len(claim.rationale) <= 24 and claim.rationale.endswith("…")
    # post-commit recorded the claim as carried: the next commit does not repeat it.
    (repo / "base.py").write_text("one\n")
    git(repo, env, "commit", "-q", "-am", "More")
    assert h.head_trailers(repo, env) == []


def test_invalid_policy_is_reported_and_defaults_apply(repo: Path, env: dict[str, str]) -> None:
    write_policy(repo, "defaults:\n  comit: allow\n")
    stage_ai(repo, env, "ai.py")
    code, err = commit(repo, env)
    assert code == 0  # the default for ai.py is warn
    assert ".ownit.yaml:3:3:" in err
    assert "built-in default policy" in err and "nobody owns" in err
    stage_ai(repo, env, "src/auth/key.py")
    code, err = commit(repo, env)
    assert code == 1  # the default "sensitive" rule blocks
    assert ".ownit.yaml:3:3:" in err and "src/auth/key.py:1-4" in err
    (repo / ".ownit.yaml").write_bytes(b"version: 1\ndefaults: [\xff\n")
    code, err = commit(repo, env)
    assert code == 1 and ".ownit.yaml:2:" in err


# --------------------------------------------------------------------------- claim --commit


def test_claim_commit_makes_a_claim_only_commit(repo: Path, env: dict[str, str]) -> None:
    stage_ai(repo, env, "ai.py")
    code, err = commit(repo, env, "Add f")
    assert code == 0 and "nobody owns" in err
    before = head(repo, env)
    # The user has other work staged (and unstaged): it stays out of the claim commit.
    (repo / "base.py").write_text("one\ntwo\nthree\nstaged\n")
    git(repo, env, "add", "base.py")
    (repo / "base.py").write_text("one\ntwo\nthree\nstaged\nunstaged\n")
    (repo / "ai.py").write_text("# moved down\n" + AI_CODE)  # claim by today's line number
    out = ownit(repo, env, "claim", "ai.py:3", "-m", GOOD_REASON, "--commit", "--json")
    data = json.loads(out.stdout)
    assert data["commit"] == head(repo, env)
    assert git(repo, env, "rev-parse", "HEAD^").stdout.strip() == before
    assert git(repo, env, "diff", "--name-only", "HEAD^", "HEAD").stdout == ""
    (claim,) = h.check_fingerprints(repo, env)
    assert (claim.path, claim.first, claim.last, claim.owned) == ("ai.py", 1, 4, True)
    assert claim.rationale == GOOD_REASON
    assert h.head_trailers(repo, env) == [
        "Assisted-by: copilot",
        "Owned-by: Dev Name <dev@example.com>",
        tr.format_claim(claim),
        tr.EXACT_MARKER,
    ]
    assert git(repo, env, "diff", "--cached", "--name-only").stdout.split() == ["base.py"]
    assert "unstaged" in (repo / "base.py").read_text()
    # Recorded: the next commit does not carry the claim again.
    code, err = commit(repo, env, "Staged work")
    assert code == 0, err
    assert h.head_trailers(repo, env) == []


def test_claim_commit_without_hooks_records_the_claim(repo: Path, env: dict[str, str]) -> None:
    stage_ai(repo, env, "ai.py")
    commit(repo, env, "Add f")
    ownit(repo, env, "hooks", "uninstall")
    ownit(repo, env, "claim", "ai.py:1", "-m", GOOD_REASON, "--commit")
    (claim,) = h.check_fingerprints(repo, env)
    assert claim.owned
    ownit(repo, env, "hooks", "install")
    (repo / "base.py").write_text("one\n")
    git(repo, env, "add", "base.py")
    code, _ = commit(repo, env, "More")
    assert code == 0 and h.head_trailers(repo, env) == []


def test_claim_commit_refuses_for_code_not_committed(repo: Path, env: dict[str, str]) -> None:
    stage_ai(repo, env, "ai.py")
    before = head(repo, env)
    result = ownit(repo, env, "claim", "ai.py:1", "-m", GOOD_REASON, "--commit", check=False)
    assert result.returncode == 2
    assert "claim recorded, but" in result.stderr and "next commit" in result.stderr
    assert head(repo, env) == before
    code, _ = commit(repo, env, "Add f")  # the claim goes with the next commit
    assert code == 0 and h.check_fingerprints(repo, env)[0].owned


def _conflicted_rebase(repo: Path, env: dict[str, str]) -> None:
    """A rebase stopped on a conflict in base.py (unmerged entries in the index)."""
    git(repo, env, "checkout", "-q", "-b", "topic")
    (repo / "base.py").write_text("topic\n")
    git(repo, env, "commit", "-q", "-am", "Topic")
    git(repo, env, "checkout", "-q", "-")
    (repo / "base.py").write_text("main\n")
    git(repo, env, "commit", "-q", "-am", "Main")
    git(repo, env, "checkout", "-q", "topic")
    assert git(repo, env, "rebase", "-", check=False).returncode != 0


def _claimed_in_store(repo: Path, region_id: str) -> bool:
    with Store.open(store_path(find_repository(repo))) as store:
        return any(s.claim is not None for s in store.region_states() if s.region.id == region_id)


def test_claim_commit_refuses_where_git_would_not_commit(repo: Path, env: dict[str, str]) -> None:
    region_id = stage_ai(repo, env, "ai.py")
    assert commit(repo, env, "Add f")[0] == 0
    _conflicted_rebase(repo, env)
    before = head(repo, env)
    result = ownit(repo, env, "claim", "ai.py:1", "-m", GOOD_REASON, "--commit", check=False)
    assert result.returncode != 0
    assert head(repo, env) == before
    assert "unmerged" in result.stderr and "claim recorded" in result.stderr
    assert _claimed_in_store(repo, region_id)


def test_claim_commit_refuses_in_the_middle_of_a_rebase(repo: Path, env: dict[str, str]) -> None:
    region_id = stage_ai(repo, env, "ai.py")
    assert commit(repo, env, "Add f")[0] == 0
    _conflicted_rebase(repo, env)
    (repo / "base.py").write_text("resolved\n")
    git(repo, env, "add", "base.py")  # no conflict left: still mid-rebase
    before = head(repo, env)
    result = ownit(repo, env, "claim", "ai.py:1", "-m", GOOD_REASON, "--commit", check=False)
    assert result.returncode != 0
    assert head(repo, env) == before
    assert "rebase" in result.stderr and "next commit" in result.stderr
    assert _claimed_in_store(repo, region_id)


def test_claim_commit_refuses_during_a_merge(repo: Path, env: dict[str, str]) -> None:
    region_id = stage_ai(repo, env, "ai.py")
    assert commit(repo, env, "Add f")[0] == 0
    git(repo, env, "checkout", "-q", "-b", "topic")
    (repo / "other.txt").write_text("topic\n")
    git(repo, env, "add", "other.txt")
    git(repo, env, "commit", "-q", "-m", "Topic")
    git(repo, env, "checkout", "-q", "-")
    git(repo, env, "merge", "-q", "--no-commit", "--no-ff", "topic")
    before = head(repo, env)
    result = ownit(repo, env, "claim", "ai.py:1", "-m", GOOD_REASON, "--commit", check=False)
    assert result.returncode != 0
    assert head(repo, env) == before
    assert "merge" in result.stderr and "next commit" in result.stderr
    assert _claimed_in_store(repo, region_id)


def test_claim_commit_refuses_with_unmerged_paths_alone(repo: Path, env: dict[str, str]) -> None:
    region_id = stage_ai(repo, env, "ai.py")
    assert commit(repo, env, "Add f")[0] == 0
    (repo / "base.py").write_text("stashed\n")
    git(repo, env, "stash", "-q")
    (repo / "base.py").write_text("committed\n")
    git(repo, env, "commit", "-q", "-am", "Other")
    assert git(repo, env, "stash", "pop", check=False).returncode != 0  # no operation left
    before = head(repo, env)
    result = ownit(repo, env, "claim", "ai.py:1", "-m", GOOD_REASON, "--commit", check=False)
    assert result.returncode != 0 and head(repo, env) == before
    assert "unmerged paths: no claim-only commit" in result.stderr
    assert _claimed_in_store(repo, region_id)
