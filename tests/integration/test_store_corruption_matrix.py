"""Every kind of damage to the store × every way into it: never a traceback, a one-line
message naming the file and the fix, and nothing acknowledged lost while it is readable.

Each case starts from the same repository: ``a.py`` (new, not committed) with lines 1-2
marked and claimed through the CLI, acknowledged. Then one kind of damage, then one entry
point. ``OUTCOME`` is the table of what each cell must do; run with ``-s`` to see the
figures (cases × entry points tried, and their outcomes).

The damage is real: root's permission bypass is dropped in the child (``chmod`` then
means for root what it means for everyone), and a full disk is a file-size limit
(``RLIMIT_FSIZE``: the write fails with EFBIG, which SQLite reports as a disk I/O error)
while another connection holds the store's ``-wal`` and ``-shm`` open.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.store_harness import (
    RATIONALE,
    Preexec,
    Server,
    file_size_limit,
    functions,
    git_run,
    honour_permissions,
    make_repo,
    ownit,
    read_store,
)

CASES = (
    "truncated",
    "truncated-tail",
    "random-bytes",
    "zero-length",
    "foreign-sqlite",
    "newer-schema",
    "directory",
    "ownit-dir-is-a-file",
    "read-only-file",
    "read-only-dir",
    "wal-garbage",
    "missing-shm",
    "disk-full",
)
ENTRIES = ("server", "status", "mark", "claim", "hook", "checkpoint")

# What each cell must do:
# kept      it works, and the claim made before is still in the store (and in the
#           commit's trailers, for the hook)
# moved     the file is moved aside, a message says where, and the entry point goes on
#           with a fresh store (`claim` then finds no region to claim: exit 2, saying so)
# salvaged  moved aside as above, but the rows still readable in it (here: the region and
#           its claim) are in the fresh store, and the message says how many
# partial   salvaged, but only the region could be read: it is unowned again (the hook
#           commits it as AI-Unowned), and the message says 0 claims were kept
# fresh     a zero-length file holds nothing: it is initialised, and the entry point goes on
# refused   nothing is changed: exit 2 (the hook commits without trailers, the agent
#           hook queues its lines) with one line naming the file and the fix
# read-only reads work (status lists the claim, the hook writes its trailer); every
#           write is refused as above, with the fix
KEPT, MOVED, SALVAGED, PARTIAL, FRESH = "kept", "moved", "salvaged", "partial", "fresh"
REFUSED, READ_ONLY = "refused", "read-only"
OUTCOME: dict[str, str] = {
    "truncated": PARTIAL,
    "truncated-tail": SALVAGED,
    "random-bytes": MOVED,
    "zero-length": FRESH,
    "foreign-sqlite": MOVED,
    "newer-schema": REFUSED,
    "directory": REFUSED,
    "ownit-dir-is-a-file": REFUSED,
    "read-only-file": READ_ONLY,
    "read-only-dir": READ_ONLY,
    "wal-garbage": KEPT,
    "missing-shm": KEPT,
    "disk-full": READ_ONLY,
}
# The words that tell the user what to do, per case (refused and read-only cases).
FIX = {
    "newer-schema": "Upgrade ownit",
    "directory": "move it away",
    "ownit-dir-is-a-file": "move it away",
    "read-only-file": "chmod u+w",
    "read-only-dir": "chmod u+w",
    "disk-full": "free space",
}
AGENT_TEXT = "def agent():\n    return 42\n"


@dataclass
class Cell:
    root: Path
    env: dict[str, str]
    preexec: Preexec | None = None
    holder: sqlite3.Connection | None = None  # keeps -wal/-shm open (disk-full)
    before: bytes | None = None  # the store file's bytes after the damage
    region: str = ""
    seen: list[str] = field(default_factory=list)

    @property
    def db(self) -> Path:
        return self.root / ".git" / "ownit" / "state.db"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    """The repository every cell copies: a.py lines 1-2 marked and claimed."""
    base = tmp_path_factory.mktemp("template")
    env = isolated_env(base / "home")
    env["GIT_CONFIG_GLOBAL"] = str(base / "home" / ".gitconfig")
    root = make_repo(base / "repo", env)
    (root / "a.py").write_text(functions(3))
    marked = ownit(root, env, "mark", "a.py", "--lines", "1-2", "--tool", "copilot", "--json")
    assert marked.returncode == 0, marked.stderr
    region = json.loads(marked.stdout)["regionId"]
    claimed = ownit(root, env, "claim", "a.py:1", "-m", RATIONALE)
    assert claimed.returncode == 0, claimed.stderr
    return root, env, region


# ------------------------------------------------------------------------ damage


def _truncate(cell: Cell) -> None:
    # Half the file: the regions table survives, the claims table (further on) does not.
    data = cell.db.read_bytes()
    cell.db.write_bytes(data[: len(data) // 2])


def _truncate_tail(cell: Cell) -> None:
    # The last page goes (a copy cut short): the tables before it are intact.
    data = cell.db.read_bytes()
    cell.db.write_bytes(data[:-4096])


def _random(cell: Cell) -> None:
    cell.db.write_bytes(os.urandom(8192))


def _zero(cell: Cell) -> None:
    cell.db.write_bytes(b"")


def _foreign(cell: Cell) -> None:
    cell.db.unlink()
    conn = sqlite3.connect(cell.db)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.commit()
    conn.close()


def _newer(cell: Cell) -> None:
    conn = sqlite3.connect(cell.db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


def _directory(cell: Cell) -> None:
    cell.db.unlink()
    cell.db.mkdir()
    (cell.db / "something").write_text("kept")


def _ownit_file(cell: Cell) -> None:
    folder = cell.db.parent
    shutil.rmtree(folder)
    folder.write_text("not a folder")


def _read_only_file(cell: Cell) -> None:
    cell.db.chmod(0o444)
    cell.preexec = honour_permissions


def _read_only_dir(cell: Cell) -> None:
    cell.db.parent.chmod(0o555)
    cell.preexec = honour_permissions


def _wal_garbage(cell: Cell) -> None:
    Path(f"{cell.db}-wal").write_bytes(os.urandom(4096 * 3))


def _missing_shm(cell: Cell) -> None:
    # A writer killed after its commit leaves the claim in the -wal only; then -shm goes.
    script = f"""
        import os, signal
        from pathlib import Path
        from ownit.core.model import Claim
        from ownit.store import Store
        store = Store.open(Path({str(cell.db)!r}))
        store.add_claim(Claim({cell.region!r}, "Dev Name", "dev@example.com",
                              "claimed again in the wal only", "fp-in-wal", 2.0))
        os.kill(os.getpid(), signal.SIGKILL)
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=False)
    assert done.returncode == -signal.SIGKILL
    Path(f"{cell.db}-shm").unlink()
    assert Path(f"{cell.db}-wal").stat().st_size > 0


