"""`ownit blame`'s numbered notes: a commit-level attribution above an owned region gave
both notes the number [1] (claims and commits were numbered apart), so the reader could
not tell which note a line's [1] meant. One numbering, in the order the notes appear.
Real git, hooks, store and CLI."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.store_harness import git, make_repo, ownit

WHY = "Two constants, reviewed against the spec table and tested"


def test_each_note_of_blame_has_its_own_number(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env)
    (repo / "c.py").write_text("cursor_1 = 1\ncursor_2 = 2\n")
    git(repo, "add", "c.py")
    message = "Cursor change\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\n"
    git(repo, "commit", "-q", "-m", message)
    with (repo / "c.py").open("a") as file:
        file.write("owned_1 = 3\nowned_2 = 4\n")
    ownit(repo, env, "mark", "c.py", "--lines", "3-4", "--tool", "claude-code", check=True)
    ownit(repo, env, "claim", "c.py:3", "-m", WHY, check=True)
    git(repo, "commit", "-q", "-am", "Owned constants")

    out = ownit(repo, env, "blame", "c.py", check=True).stdout
    rows, _, notes = out.partition("\n\n")
    marks = [re.findall(r"\[(\d+)\]", row) for row in rows.splitlines()]
    assert marks == [["1"], ["1"], ["2"], ["2"]], out
    numbers = [re.match(r"\[(\d+)\] ", note) for note in notes.splitlines()]
    assert [m.group(1) for m in numbers if m] == ["1", "2"], out
    assert "commit-level" in rows.splitlines()[0] and "owned" in rows.splitlines()[2], out
    assert notes.splitlines()[0].startswith("[1] commit "), out
    assert notes.splitlines()[1].startswith("[2] c.py:3-4 owned by dev@example.com"), out
