"""A small synchronous LSP client over a subprocess's stdio (raw JSON-RPC, Content-Length).

The same client, with the same code path, drives the baseline and ownit, so whatever it
costs is in both sides of every ratio. A reader thread stamps each incoming message with
``time.perf_counter()`` the moment its body has been read, answers the server's own
requests (configuration, capability registration, progress, applyEdit) so the server is
never left waiting, and queues everything else for the benchmark thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

Json = Any


class LspError(Exception):
    """The server answered a request with a JSON-RPC error, or did not answer in time."""


@dataclass(frozen=True)
class Incoming:
    message: dict[str, Json]
    arrived: float  # time.perf_counter() when the body was read
    size: int = 0  # bytes of the JSON body


def _read_body(stream: IO[bytes]) -> bytes | None:
    length = -1
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length < 0:
        raise LspError("message without Content-Length")
    body = stream.read(length)
    if len(body) < length:
        return None
    return body


def _answer_for(method: str, params: Json) -> Json:
    """What a polite editor answers to a request from the server."""
    if method == "workspace/configuration":
        items = params.get("items", []) if isinstance(params, dict) else []
        return [None for _ in items]
    if method == "workspace/applyEdit":
        return {"applied": False, "failureReason": "benchmark client does not apply edits"}
    if method == "window/showMessageRequest":
        return None
    return None


class LspClient:
    """One server subprocess. Use as a context manager; ``close()`` never hangs."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        stderr_path: Path,
    ) -> None:
        self.argv = list(argv)
        self.stderr_path = stderr_path
        self._stderr = stderr_path.open("wb")
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=-1,  # buffered: read(n) returns n bytes (a raw pipe may return fewer)
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin = self.process.stdin
        self._stdout = self.process.stdout
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._responses: dict[int | str, Incoming] = {}
        self._responses_ready = threading.Condition()
        self.notifications: queue.Queue[Incoming] = queue.Queue()
        self._closed = False
        self.reader_error: str | None = None
        self.server_capabilities: dict[str, Json] = {}
        self._reader = threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    # -- wire -------------------------------------------------------------------------------

    def _write(self, message: Mapping[str, Json]) -> float:
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self._write_lock:
            sent = time.perf_counter()
            self._stdin.write(frame)
            self._stdin.flush()
        return sent

    def _read_loop(self) -> None:
        try:
            while True:
                body = _read_body(self._stdout)
                arrived = time.perf_counter()  # before json.loads: parsing is not counted
                if body is None:
                    break
                message: dict[str, Json] = json.loads(body)
                incoming = Incoming(message, arrived, len(body))
                if "method" in message and "id" in message:
                    with contextlib.suppress(OSError, ValueError):
                        result = _answer_for(message["method"], message.get("params"))
                        self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
                elif "id" in message and "method" not in message:
                    with self._responses_ready:
                        self._responses[message["id"]] = incoming
                        self._responses_ready.notify_all()
                else:
                    self.notifications.put(incoming)
        except (OSError, ValueError, LspError) as error:
            self.reader_error = f"client could not read the server's output: {error!r}"
        finally:
            with self._responses_ready:
                self._closed = True
                self._responses_ready.notify_all()

    # -- requests and notifications -------------------------------------------------------

    def send_request(self, method: str, params: Json) -> tuple[int, float]:
        self._next_id += 1
        request_id = self._next_id
        sent = self._write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return request_id, sent

    def wait_response(self, request_id: int, timeout: float) -> Incoming:
        deadline = time.monotonic() + timeout
        with self._responses_ready:
            while request_id not in self._responses:
                remaining = deadline - time.monotonic()
                if self._closed:
                    why = self.reader_error or "server closed its output"
                    raise LspError(f"{why} before answering request {request_id}")
                if remaining <= 0:
                    raise LspError(f"no answer to request {request_id} within {timeout:.0f} s")
                self._responses_ready.wait(remaining)
            return self._responses.pop(request_id)

    def request(self, method: str, params: Json, timeout: float = 30.0) -> Json:
        request_id, _ = self.send_request(method, params)
        incoming = self.wait_response(request_id, timeout)
        return result_of(incoming, method)

    def notify(self, method: str, params: Json) -> float:
        return self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_notification(
        self, method: str, matches: Callable[[Json], bool], timeout: float
    ) -> Incoming:
        """The next queued notification ``method`` whose params satisfy ``matches``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LspError(f"no {method} within {timeout:.0f} s")
            try:
                incoming = self.notifications.get(timeout=remaining)
            except queue.Empty:
                if self._closed:
                    why = self.reader_error or "server closed its output"
                    raise LspError(f"{why} while waiting for {method}") from None
                continue
            if incoming.message.get("method") == method and matches(incoming.message.get("params")):
                return incoming

    def drain(self) -> int:
        """Discard every queued notification; returns how many there were."""
        count = 0
        while True:
            try:
                self.notifications.get_nowait()
            except queue.Empty:
                return count
            count += 1

    # -- lifecycle --------------------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """shutdown + exit, then terminate/kill whatever is left; never raises."""
        if self.process.poll() is None:
            with contextlib.suppress(LspError, OSError, ValueError):
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
            with contextlib.suppress(OSError, ValueError):
                self._stdin.close()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        self._reader.join(timeout=timeout)
        self._stderr.close()

    def stderr_tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            text = self.stderr_path.read_text("utf-8", "replace").splitlines()
            return "\n".join(text[-lines:])
        return ""

    def __enter__(self) -> LspClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def result_of(incoming: Incoming, method: str) -> Json:
    error = incoming.message.get("error")
    if error is not None:
        raise LspError(f"{method}: {error.get('message', error)}")
    return incoming.message.get("result")


def read_rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a live process in KiB, from /proc/PID/status."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()


def initialize_params(root: Path, *, pull_diagnostics: bool = False) -> dict[str, Json]:
    """The same initialize request for every server: utf-16, push diagnostics only unless
    ``pull_diagnostics`` (then the client also offers textDocument/diagnostic)."""
    params: dict[str, Json] = {
        "processId": os.getpid(),
        "clientInfo": {"name": "ownit-bench", "version": "1"},
        "rootUri": file_uri(root),
        "workspaceFolders": [{"uri": file_uri(root), "name": root.name}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "synchronization": {"didSave": True, "dynamicRegistration": False},
                "publishDiagnostics": {"versionSupport": True, "relatedInformation": False},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
            },
            "workspace": {"workspaceFolders": True, "configuration": False, "applyEdit": False},
            "window": {"workDoneProgress": False},
        },
    }
    if pull_diagnostics:
        params["capabilities"]["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
    return params
