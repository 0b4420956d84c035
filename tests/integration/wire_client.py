"""The real `ownit lsp` process driven byte by byte: frames with any headers and any body
(invalid JSON, invalid UTF-8, wrong lengths), and every message the server writes collected
by a reader thread, so a test can send thousands without waiting for each answer."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tests.integration.lsp_helpers import SERVER, isolated_env

Message = dict[str, Any]


def frame(body: bytes | str, header_name: str = "Content-Length") -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return f"{header_name}: {len(data)}\r\n\r\n".encode() + data


def dumps(message: Any) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


class WireClient:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.received: queue.Queue[Message | None] = queue.Queue()
        self.messages: list[Message] = []  # everything received so far, in order
        self.unreadable = 0  # frames from the server that were not JSON (must stay 0)
        assert self.process.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,))
        self._reader.daemon = True
        self._reader.start()
        self.next_id = 0

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.received.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                self.unreadable += 1
                continue
            try:
                message = json.loads(stream.read(length))
            except ValueError:
                self.unreadable += 1
                continue
            self.received.put(message)

    # -- sending --

    def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: Message) -> None:
        self.write(frame(dumps({"jsonrpc": "2.0", **message})))

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # -- receiving --

    def drain(self, timeout: float = 0.0) -> list[Message]:
        """What has arrived (waiting up to ``timeout`` for the first one)."""
        got: list[Message] = []
        try:
            item = self.received.get(timeout=timeout) if timeout else self.received.get_nowait()
            while True:
                if item is None:
                    raise AssertionError("the server closed its output (it exited)")
                got.append(item)
                item = self.received.get_nowait()
        except queue.Empty:
            pass
        self.messages.extend(got)
        return got

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 30.0) -> Message:
        """The first message (received before or from now on) that satisfies ``predicate``."""
        for message in self.messages:
            if predicate(message):
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no such message from the server")
            for message in self.drain(timeout=min(remaining, 0.5)):
                if predicate(message):
                    return message

    def response(self, msg_id: Any, timeout: float = 30.0) -> Message:
        return self.wait_for(lambda m: "method" not in m and m.get("id") == msg_id, timeout)

    def request(self, method: str, params: Any = None, timeout: float = 30.0) -> Message:
        msg_id = self.new_id()
        self.send({"id": msg_id, "method": method, "params": params})
        return self.response(msg_id, timeout)

    def command(self, name: str, argument: dict[str, Any]) -> dict[str, Any]:
        """``workspace/executeCommand`` with one argument; its result (an error fails)."""
        response = self.request(
            "workspace/executeCommand", {"command": name, "arguments": [argument]}
        )
        assert "result" in response, response
        result: dict[str, Any] = response["result"]
        return result

    def initialize(self, root_uri: str | None) -> None:
        folders = [{"uri": root_uri, "name": "root"}] if root_uri else None
        capabilities = {"general": {"positionEncodings": ["utf-16"]}}
        params = {
            "processId": None,
            "rootUri": root_uri,
            "capabilities": capabilities,
            "workspaceFolders": folders,
        }
        response = self.request("initialize", params)
        assert "result" in response, response
        self.send({"method": "initialized", "params": {}})

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.request("shutdown", None, timeout=10)
                self.send({"method": "exit"})
                self.process.wait(timeout=10)
        finally:
            self.kill()

    def kill(self) -> None:
        """End the server if it still runs (a test's cleanup after its own exit checks)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def git_repo_with(root: Path, files: dict[str, str]) -> Path:
    """A new git repository at ``root`` with a committer identity and ``files`` written
    (not committed)."""
    root.mkdir()
    for args in (
        ["init", "-q"],
        ["config", "user.name", "QA Dev"],
        ["config", "user.email", "qa@example.com"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


@contextmanager
def serving(home: Path, root: Path) -> Iterator[WireClient]:
    """A real server over stdio, initialized on ``root``, with ``home`` as its isolated
    home; shut down at the end."""
    home.mkdir()
    wire = WireClient(isolated_env(home))
    try:
        wire.initialize(root.as_uri())
        yield wire
    finally:
        wire.close()
