"""The language server factory: a pygls server, the session, and one module per feature."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from ownit import __version__
from ownit.session import Session

log = logging.getLogger(__name__)

INVALID_PARAMS = -32602


class _Answered:
    """Marks a message the protocol already answered while parsing it."""


ANSWERED = _Answered()


def describe_parse_error(error: BaseException) -> str:
    """What was wrong with the params, as ``what @ where`` lines (cattrs's own wording)."""
    cause = error.__cause__ or error
    try:
        from cattrs import transform_error

        details = transform_error(cause)
    except Exception:
        details = [str(cause)]
    return "; ".join(detail.replace("$.", "", 1) for detail in details) or str(cause)


class RawJson(str):
    """A result that is already JSON text: sent as is, never parsed and re-serialized
    (a pull of ten thousand diagnostics would otherwise build them all as objects)."""


class OwnitProtocol(LanguageServerProtocol):
    """pygls 2.1.1 answers a request whose params fail to parse with a showMessage only,
    leaving the client waiting; answer it with a JSON-RPC error instead. Also sends
    pre-serialized JSON (``write_json``, ``RawJson`` results) without a second encoding."""

    def write_json(self, body: str) -> None:
        """Send one message that is already JSON text (what _send_data does after dumps)."""
        if self.writer is None:
            return
        data = body.encode("utf-8")
        if self._include_headers:
            header = (
                f"Content-Length: {len(data)}\r\n"
                f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            )
            data = header.encode("ascii") + data
        result = self.writer.write(data)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._pending_writes.add(task)
            task.add_done_callback(self._pending_writes.discard)

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: Any | None = None
    ) -> None:
        if error is None and isinstance(result, RawJson):
            self.write_json(f'{{"jsonrpc":"2.0","id":{json.dumps(msg_id)},"result":{result}}}')
            return
        super()._send_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method = data.get("method", "?")
            message = f"invalid params for {method}: {describe_parse_error(error)}"
            if "id" in data and "method" in data:
                self._send_response(
                    data["id"],
                    error=types.ResponseError(code=INVALID_PARAMS, message=message),
                )
            else:
                log.warning("ignored malformed notification: %s", message)
                self.notify(
                    types.WINDOW_LOG_MESSAGE,
                    types.LogMessageParams(type=types.MessageType.Warning, message=message),
                )
            return ANSWERED

    @property
    def _pending_writes(self) -> set[asyncio.Future[Any]]:
        pending: set[asyncio.Future[Any]] | None = getattr(self, "_ownit_writes", None)
        if pending is None:
            pending = set()
            self._ownit_writes = pending
        return pending

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        super().handle_message(message)


class OwnitServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            name="ownit",
            version=__version__,
            protocol_cls=OwnitProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.session = Session()
        self.use_pull_diagnostics = False
        self.pending_folders: list[str] = []  # workspace folders to open once initialized
        self.background_tasks: set[asyncio.Future[Any]] = set()

    @property
    def ownit_protocol(self) -> OwnitProtocol:
        protocol = self.protocol
        assert isinstance(protocol, OwnitProtocol)
        return protocol

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


def create_server() -> OwnitServer:
    from ownit.lsp.features import (
        code_actions,
        code_lens,
        commands,
        diagnostics,
        documents,
        hover,
        lifecycle,
        policy,
        store_watch,
    )

    server = OwnitServer()
    for feature in (
        lifecycle,
        documents,
        diagnostics,
        hover,
        code_actions,
        code_lens,
        commands,
        policy,
        store_watch,
    ):
        feature.register(server)
    return server
