"""What the store's fault suites share: a repository with ownit's hooks, the venv's
`ownit` run as a user would, the real server over stdio, real ways to make a store
read-only or a disk full, and a look at what the store file holds afterwards."""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tests.conftest import git
from tests.integration.lsp_helpers import SERVER, RawClient

VENV_BIN = Path(sys.executable).parent
RATIONALE = "Checked each branch by hand; the inputs are validated upstream"
Preexec = Callable[[], None]

# Linux capability numbers: root passes permission checks through these; dropping them
# makes chmod mean for root what it means for everyone else.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


def honour_permissions() -> None:
    """preexec_fn: the child (and what it runs) obeys file modes even as root, by dropping
    the capabilities that bypass them from its bounding set before exec."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def file_size_limit(limit: int) -> Preexec:
    """preexec_fn: no file may grow past ``limit`` bytes (RLIMIT_FSIZE; the write fails
    with EFBIG instead of the signal), which SQLite meets as a disk I/O error."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def can_unshare() -> bool:
    """Whether this process may make a private mount namespace (root, or user namespaces
    allowed): the full-disk tests mount a tiny tmpfs there."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def run_in_private_mounts(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``sh -c script`` in a private mount namespace (what it mounts is gone with it)."""
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def make_repo(root: Path, env: dict[str, str], *, hooks: bool = True) -> Path:
    """A repository with one committed file and (by default) ownit's hooks installed."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Dev Name")
    git(root, "config", "user.email", "dev@example.com")
    git(root, "config", "commit.gpgsign", "false")
    (root / "base.py").write_text("base = 0\n")
    git(root, "add", "base.py")
    git(root, "commit", "-q", "-m", "Initial")
    if hooks:
        ownit(root, env, "hooks", "install", check=True)
    return root


def functions(count: int, tag: str = "f") -> str:
    """A Python file of ``count`` two-line functions (region ``i`` is lines 2i+1..2i+2)."""
    return "".join(f"def {tag}{i}():\n    return {i}\n" for i in range(count))


def ownit(
    cwd: Path,
    env: dict[str, str],
    *args: str,
    check: bool = False,
    preexec: Preexec | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(VENV_BIN / "ownit"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        input=input,
        check=False,
        preexec_fn=preexec,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"ownit {args} failed ({result.returncode}):\n{result.stderr}")
    return result


def git_run(
    cwd: Path, env: dict[str, str], *args: str, preexec: Preexec | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=preexec,
    )


class Server(RawClient):
    """The real `ownit lsp` over stdio, its stderr kept (tracebacks must not appear)."""

    def __init__(
        self, env: dict[str, str], stderr: IO[bytes], *, preexec: Preexec | None = None
    ) -> None:
        self.process = subprocess.Popen(
            SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            preexec_fn=preexec,
        )
        self.next_id = 0
        self.messages: list[dict[str, Any]] = []  # notifications seen while waiting
        self._buffer = bytearray()

    def read(self, timeout: float = 30.0) -> dict[str, Any]:
        """The next message. Reads the pipe itself: a buffered reader may hold a whole
        message that select() cannot see, and many pipelined answers arrive at once."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while True:
            message = self._take()
            if message is not None:
                return message
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise AssertionError("the server did not answer")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("the server closed its output")
            self._buffer += chunk

    def _take(self) -> dict[str, Any] | None:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        length = 0
        for line in bytes(self._buffer[:end]).split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(self._buffer) < end + 4 + length:
            return None
        body = bytes(self._buffer[end + 4 : end + 4 + length])
        del self._buffer[: end + 4 + length]
        message: dict[str, Any] = json.loads(body)
        return message

    def request(self, method: str, params: Any, timeout: float = 30.0) -> dict[str, Any]:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read(timeout)
            if message.get("id") == self.next_id and "method" not in message:
                return message
            self.messages.append(message)

    def start(self, root: Path) -> None:
        self.request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
        )
        self.send({"method": "initialized", "params": {}})

    def open(self, path: Path) -> str:
        uri = path.resolve().as_uri()
        self.send(
            {
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "python",
                        "version": 1,
                        "text": path.read_text(),
                    }
                },
            }
        )
        return uri

    def command(self, name: str, argument: dict[str, Any]) -> dict[str, Any]:
        return self.request("workspace/executeCommand", {"command": name, "arguments": [argument]})

    def mark(self, uri: str, first: int, last: int) -> dict[str, Any]:
        """Mark 0-based lines ``first``..``last``; the whole response."""
        return self.command(
            "ownit.markAi",
            {
                "uri": uri,
                "range": {
                    "start": {"line": first, "character": 0},
                    "end": {"line": last + 1, "character": 0},
                },
                "tool": "copilot",
            },
        )

    def claim(self, uri: str, region_id: str, rationale: str = RATIONALE) -> dict[str, Any]:
        return self.command(
            "ownit.claim", {"uri": uri, "regionId": region_id, "rationale": rationale}
        )

    def shown(self) -> list[str]:
        """The window/showMessage texts received so far."""
        return [
            str(m["params"]["message"])
            for m in self.messages
            if m.get("method") == "window/showMessage"
        ]

    def wait_for_message(self, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        """The first window/showMessage text satisfying ``predicate`` (waiting for it)."""
        while True:
            for text in self.shown():
                if predicate(text):
                    return text
            self.messages.append(self.read(timeout))

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@dataclass(frozen=True, slots=True)
class StoredClaim:
    region_id: str
    owner_email: str
    rationale: str
    fingerprint: str


def read_store(db: Path) -> tuple[list[str], list[StoredClaim], set[str]]:
    """(integrity check rows, claims, region ids) of the store file as it is, read-only
    with SQLite's own locking (the -wal, if any, is read too)."""
    uri = "file:" + urllib.parse.quote(str(db)) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        check = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
        claims = [
            StoredClaim(*row)
            for row in conn.execute(
                "SELECT region_id, owner_email, rationale, fingerprint FROM claims"
            )
        ]
        regions = {str(row[0]) for row in conn.execute("SELECT id FROM regions")}
    finally:
        conn.close()
    return check, claims, regions


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text


def json_line(text: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return value