def _disk_full(cell: Cell) -> None:
    # Another process keeps the store open with changes in its -wal; the child may not
    # grow any file past that size: its first write to the store fails.
    holder = sqlite3.connect(cell.db, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("CREATE TABLE IF NOT EXISTS padding (x BLOB)")
    holder.execute("INSERT INTO padding VALUES (zeroblob(40000))")
    cell.holder = holder
    limit = max(os.path.getsize(f"{cell.db}-wal"), os.path.getsize(f"{cell.db}-shm"))
    cell.preexec = file_size_limit(limit)


DAMAGE: dict[str, Callable[[Cell], None]] = {
    "truncated": _truncate,
    "truncated-tail": _truncate_tail,
    "random-bytes": _random,
    "zero-length": _zero,
    "foreign-sqlite": _foreign,
    "newer-schema": _newer,
    "directory": _directory,
    "ownit-dir-is-a-file": _ownit_file,
    "read-only-file": _read_only_file,
    "read-only-dir": _read_only_dir,
    "wal-garbage": _wal_garbage,
    "missing-shm": _missing_shm,
    "disk-full": _disk_full,
}


@pytest.fixture
def make_cell(
    template: tuple[Path, dict[str, str], str], tmp_path: Path
) -> Iterator[Callable[[str], Cell]]:
    cells: list[Cell] = []

    def make(case: str) -> Cell:
        source, env, region = template
        root = tmp_path / "repo"
        shutil.copytree(source, root, symlinks=True)
        cell = Cell(root, dict(env), region=region)
        DAMAGE[case](cell)
        if cell.db.is_file():
            cell.before = cell.db.read_bytes()
        cells.append(cell)
        return cell

    yield make
    for cell in cells:
        if cell.holder is not None:
            cell.holder.close()
        folder = cell.db.parent
        if folder.is_dir():
            folder.chmod(0o755)
        if cell.db.is_file():
            cell.db.chmod(0o644)


# ------------------------------------------------------------------ entry points


@dataclass
class Result:
    code: int | None  # the CLI's exit code (None: the server)
    out: str
    err: str  # stderr, or the server's messages and error answers
    ok: bool  # the entry point did its job (mark, claim, commit, record…)
    trailer: bool = False  # the hook: the commit carries a.py's AI-Owned trailer
    message: str = ""  # the hook: the commit's message


def run_server(cell: Cell) -> Result:
    err_path = cell.root.parent / "server.err"
    with open(err_path, "wb") as err:
        server = Server(isolated_env(cell.root.parent / "home"), err, preexec=cell.preexec)
        try:
            server.start(cell.root)
            uri = server.open(cell.root / "a.py")
            marked = server.mark(uri, 2, 3)
            answers = [marked]
            if "result" in marked:
                answers.append(server.claim(uri, marked["result"]["regionId"]))
        finally:
            server.close()
    texts = server.shown() + [a["error"]["message"] for a in answers if "error" in a]
    for answer in answers:
        if "error" in answer:
            assert answer["error"]["code"] == -32803, answer  # RequestFailed, never -32603
            assert "data" not in answer["error"], answer  # no traceback
    stderr = err_path.read_text(errors="replace")
    assert "Traceback" not in stderr, stderr
    ok = all("result" in a for a in answers) and len(answers) == 2
    return Result(None, "", "\n".join(texts), ok)


def run_cli(cell: Cell, *args: str, input: str | None = None) -> Result:
    done = ownit(cell.root, cell.env, *args, preexec=cell.preexec, input=input)
    return Result(done.returncode, done.stdout, done.stderr, done.returncode == 0)


def run_hook(cell: Cell) -> Result:
    added = git_run(cell.root, cell.env, "add", "a.py")
    assert added.returncode == 0, added.stderr
    done = git_run(cell.root, cell.env, "commit", "-q", "-m", "Add a", preexec=cell.preexec)
    assert done.returncode == 0, done.stderr  # ownit never stops a commit for itself
    message = git_run(cell.root, cell.env, "log", "-1", "--format=%B").stdout
    trailer = "AI-Owned: a.py:1-2 " in message
    return Result(done.returncode, done.stdout, done.stderr, True, trailer, message)


def run_checkpoint(cell: Cell) -> Result:
    path = cell.root / "agent.py"
    path.write_text(AGENT_TEXT)
    payload = {
        "session_id": "s1",
        "cwd": str(cell.root),
        "hook_event_name": "PostToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": str(path), "content": AGENT_TEXT},
        "tool_response": {"type": "create", "filePath": str(path), "content": AGENT_TEXT},
    }
    result = run_cli(cell, "checkpoint", "--agent", "claude-code", input=json.dumps(payload))
    # Done when the agent's lines are in the store (a notice still exits 1, the agent's
    # "show this to the user, do not block" code).
    result.ok = cell.db.is_file() and "agent.py" in stored_paths(cell.db)
    return result


