"""Four writers on one store at once: the real server, two `ownit` command lines, and an
agent hook whose lines git's hooks then commit. Every acknowledged write is there after,
and nobody met an unhandled "database is locked" (or any other failure).

Run with ``-s`` to see the figures (writers × writes vs found).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.store_harness import (
    Server,
    functions,
    git_run,
    make_repo,
    ownit,
    read_store,
)

CLI_ROUNDS = 6  # each: one `ownit mark` and one `ownit claim`
AGENT_ROUNDS = 5  # each: one `ownit checkpoint`, then one `git commit` through the hooks
SERVER_LIMIT = 1000  # the server writes until the others are done, at most this many times


class Writer:
    def __init__(self, name: str) -> None:
        self.name = name
        self.claims: set[str] = set()  # acknowledged claim rationales
        self.regions: set[str] = set()  # acknowledged region ids
        self.paths: set[str] = set()  # files whose lines an agent hook recorded
        self.commits: list[tuple[str, str]] = []  # (file, commit message)
        self.failures: list[str] = []

    @property
    def writes(self) -> int:
        return len(self.claims) + len(self.regions) + len(self.paths)


def cli_writer(root: Path, env: dict[str, str], writer: Writer, tag: str) -> None:
    path = root / f"{tag}.py"
    path.write_text(functions(CLI_ROUNDS, tag))
    for i in range(CLI_ROUNDS):
        lines = f"{2 * i + 1}-{2 * i + 2}"
        marked = ownit(root, env, "mark", path.name, "--lines", lines, "--tool", "aider", "--json")
        if marked.returncode != 0:
            writer.failures.append(marked.stderr)
            continue
        writer.regions.add(json.loads(marked.stdout)["regionId"])
        rationale = f"{tag} claim {i}: checked the bounds and the error path"
        claimed = ownit(root, env, "claim", f"{path.name}:{2 * i + 1}", "-m", rationale)
        if claimed.returncode != 0:
            writer.failures.append(claimed.stderr)
            continue
        writer.claims.add(rationale)
        writer.failures.extend(e for e in (marked.stderr, claimed.stderr) if e.strip())


def agent_writer(root: Path, env: dict[str, str], writer: Writer) -> None:
    for i in range(AGENT_ROUNDS):
        path = root / f"agent{i}.py"
        text = f"def agent{i}():\n    return {i}\n"
        path.write_text(text)
        payload = {
            "session_id": "s1",
            "cwd": str(root),
            "hook_event_name": "PostToolUse",
            "tool_name": "Write",
            "tool_input": {"file_path": str(path), "content": text},
            "tool_response": {"type": "create", "filePath": str(path), "content": text},
        }
        done = ownit(root, env, "checkpoint", "--agent", "claude-code", input=json.dumps(payload))
        if done.returncode != 0:
            writer.failures.append(done.stderr)
            continue
        writer.paths.add(path.name)
        added = git_run(root, env, "add", "--", path.name)
        committed = git_run(root, env, "commit", "-q", "-m", f"Add {path.name}")
        trouble = any(w in committed.stderr for w in ("hook failed", "Traceback", "locked"))
        if added.returncode != 0 or committed.returncode != 0 or trouble:
            writer.failures.append(added.stderr + committed.stderr)
        message = git_run(root, env, "log", "-1", "--format=%B").stdout
        writer.commits.append((path.name, message))


def server_writer(
    root: Path, home: Path, err_path: Path, writer: Writer, others_done: threading.Event
) -> None:
    path = root / "s.py"
    path.write_text(functions(SERVER_LIMIT // 2 + 1, "s"))
    with open(err_path, "wb") as err:
        server = Server(isolated_env(home), err)
        try:
            server.start(root)
            uri = server.open(path)
            i = 0
            while not others_done.is_set() and 2 * i < SERVER_LIMIT:
                marked = server.mark(uri, 2 * i, 2 * i + 1)
                if "result" not in marked:
                    writer.failures.append(str(marked))
                    break
                region = marked["result"]["regionId"]
                writer.regions.add(region)
                rationale = f"server claim {i}: checked the bounds and the error path"
                claimed = server.claim(uri, region, rationale)
                if "result" not in claimed:
                    writer.failures.append(str(claimed))
                    break
                writer.claims.add(rationale)
                i += 1
        finally:
            server.close()


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    return make_repo(tmp_path / "repo", env)


def test_four_writers_at_once_lose_nothing(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    writers = {name: Writer(name) for name in ("server", "cli-1", "cli-2", "agent+git")}
    others_done = threading.Event()
    start = threading.Barrier(4)
    err_path = tmp_path / "server.err"

    def run(body: Callable[[], None], writer: Writer) -> Callable[[], None]:
        def go() -> None:
            start.wait()
            try:
                body()
            except Exception as error:  # a failed writer fails the test, with its reason
                writer.failures.append(f"{type(error).__name__}: {error}")

        return go

    threads = [
        threading.Thread(
            target=run(
                lambda: server_writer(
                    repo, tmp_path / "home", err_path, writers["server"], others_done
                ),
                writers["server"],
            )
        ),
        threading.Thread(
            target=run(lambda: cli_writer(repo, env, writers["cli-1"], "c1"), writers["cli-1"])
        ),
        threading.Thread(
            target=run(lambda: cli_writer(repo, env, writers["cli-2"], "c2"), writers["cli-2"])
        ),
        threading.Thread(
            target=run(lambda: agent_writer(repo, env, writers["agent+git"]), writers["agent+git"])
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads[1:]:
        thread.join()
    others_done.set()
    threads[0].join()

    for writer in writers.values():
        assert not writer.failures, (writer.name, writer.failures[:3])
        assert writer.writes > 0, writer.name
    server_log = err_path.read_text(errors="replace")
    assert "Traceback" not in server_log and "locked" not in server_log, server_log

    db = repo / ".git" / "ownit" / "state.db"
    check, claims, regions = read_store(db)
    assert check == ["ok"]
    stored_rationales = {c.rationale for c in claims}
    paths = _stored_paths(db)
    found = 0
    for writer in writers.values():
        assert writer.claims <= stored_rationales, writer.name
        assert writer.regions <= regions, writer.name
        assert writer.paths <= paths, writer.name
        found += len(writer.claims & stored_rationales) + len(writer.regions & regions)
        found += len(writer.paths & paths)
    for name, message in writers["agent+git"].commits:
        assert f"AI-Unowned: {name}:1-2 " in message, message  # the hook read the store
    acknowledged = sum(w.writes for w in writers.values())
    print(
        "\nconcurrency: 4 writers ("
        + ", ".join(f"{w.name} {w.writes}" for w in writers.values())
        + f"), acknowledged writes {acknowledged}, found {found},"
        f" commits with trailers {len(writers['agent+git'].commits)}/{AGENT_ROUNDS}"
    )
    assert found == acknowledged


def _stored_paths(db: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {str(row[0]) for row in conn.execute("SELECT path FROM regions")}
    finally:
        conn.close()
