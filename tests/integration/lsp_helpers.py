"""Start the real `ownit lsp` process and talk to it as an editor would (pytest-lsp)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = [sys.executable, "-m", "ownit", "lsp"]


def isolated_env(home: Path) -> dict[str, str]:
    """The server's environment: no user config, no user data dir, no OWNIT_STORE."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OWNIT_", "GIT_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


async def start(
    root: Path, home: Path, editor: str = "visual-studio-code", *, pull: bool = False
) -> LanguageClient:
    client = await ClientServerConfig(server_command=SERVER, server_env=isolated_env(home)).start()
    assert isinstance(client, LanguageClient)
    capabilities = client_capabilities(editor)
    if not pull and capabilities.text_document is not None:
        capabilities.text_document.diagnostic = None  # exercise push diagnostics
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    return client


async def stop(client: LanguageClient) -> None:
    await asyncio.wait_for(client.shutdown_session(), timeout=20)


def open_file(client: LanguageClient, path: Path, version: int = 1) -> str:
    uri = path.resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=version,
                text=path.read_bytes().decode("utf-8"),
            )
        )
    )
    return uri


def close_file(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def change(client: LanguageClient, uri: str, version: int, edits: list[tuple[Any, ...]]) -> None:
    """Edits as (start_line, start_char, end_line, end_char, text), applied in order."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=a, character=b),
                        end=types.Position(line=c, character=d),
                    ),
                    text=text,
                )
                for a, b, c, d, text in edits
            ],
        )
    )


async def execute(client: LanguageClient, command: str, argument: Any) -> Any:
    return await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=[argument])
        ),
        timeout=20,
    )


async def mark(
    client: LanguageClient, uri: str, first: int, last: int, tool: str = "copilot"
) -> str:
    """Mark 0-based lines first..last (inclusive) and return the region id."""
    result = await execute(
        client,
        "ownit.markAi",
        {
            "uri": uri,
            "range": {
                "start": {"line": first, "character": 0},
                "end": {"line": last + 1, "character": 0},
            },
            "tool": tool,
        },
    )
    return str(result["regionId"])


async def wait_for_diagnostics(
    client: LanguageClient, uri: str, predicate: Any, timeout: float = 10.0
) -> list[types.Diagnostic]:
    """Wait until the diagnostics published for ``uri`` satisfy ``predicate``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        current = list(client.diagnostics.get(uri, []))
        if predicate(current):
            return current
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"diagnostics for {uri} never matched; last: {current}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS),
                timeout=min(remaining, 0.5),
            )


def lines_of(
    diagnostics: list[types.Diagnostic], code: str = "unowned-ai"
) -> list[tuple[int, int]]:
    return sorted((d.range.start.line, d.range.end.line) for d in diagnostics if d.code == code)


class RawClient:
    """JSON-RPC over the server's stdio with no client library in between, for sending
    requests that a typed client refuses to build (malformed params)."""

    def __init__(self, env: dict[str, str], command: list[str] | None = None) -> None:
        import subprocess

        self.process = subprocess.Popen(
            command or SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        import json

        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self, timeout: float = 20.0) -> dict[str, Any]:
        import json
        import selectors

        assert self.process.stdout is not None
        stream = self.process.stdout
        selector = selectors.DefaultSelector()
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError("the server did not answer")
        length = 0
        while (line := stream.readline().strip()) != b"":
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        result: dict[str, Any] = json.loads(stream.read(length))
        return result

    def request(self, method: str, params: Any, timeout: float = 20.0) -> dict[str, Any]:
        """Send a request and return its response, skipping notifications in between."""
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read(timeout)
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.send({"method": "exit"})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