def stored_paths(db: Path) -> set[str]:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    try:
        return {str(row[0]) for row in conn.execute("SELECT path FROM regions")}
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def enter(cell: Cell, entry: str) -> Result:
    if entry == "server":
        return run_server(cell)
    if entry == "status":
        return run_cli(cell, "status", "--all")
    if entry == "mark":
        return run_cli(cell, "mark", "a.py", "--lines", "3-4", "--tool", "copilot")
    if entry == "claim":
        return run_cli(cell, "claim", "a.py:1", "-m", RATIONALE)
    if entry == "hook":
        return run_hook(cell)
    assert entry == "checkpoint"
    return run_checkpoint(cell)


# ------------------------------------------------------------------------ checks


def messages(result: Result) -> list[str]:
    return [line for line in result.err.splitlines() if line.strip()]


def check_one_line_messages(result: Result) -> None:
    assert "Traceback" not in result.err + result.out, result.err
    if result.code is not None:
        for line in messages(result):  # every line is ownit's own (a list is indented)
            assert line.startswith(("ownit", "  ")), result.err


def claim_still_stored(cell: Cell) -> bool:
    _, claims, _ = read_store(cell.db)
    return any(c.region_id == cell.region and c.rationale == RATIONALE for c in claims)


def aside_of(cell: Cell) -> Path:
    asides = [p for p in cell.db.parent.glob("state.db.unreadable-*") if p.name[-1] == "Z"]
    assert len(asides) == 1, asides
    return asides[0]


