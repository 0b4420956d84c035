"""`ownit import git-ai` on a real repository whose commits carry git-ai notes written with
`git notes --ref=ai add` in the published format (Git AI Standard v3.0.0)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import git
from tests.support import ownit

CODE = "".join(f"value_{i} = {i}\n" for i in range(1, 21))


def metadata(**sessions: tuple[str, str]) -> str:
    return json.dumps(
        {
            "schema_version": "authorship/3.0.0",
            "git_ai_version": "1.4.5",
            "base_commit_sha": "0" * 40,
            "prompts": {},
            "humans": {"h_31dce776f88375": {"author": "Test User <test@example.com>"}},
            "sessions": {
                key: {"agent_id": {"tool": tool, "id": f"conv-{key}", "model": model}}
                for key, (tool, model) in sessions.items()
            },
        },
        indent=2,
    )


def add_note(repo: Path, commit: str, text: str) -> None:
    note = repo.parent / "note.txt"
    note.write_text(text)
    git(repo, "notes", "--ref=ai", "add", "-f", "-F", str(note), commit)


def regions(repo: Path, env: dict[str, str]) -> list[tuple[str, list[int], str, Any]]:
    listed = json.loads(ownit(repo, env, "status", "--json").stdout)["regions"]
    return sorted((r["path"], r["lines"], r["tool"], r["model"]) for r in listed)


def test_notes_become_regions_on_the_current_text(git_repo: Path, env: dict[str, str]) -> None:
    repo = git_repo
    (repo / "app.py").write_text(CODE)
    (repo / "my notes.md").write_text("one\ntwo\nthree\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    first = git(repo, "rev-parse", "HEAD").strip()
    add_note(
        repo,
        first,
        "app.py\n"
        "  s_c9883b05a2487d::t_9f8e7d6c5b4a32 3-5,9\n"
        "  s_e7f2a90b31cc48::t_deadbeef012345 12-14\n"
        "  h_31dce776f88375 17-18\n"
        '"my notes.md"\n'
        "  s_e7f2a90b31cc48::t_0123456789abcd 2\n"
        "---\n"
        + metadata(
            s_c9883b05a2487d=("claude", "claude-sonnet-4-5"),
            s_e7f2a90b31cc48=("cursor", "gpt-5"),
        ),
    )
    # since then: two lines added on top (everything moves by 2) and line 13 rewritten
    text = "import os\n\n" + CODE.replace("value_13 = 13\n", "value_13 = 'changed'\n")
    (repo / "app.py").write_text(text)

    done = ownit(repo, env, "import", "git-ai", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["notes"], result["imported"], result["humanLines"]) == (1, 3, 2)
    assert regions(repo, env) == [
        ("app.py", [5, 7], "claude-code", "claude-sonnet-4-5"),
        ("app.py", [11, 11], "claude-code", "claude-sonnet-4-5"),
        ("app.py", [14, 14], "cursor", "gpt-5"),
        ("app.py", [16, 16], "cursor", "gpt-5"),
        ("my notes.md", [2, 2], "cursor", "gpt-5"),
    ], "moved lines followed, the rewritten line 13 and the human lines left out"

    again = ownit(repo, env, "import", "git-ai")
    assert again.returncode == 0, again.stderr
    assert "imported 0 range(s); 3 already recorded" in again.stdout
    assert len(regions(repo, env)) == 5


def test_bad_notes_and_paths_are_reported_and_skipped(git_repo: Path, env: dict[str, str]) -> None:
    repo = git_repo
    (repo / "a.py").write_text(CODE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    add_note(repo, "HEAD", "a.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-x\n---\n{}\n")
    (repo / "b.py").write_text(CODE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    add_note(
        repo,
        "HEAD",
        "../outside.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1\n"
        "gone.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1\n"
        "b.py\n  s_ffffffffffffff::t_9f8e7d6c5b4a32 1\n"
        "  s_c9883b05a2487d::t_9f8e7d6c5b4a32 2\n"
        "---\n" + metadata(s_c9883b05a2487d=("copilot", "gpt-4.1")),
    )
    # a note on a commit outside HEAD's history is not read
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "c.py").write_text(CODE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "side")
    add_note(repo, "HEAD", "c.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1\n---\n" + metadata())
    git(repo, "checkout", "-q", "main")

    done = ownit(repo, env, "import", "git-ai")
    assert done.returncode == 0, done.stderr
    assert "line 2: bad line ranges '1-x'" in done.stderr
    assert "../outside.py: refused" in done.stderr
    assert "gone.py: no such file now" in done.stderr
    assert "s_ffffffffffffff::t_9f8e7d6c5b4a32 is not in the note's metadata" in done.stderr
    assert "1 note(s) on commits outside HEAD's history were not read" in done.stdout
    assert regions(repo, env) == [("b.py", [2, 2], "copilot", "gpt-4.1")]
    assert not (repo.parent / "outside.py").exists()


def test_no_notes_and_not_a_repository(git_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    done = ownit(git_repo, env, "import", "git-ai")
    assert done.returncode == 0, done.stderr
    assert "read 0 note(s)" in done.stdout
    plain = tmp_path / "plain"
    plain.mkdir()
    outside = ownit(plain, env, "import", "git-ai")
    assert outside.returncode == 2 and "not inside a git repository" in outside.stderr
    assert ownit(git_repo, env, "import", "git-ai", "--ref", "--help").returncode == 2
