"""A really full disk: a small tmpfs, mounted in a mount namespace of its own (so it goes
away with the test's process), holding the store. Needs root (or user namespaces);
elsewhere the file-size limit of the corruption matrix covers the same failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.store_harness import (
    VENV_BIN,
    can_unshare,
    functions,
    make_repo,
    run_in_private_mounts,
)

SCRIPT = r"""
set -e
mount -t tmpfs -o size=512k tmpfs "$DISK"
cd "$REPO"
"$OWNIT" mark a.py --lines 1-2 --tool copilot >/dev/null
# Fill what is left but 64 KiB: room for SQLite's -shm, none for b.py's 100 KB text.
dd if=/dev/zero of="$DISK/filler" bs=4k >/dev/null 2>&1 || true
truncate -s -64K "$DISK/filler"
set +e
"$OWNIT" mark b.py --lines 1-2 --tool copilot
echo "exit=$?"
"$OWNIT" status
echo "exit=$?"
"""


@pytest.mark.skipif(not can_unshare(), reason="no mount namespace here (needs root)")
def test_a_full_disk_is_one_line_with_the_fix(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / "a.py").write_text(functions(2))
    (repo / "b.py").write_text(functions(2) + "# padding\n" * 10000)  # its text is stored
    disk = tmp_path / "disk"
    disk.mkdir()
    store = disk / "state.db"
    run_env = {
        **env,
        "DISK": str(disk),
        "REPO": str(repo),
        "OWNIT": str(VENV_BIN / "ownit"),
        "OWNIT_STORE": str(store),
    }
    done = run_in_private_mounts(SCRIPT, run_env)
    assert "Traceback" not in done.stderr, done.stderr
    outputs = done.stdout.split("exit=")
    assert done.stdout.count("exit=") == 2, (done.stdout, done.stderr)
    assert outputs[1].startswith("2"), (done.stdout, done.stderr)  # the mark: exit 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    mark_error = lines[0]
    assert mark_error.startswith("ownit: cannot record in the ownit store " + str(store))
    assert "the disk is full" in mark_error and "free some space" in mark_error
    # Reading still works: the first mark is listed (exit 0).
    assert outputs[2].startswith("0") and "a.py:1-2" in outputs[1], done.stdout