def check(case: str, entry: str, cell: Cell, result: Result) -> str:
    """Assert what the cell must do; returns the outcome observed (for the figures)."""
    check_one_line_messages(result)
    outcome = OUTCOME[case]
    db = str(cell.db)
    text = result.err
    if outcome == KEPT:
        assert result.ok, text
        assert claim_still_stored(cell)
        if entry == "status":
            assert "owned" in result.out and "a.py:1-2" in result.out, result.out
        if entry == "hook":
            assert result.trailer, "the commit lost its AI-Owned trailer"
        return KEPT
    if outcome == SALVAGED:
        aside = aside_of(cell)
        assert cell.before is None or aside.read_bytes() == cell.before
        assert f"moved aside to {aside}" in text and db in text, text
        assert "could still be read from it: 1 region(s), 1 claim(s)" in text, text
        assert result.ok, text
        assert claim_still_stored(cell)
        if entry == "status":
            assert "owned" in result.out and "a.py:1-2" in result.out, result.out
        if entry == "hook":
            assert result.trailer, "the commit lost its AI-Owned trailer"
        return SALVAGED
    if outcome == PARTIAL:
        aside = aside_of(cell)
        assert f"moved aside to {aside}" in text and db in text, text
        assert "could still be read from it: 1 region(s), 0 claim(s)" in text, text
        assert result.ok, text
        _, claims, regions = read_store(cell.db)
        assert cell.region in regions
        if entry == "status":
            assert "unowned" in result.out and "a.py:1-2" in result.out, result.out
        if entry == "claim":
            assert [c.region_id for c in claims] == [cell.region]  # owned again
        if entry == "hook":
            assert "AI-Unowned: a.py:1-2 " in result.message, result.message
        return PARTIAL
    if outcome in (MOVED, FRESH):
        if outcome == MOVED:
            aside = aside_of(cell)
            assert cell.before is None or aside.read_bytes() == cell.before
            assert f"moved aside to {aside}" in text, text
            assert db in text, text
        else:
            assert not list(cell.db.parent.glob("state.db.unreadable-*"))
        if entry == "claim":  # the region was in the old file: nothing to claim now
            assert result.code == 2 and "no AI-written region at a.py:1" in text, text
        elif entry == "hook":
            assert not result.trailer
            if outcome == MOVED:
                assert "This commit gets no ownit trailers for what could not be read" in text, text
        else:
            assert result.ok, text
        return outcome
    fix = FIX[case]
    if outcome == REFUSED:
        assert cell.before is None or cell.db.read_bytes() == cell.before
    if outcome == READ_ONLY and entry in ("status", "hook"):
        # Reading works: what was claimed is still shown and committed.
        assert claim_still_stored(cell)
        if entry == "status":
            assert result.ok and "owned" in result.out, text
            return READ_ONLY
        assert result.trailer, "the commit lost its AI-Owned trailer: " + text
        return READ_ONLY
    assert not result.ok or entry == "hook", text
    assert fix in text, text
    assert db in text or str(cell.db.parent) in text, text
    if entry == "hook":
        assert not result.trailer
        assert "the commit goes on without ownit's trailers" in text, text
    elif entry == "checkpoint":
        assert result.code == 1, text  # claude-code's "non-blocking" code
    elif entry != "server":
        assert result.code == 2, text
        assert len(messages(result)) == 1, text  # one line: what is wrong, what to do
    if outcome == READ_ONLY and cell.db.is_file():
        assert claim_still_stored(cell)
    return REFUSED if outcome == REFUSED else "write refused"


@pytest.fixture(scope="module")
def figures() -> Iterator[Counter[str]]:
    """Outcomes of the cells that ran, printed when the module is done (run with -s)."""
    seen: Counter[str] = Counter()
    yield seen
    print(f"\ncorruption matrix: {len(CASES)} cases x {len(ENTRIES)} entry points,")
    print(
        f"  {sum(seen.values())} cells tried: "
        + ", ".join(f"{outcome} {count}" for outcome, count in sorted(seen.items()))
    )


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("case", CASES)
def test_damage_at_entry_point(
    case: str, entry: str, make_cell: Callable[[str], Cell], figures: Counter[str]
) -> None:
    cell = make_cell(case)
    result = enter(cell, entry)
    figures[check(case, entry, cell, result)] += 1
