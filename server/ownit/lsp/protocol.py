"""The JSON-RPC protocol of the server: pygls's, made to answer whatever arrives, and
results sent as JSON text already made (``RawJson``)."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

from ownit.lsp import jsonrpc, wire
from ownit.lsp.jsonrpc import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    Refusal,
)

log = logging.getLogger(__name__)


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


_TRACEBACK = "Traceback (most recent call last)"


def _without_traceback(error: Any) -> Any:
    """An error response as the client may show it: pygls puts a Python traceback in an
    internal error's ``data``; it belongs in the server's log, not in front of the user."""
    if not isinstance(error, types.ResponseError):
        return error
    data = error.data
    if isinstance(data, dict) and "traceback" in data:
        data = {key: value for key, value in data.items() if key != "traceback"} or None
    elif isinstance(data, str) and _TRACEBACK in data:
        data = None
    message = error.message
    if _TRACEBACK in message:
        message = message[: message.index(_TRACEBACK)].rstrip() or "Internal error"
    if data is error.data and message is error.message:
        return error
    return types.ResponseError(code=error.code, message=message, data=data)


class RawJson(str):
    """A result that is already JSON text: sent as is, never parsed and re-serialized
    (a pull of ten thousand diagnostics would otherwise build them all as objects)."""


class OwnitProtocol(LanguageServerProtocol):
    """pygls's protocol, made to answer every request whatever arrives.

    pygls 2.1.1 parses a body with ``json.loads`` and hands whatever comes out to its
    handlers: invalid UTF-8, JSON nested too deeply or not JSON at all is logged and never
    answered, a request whose params fail to parse gets a showMessage only, and a
    non-string method a ``-32603`` with a Python traceback. ``receive`` checks each message
    first (``jsonrpc.check_message``: a few look-ups for a good one) and answers a bad one
    with the JSON-RPC error it calls for; no error response carries a traceback. Also sends
    pre-serialized JSON (``write_json``, ``RawJson`` results) without a second encoding."""

    def receive(self, body: bytes) -> None:
        """Handle one message body as the client sent it. Never raises (but SystemExit
        from ``exit`` and BrokenPipeError when the client is gone)."""
        data: Any = None
        try:
            try:
                data = json.loads(body.decode("utf-8"))
            except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
                self._receive_damaged(body, error)
                return
            self._receive_parsed(data)
        except BrokenPipeError:
            raise
        except Exception as error:
            # A fault of ownit's, not of the message: answer it and serve the next one.
            log.exception("could not handle a message")
            msg_id = data.get("id") if isinstance(data, dict) and "method" in data else None
            if jsonrpc.is_message_id(msg_id):
                failure = Refusal(INTERNAL_ERROR, f"Internal error: {type(error).__name__}", msg_id)
                self._refuse((failure,))

    def _receive_parsed(self, data: Any, bad_utf8: str | None = None) -> None:
        refusals = jsonrpc.check_message(data)
        if not refusals:
            refusals = self._refusals_for_good_shape(data, bad_utf8)
        if refusals:
            self._refuse(refusals)
            return
        message = self.structure_message(data)
        self.handle_message(message)

    def _refusals_for_good_shape(
        self, data: dict[str, Any], bad_utf8: str | None
    ) -> tuple[Refusal, ...]:
        msg_id, method = data.get("id"), data.get("method")
        if msg_id is None or method is None:
            if bad_utf8 is not None and method is not None:
                # A notification cannot be answered; U+FFFD keeps an edit rather than
                # losing it (the client's text and ours would part ways from there on).
                log.warning("%s: read with U+FFFD in place of the bad bytes", bad_utf8)
            return ()
        if bad_utf8 is not None:
            return (Refusal(PARSE_ERROR, bad_utf8, msg_id),)
        message_type = self.get_message_type(method)
        if message_type is not None and not hasattr(message_type, "id"):
            shown = jsonrpc.shown_method(method)
            text = f"Invalid Request: {shown} is a notification: send it without an id"
            return (Refusal(INVALID_REQUEST, text, msg_id),)
        if not self._has_handler(method):
            # Before the params are parsed: an unknown method is not a params problem.
            shown = jsonrpc.shown_method(method)
            return (Refusal(METHOD_NOT_FOUND, f"Method Not Found: {shown}", msg_id),)
        return ()

    def _receive_damaged(self, body: bytes, error: BaseException) -> None:
        """A body ``json.loads`` refused: answer it, with its id when that can be read."""
        bad_utf8 = None
        if isinstance(error, UnicodeDecodeError):
            bad_utf8 = jsonrpc.parse_error(error)
            text = body.decode("utf-8", "replace")
            try:
                data = json.loads(text)
            except (ValueError, RecursionError) as second:
                error = second
            else:
                self._receive_parsed(data, bad_utf8)
                return
        else:
            text = body.decode("utf-8")
        if isinstance(error, RecursionError):
            self._refuse((self._deep_refusal(text, bad_utf8),))
        else:
            self._refuse((Refusal(PARSE_ERROR, bad_utf8 or jsonrpc.parse_error(error)),))

    def _deep_refusal(self, text: str, bad_utf8: str | None) -> Refusal:
        """For valid JSON nested too deeply to read: by the id and method of its top level."""
        members = jsonrpc.members_of_deep_object(text)
        msg_id, method = members.get("id"), members.get("method")
        too_deep = "nested too deeply to read"
        if "id" not in members and isinstance(method, str):
            return Refusal(INVALID_PARAMS, f"{method[:100]!r}: {too_deep}", answer=False)
        if not jsonrpc.is_message_id(msg_id):
            return Refusal(INVALID_REQUEST, f"Invalid Request: {too_deep}")
        assert msg_id is not None
        if not isinstance(method, str):
            return Refusal(
                INVALID_REQUEST, f"Invalid Request: no readable 'method' ({too_deep})", msg_id
            )
        if bad_utf8 is not None:
            return Refusal(PARSE_ERROR, bad_utf8, msg_id)
        shown = jsonrpc.shown_method(method)
        if not self._has_handler(method):
            return Refusal(METHOD_NOT_FOUND, f"Method Not Found: {shown}", msg_id)
        return Refusal(INVALID_PARAMS, f"Invalid params for {shown}: {too_deep}", msg_id)

    def _has_handler(self, method: str) -> bool:
        return method in self.fm.builtin_features or method in self.fm.features

    def _refuse(self, refusals: tuple[Refusal, ...]) -> None:
        for refusal in refusals:
            if refusal.answer:
                log.info("refused a message: %s", refusal.message)
                error = types.ResponseError(code=refusal.code, message=refusal.message)
                self._send_response(refusal.id, error=error)
            else:
                log.warning("ignored a malformed notification: %s", refusal.message)

    def refuse_oversized(self, size: int) -> None:
        limit = wire.MAX_BODY_BYTES
        message = f"Invalid Request: a message of {size} bytes is over the {limit}-byte limit"
        self._refuse((Refusal(INVALID_REQUEST, message),))

    def refuse_frame(self, why: str) -> None:
        """A message whose header does not say where it ends: answered with ``id: null``
        (its id is in a body that cannot be told from the next message)."""
        self._refuse((Refusal(INVALID_REQUEST, f"Invalid Request: {why}"),))

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
        if error is not None:
            error = _without_traceback(error)
            if msg_id is None:
                # lsprotocol leaves out a None id; JSON-RPC wants it there, as null.
                data = self._converter.unstructure(error)
                self.write_json(json.dumps({"jsonrpc": "2.0", "id": None, "error": data}))
                return
        super()._send_response(msg_id, result, error)

    def _send_data(self, data: Any) -> None:
        """pygls's ``_send_data``, except that a response that cannot be serialized (a
        result holding what JSON cannot say) still answers its request, with an error."""
        if not data:
            return
        try:
            body = json.dumps(data, default=self._serialize_message)
        except (TypeError, ValueError, RecursionError) as error:
            log.error("could not serialize a %s: %s", type(data).__name__, error)
            msg_id = getattr(data, "id", None)
            if getattr(data, "method", None) is None and jsonrpc.is_message_id(msg_id):
                failure = {"code": INTERNAL_ERROR, "message": "Internal error: unsendable result"}
                self.write_json(json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": failure}))
            return
        self.write_json(body)

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        if self._shutdown and isinstance(message, RPCRequest):
            # LSP: requests after shutdown are errors; pygls 2.1.1 drops them unanswered.
            error = types.ResponseError(
                code=INVALID_REQUEST, message="Invalid Request: the server is shutting down"
            )
            self._send_response(message.id, error=error)
            return
        super().handle_message(message)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method = jsonrpc.shown_method(str(data.get("method", "?")))
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

    def _hand_on(self, method: str, params: Any) -> Any:
        """The feature's own handler for ``method``, and not pygls's built-in one (above)."""
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    # ownit keeps its own copy of each open document (session/documents.py). pygls's
    # built-in handlers keep another in its workspace (a second copy of every document,
    # split whole again on every keystroke: 100,000 strings made and dropped per keystroke
    # in a 100,000-line file), and its didChange raises KeyError for a document that is
    # not open (shown to the user as "Error in server"); these only hand the notification
    # on (features/documents.py ignores unknown documents).

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        yield from self._hand_on(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        yield from self._hand_on(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        yield from self._hand_on(types.TEXT_DOCUMENT_DID_CLOSE, params)

    # ownit announces no notebook sync and tracks no notebook: pygls's workspace copy of
    # one is never read, and its didChange raised KeyError for a notebook not open.

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def lsp_notebook_document__did_open(self, params: types.DidOpenNotebookDocumentParams) -> Any:
        yield from self._hand_on(types.NOTEBOOK_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(
        self, params: types.DidChangeNotebookDocumentParams
    ) -> Any:
        yield from self._hand_on(types.NOTEBOOK_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def lsp_notebook_document__did_close(self, params: types.DidCloseNotebookDocumentParams) -> Any:
        yield from self._hand_on(types.NOTEBOOK_DOCUMENT_DID_CLOSE, params)

    @property
    def _pending_writes(self) -> set[asyncio.Future[Any]]:
        pending: set[asyncio.Future[Any]] | None = getattr(self, "_ownit_writes", None)
        if pending is None:
            pending = set()
            self._ownit_writes = pending
        return pending
