"""Command arguments and errors: session errors and malformed arguments become JSON-RPC
error responses that say what was wrong."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from ownit.session import RequestError
from ownit.store import StoreError

REQUEST_FAILED = -32803  # LSP's RequestFailed: the request was understood but cannot be done

F = TypeVar("F", bound=Callable[..., Any])


class RequestFailed(JsonRpcException):
    CODE = REQUEST_FAILED
    MESSAGE = "Request failed"


def answers_errors(handler: F) -> F:
    """Session and store errors become RequestFailed responses whose message says what
    to do (a read-only or full store is the user's to fix: no traceback for them)."""

    @wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except (RequestError, StoreError) as error:
            raise RequestFailed(str(error)) from None

    return wrapper  # type: ignore[return-value]


def object_argument(command: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """The single object argument every ownit command takes (docs/lsp.md)."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams(
            f"{command} takes one object argument, e.g. "
            '{"uri": "file:///…", "regionId": "…"}; got ' + _shape(args)
        )
    return args[0]


def field(
    command: str, obj: dict[str, Any], name: str, kind: type, *, optional: bool = False
) -> Any:
    value = obj.get(name)
    if value is None:
        if optional:
            return None
        raise JsonRpcInvalidParams(f"{command}: missing {name!r}")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise JsonRpcInvalidParams(
            f"{command}: {name!r} must be a {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _shape(args: tuple[Any, ...]) -> str:
    if not args:
        return "no arguments"
    return f"{len(args)} argument(s) of type " + ", ".join(type(a).__name__ for a in args)
