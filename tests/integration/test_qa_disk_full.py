"""A disk with no byte left, as a user meets it: the store was closed cleanly (no -wal, no
-shm) and SQLite cannot create the -shm it needs even to read. docs/store.md: "on a full
disk: reads it; every write is refused, saying to free space on that disk" — and once
space is freed, writing works again with nothing lost.

A small tmpfs in a mount namespace of its own (so it goes away with the test's process);
needs root or user namespaces, as tests/integration/test_store_disk_full.py."""

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
mount -t tmpfs -o size=256k tmpfs "$DISK"
cd "$REPO"
"$OWNIT" mark a.py --lines 1-2 --tool copilot >/dev/null
"$OWNIT" claim a.py:1 -m "Checked both functions against the spec and their tests" >/dev/null
# Nothing left at all: not even room for SQLite's -shm.
dd if=/dev/zero of="$DISK/filler" bs=1k >/dev/null 2>&1 || true
test ! -e "$OWNIT_STORE-shm"
set +e
echo "== status"; "$OWNIT" status --all; echo "exit=$?"
echo "== mark"; "$OWNIT" mark a.py --lines 4-5 --tool cursor; echo "exit=$?"
# A process that lives on (the language server) and opened the store on the full disk:
# it reads, is refused a write, and writes once space is freed.
"$PYTHON" - <<'EOF'
import os
from ownit.store import Store, StoreError
store = Store.open(os.environ["OWNIT_STORE"])
print("== long-lived")
print("paths", store.active_paths())
try:
    store.gc_snapshots()
    print("write on a full disk: accepted")
except StoreError as error:
    print("refused:", error)
os.remove(os.environ["DISK"] + "/filler")
print("after freeing space: removed", store.gc_snapshots())
EOF
echo "== mark again"; "$OWNIT" mark a.py --lines 4-5 --tool cursor; echo "exit=$?"
echo "== status again"; "$OWNIT" status --all; echo "exit=$?"
"""


def _sections(stdout: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in stdout.split("== ")[1:]:
        name, _, body = chunk.partition("\n")
        parts[name] = body
    return parts


@pytest.mark.skipif(not can_unshare(), reason="no mount namespace here (needs root)")
def test_a_completely_full_disk_still_reads_and_recovers(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / "a.py").write_text(functions(3))
    disk = tmp_path / "disk"
    disk.mkdir()
    store = disk / "state.db"
    run_env = {
        **env,
        "DISK": str(disk),
        "REPO": str(repo),
        "OWNIT": str(VENV_BIN / "ownit"),
        "PYTHON": str(VENV_BIN / "python"),
        "OWNIT_STORE": str(store),
    }
    done = run_in_private_mounts(SCRIPT, run_env)
    assert "Traceback" not in done.stderr, done.stderr
    parts = _sections(done.stdout)
    assert set(parts) == {"status", "mark", "long-lived", "mark again", "status again"}, (
        done.stdout,
        done.stderr,
    )
    # Reading works on the full disk: the claim is there (exit 0).
    assert parts["status"].rstrip().endswith("exit=0"), (done.stdout, done.stderr)
    assert "a.py:1-2" in parts["status"] and "owned" in parts["status"], done.stdout
    # A write is refused with the right fix: free space (not "chmod", not "read-only").
    assert parts["mark"].rstrip().endswith("exit=2"), (done.stdout, done.stderr)
    refusal = [
        line
        for line in done.stderr.splitlines()
        if line.startswith("ownit:") and "hooks are not installed" not in line
    ]
    assert refusal, done.stderr
    assert refusal[0].startswith("ownit: cannot record in the ownit store " + str(store))
    assert "space" in refusal[0] and "chmod" not in refusal[0], refusal[0]
    long_lived = parts["long-lived"]
    assert "paths ['a.py']" in long_lived, long_lived
    assert "refused: cannot record in the ownit store" in long_lived, long_lived
    assert "after freeing space: removed 0" in long_lived, long_lived
    # Space freed: the same write goes through, and the claim made before is still there.
    assert parts["mark again"].rstrip().endswith("exit=0"), (done.stdout, done.stderr)
    assert parts["status again"].rstrip().endswith("exit=0"), (done.stdout, done.stderr)
    assert "a.py:1-2" in parts["status again"] and "a.py:4-5" in parts["status again"]
