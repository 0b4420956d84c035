"""The server object every feature is given: the session, what the client supports
(resolved once, at initialize), and the services features call — publish and refresh
diagnostics, history hints, policy reload — each provided by the feature that owns it.

Features import this module, ``convert``, ``arguments`` and the session; never each other
and never ``server`` (the factory that registers them all).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from lsprotocol import types
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.lsp.server import LanguageServer

from ownit import __version__
from ownit.git import run as git
from ownit.lsp import wire
from ownit.lsp.protocol import OwnitProtocol, RawJson
from ownit.session import Session

if TYPE_CHECKING:
    from ownit.session import RepoContext

__all__ = ["ClientSupport", "Diagnostics", "OwnitServer", "PolicyReload", "RawJson"]

log = logging.getLogger(__name__)


class Diagnostics(Protocol):
    """What the diagnostics feature provides (``OwnitServer.publish`` and friends)."""

    def publish(self, uri: str, *, only_if_changed: bool = False) -> None: ...

    def refresh(self, uris: Iterable[str]) -> None: ...

    def clear(self, uri: str) -> None: ...

    def schedule_history(self, uri: str) -> None: ...


class PolicyReload(Protocol):
    """What the policy feature provides (``OwnitServer.reload_policy``)."""

    def __call__(self, context: RepoContext) -> None: ...


@dataclass(frozen=True)
class ClientSupport:
    """What the client said it supports, read once from its initialize capabilities."""

    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    code_lens_refresh: bool = False

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> ClientSupport:
        text_document, workspace = capabilities.text_document, capabilities.workspace
        lenses = workspace.code_lens if workspace else None
        diagnostics = workspace.diagnostics if workspace else None
        return cls(
            pull_diagnostics=bool(text_document and text_document.diagnostic),
            diagnostic_refresh=bool(diagnostics is not None and diagnostics.refresh_support),
            code_lens_refresh=bool(lenses is not None and lenses.refresh_support),
        )


class OwnitServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            name="ownit",
            version=__version__,
            protocol_cls=OwnitProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.session = Session()
        self.client = ClientSupport()
        self.shutting_down = False  # set by `shutdown`: the stores are closed from there on
        self._diagnostics: Diagnostics | None = None
        self._reload_policy: PolicyReload | None = None
        self.pending_folders: list[str] = []  # workspace folders to open once initialized
        self.background_tasks: set[asyncio.Future[Any]] = set()

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over stdio with ownit's reader (``wire.read_messages``) in place of
        pygls's, which loses a message after a lower-case ``content-length``."""
        stop = self._stop_event = threading.Event()
        reader = StdinAsyncReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self._serve(reader, stop))
        except BrokenPipeError:
            log.error("the client closed the connection; stopping")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    def start_tcp(self, host: str, port: int) -> None:
        """One client at a time over TCP (for debugging), read like stdio."""
        stop = self._stop_event = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)
            await self._serve(reader, stop)
            self.shutdown()  # type: ignore[no-untyped-call]

        async def serve() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(serve())

    async def _serve(self, reader: wire.Reader, stop: threading.Event) -> None:
        protocol = self.ownit_protocol
        # The server must keep answering: git has a limit here (the CLI waits for git).
        git.set_timeout(git.server_timeout())
        try:
            await wire.read_messages(
                reader,
                protocol.receive,
                protocol.refuse_oversized,
                stop,
                refuse_frame=protocol.refuse_frame,
            )
        finally:
            git.stop_all()  # a git still running must not hold up the exit

    async def add_workspace_folders(self, uris: Iterable[str]) -> None:
        """Open each folder's store, its repository looked up in a worker thread first
        (git may hang: the message loop goes on meanwhile)."""
        loop = asyncio.get_running_loop()
        for uri in uris:
            if not self.session.repository_known(uri):
                await loop.run_in_executor(None, self.session.discover, uri)
            if self.shutting_down:
                return  # the stores are closed
            self.session.add_workspace_folder(uri)
            self.show_notices()

    @property
    def ownit_protocol(self) -> OwnitProtocol:
        protocol = self.protocol
        assert isinstance(protocol, OwnitProtocol)
        return protocol

    # -- services (provided by the features that own them) ---------------------------

    def provide(
        self, *, diagnostics: Diagnostics | None = None, reload_policy: PolicyReload | None = None
    ) -> None:
        if diagnostics is not None:
            self._diagnostics = diagnostics
        if reload_policy is not None:
            self._reload_policy = reload_policy

    @property
    def diagnostics(self) -> Diagnostics:
        if self._diagnostics is None:
            raise RuntimeError("no diagnostics feature registered on this server")
        return self._diagnostics

    def publish(self, uri: str, *, only_if_changed: bool = False) -> None:
        """Send the document's diagnostics to a push client (pull clients ask for them)."""
        self.diagnostics.publish(uri, only_if_changed=only_if_changed)

    def refresh(self, uris: Iterable[str]) -> None:
        """Diagnostics and lenses changed for reasons other than an edit: show them again."""
        self.diagnostics.refresh(uris)

    def clear_diagnostics(self, uri: str) -> None:
        self.diagnostics.clear(uri)

    def schedule_history(self, uri: str) -> None:
        """Compute the document's history hints off the message loop, then show them."""
        self.diagnostics.schedule_history(uri)

    def reload_policy(self, context: RepoContext) -> None:
        """Read the repository's `.ownit.yaml` again and show what it changes."""
        if self._reload_policy is None:
            raise RuntimeError("no policy feature registered on this server")
        self._reload_policy(context)

    def write_json(self, body: str) -> None:
        """Send one message that is already JSON text."""
        self.ownit_protocol.write_json(body)

    def run_in_background(self, task: asyncio.Future[Any]) -> None:
        """Keep a task alive until it is done (asyncio holds only weak references)."""
        self.background_tasks.add(task)
        task.add_done_callback(self.background_tasks.discard)

    def show_notices(self) -> None:
        """Tell the user what the session noted (a store moved aside, a folder it cannot
        track, positions it could not save)."""
        for notice in self.session.take_notices():
            log.warning("%s", notice)
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=notice)
            )

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def report_server_error(self, error: Exception, source: Any) -> None:
        log.error("%s: %s", getattr(source, "__name__", source), error)
        super().report_server_error(error, source)
