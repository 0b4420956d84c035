"""What is wrong with a JSON-RPC message, decided before pygls sees it.

pygls 2.1.1 assumes well-formed messages: a request with an id and no method, a non-string
method, an array or a bare number, an id that is an object… each ends as a traceback in the
log, a ``-32603`` carrying a Python traceback, or no answer at all. ``check_message`` says,
for any JSON value, whether it is a message pygls can take as it is (``()``, the common
case, decided with a few dictionary look-ups) or which error responses it calls for.

JSON-RPC 2.0 fixes the codes: -32700 the body is not JSON, -32600 not a valid request
object, -32601 no such method, -32602 bad params. An error whose request id cannot be told
(unparsable JSON, an id that is neither an integer nor a string) is sent with ``id: null``.
Messages without an id are notifications (or responses), which are never answered:
their problems are only logged.

``members_of_deep_object`` recovers ``id`` and ``method`` from a body too deeply nested for
``json.loads`` (which raises ``RecursionError``), so such a request is still answered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

MessageId = int | str


@dataclass(frozen=True, slots=True)
class Refusal:
    """One error response to send (``answer``), or only to log (a notification's problem).
    ``id`` is None when the request's id cannot be told: the response carries ``null``."""

    code: int
    message: str
    id: MessageId | None = None
    answer: bool = True


def is_message_id(value: object) -> TypeGuard[MessageId]:
    """An id LSP allows: an integer (not a boolean) or a string."""
    kind = type(value)
    return kind is int or kind is str


_ABSENT = object()
_PARAMS_KINDS = (dict, list, type(None))


def check_message(data: object) -> tuple[Refusal, ...]:
    """``()`` when ``data`` (any parsed JSON) is a well-formed request, notification or
    response; otherwise what to answer (or log) instead of handling it."""
    if type(data) is dict:
        method = data.get("method", _ABSENT)
        msg_id = data.get("id", _ABSENT)
        if (
            data.get("jsonrpc") == "2.0"
            and type(method) is str
            and (msg_id is _ABSENT or is_message_id(msg_id))
            and type(data.get("params")) in _PARAMS_KINDS
        ):
            return ()  # the keystroke path: nothing more to look at
        return _check_object(data, method, msg_id)
    if type(data) is list:
        return _check_batch(data)
    return (
        Refusal(
            INVALID_REQUEST, f"Invalid Request: a message must be a JSON object, got {_kind(data)}"
        ),
    )


def _check_object(data: dict[str, Any], method: object, msg_id: object) -> tuple[Refusal, ...]:
    has_id = msg_id is not _ABSENT
    good_id = msg_id if has_id and is_message_id(msg_id) else None
    if method is _ABSENT:
        if "result" in data or "error" in data:
            # A response from the client: never answered; pygls matches it to its request.
            if good_id is None:
                return (Refusal(INVALID_REQUEST, "response without a valid id", answer=False),)
            if data.get("jsonrpc") != "2.0":
                return (Refusal(INVALID_REQUEST, _VERSION, good_id, answer=False),)
            return ()
        # Neither a request nor a response: JSON-RPC answers it (with a null id if need be).
        return (Refusal(INVALID_REQUEST, "Invalid Request: no 'method'", good_id),)
    is_request = has_id
    if has_id and good_id is None:
        return (
            Refusal(
                INVALID_REQUEST,
                f"Invalid Request: 'id' must be an integer or a string, got {_kind(msg_id)}",
            ),
        )
    if data.get("jsonrpc") != "2.0":
        return (Refusal(INVALID_REQUEST, _VERSION, good_id, answer=is_request),)
    if type(method) is not str:
        return (
            Refusal(
                INVALID_REQUEST,
                f"Invalid Request: 'method' must be a string, got {_kind(method)}",
                good_id,
                answer=is_request,
            ),
        )
    params = data.get("params")
    return (
        Refusal(
            INVALID_PARAMS,
            f"Invalid params for {shown_method(method)}: 'params' must be an object or an array, "
            f"got {_kind(params)}",
            good_id,
            answer=is_request,
        ),
    )


_VERSION = "Invalid Request: 'jsonrpc' must be \"2.0\""


def _check_batch(items: list[Any]) -> tuple[Refusal, ...]:
    """LSP has no batches. Each request in one is answered, so no client waits for ever."""
    message = "Invalid Request: batches (JSON arrays) are not part of the Language Server Protocol"
    refusals = tuple(
        Refusal(INVALID_REQUEST, message, item["id"])
        for item in items
        if type(item) is dict and "method" in item and is_message_id(item.get("id"))
    )
    return refusals or (Refusal(INVALID_REQUEST, message),)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def shown_method(method: str) -> str:
    """A method name for a message: quoted, control characters escaped, cut if long."""
    shown = json.dumps(method[:100])
    return shown if len(method) <= 100 else shown[:-1] + '…"'


def parse_error(error: BaseException) -> str:
    """A one-line description of why a body is not JSON."""
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return f"Parse error: the body is not UTF-8 (byte {error.start} is {byte:#04x})"
    if isinstance(error, json.JSONDecodeError):
        return f"Parse error: {error.msg} at character {error.pos}"
    if isinstance(error, RecursionError):
        return "Parse error: nested too deeply to read"
    return f"Parse error: {error}"


# --- members of an object too deep for json.loads -----------------------------------------------

_STRUCTURAL = re.compile(r'"|[\[{]+|[\]}]+')  # a run of brackets is one step
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_COLON = re.compile(r"\s*:\s*")
_DECODER = json.JSONDecoder()
MAX_SCAN_STEPS = 100_000  # bounds the work on a hostile body: past it, the id is unknown


def members_of_deep_object(text: str, names: tuple[str, ...] = ("id", "method")) -> dict[str, Any]:
    """The values of the top-level members ``names`` of the JSON object ``text`` that can be
    read (a value that is itself too deep is left out). One pass, no recursion, at most
    ``MAX_SCAN_STEPS`` steps: for bodies ``json.loads`` refused with ``RecursionError``."""
    found: dict[str, Any] = {}
    start = len(text) - len(text.lstrip())
    if not text.startswith("{", start):
        return found
    depth = 0
    position = start
    for _ in range(MAX_SCAN_STEPS):
        if len(found) == len(names):
            break
        token = _STRUCTURAL.search(text, position)
        if token is None:
            break
        run = token.group()
        if run == '"':
            string = _STRING.match(text, token.start())
            if string is None:
                break  # an unterminated string: nothing readable follows
            position = string.end()
            if depth != 1:
                continue
            colon = _COLON.match(text, position)
            if colon is None:
                continue  # a value, not a key
            try:
                key = json.loads(string.group())
            except ValueError:
                continue
            if key in names and key not in found:
                try:
                    found[key], position = _DECODER.raw_decode(text, colon.end())
                except (ValueError, RecursionError):
                    position = colon.end()
            continue
        position = token.end()
        if run[0] in "{[":
            depth += len(run)
        elif depth - len(run) >= 1:
            depth -= len(run)
        else:
            break  # the top-level object ends here
    return found
