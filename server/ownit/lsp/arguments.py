"""Command arguments and errors: session errors and malformed arguments become JSON-RPC
error responses that say what was wrong."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import attrs
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from ownit.session import RequestError
from ownit.store import StoreError

REQUEST_FAILED = -32803  # LSP's RequestFailed: the request was understood but cannot be done

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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


def _shape(args: tuple[Any, ...]) -> str:
    if not args:
        return "no arguments"
    return f"{len(args)} argument(s) of type " + ", ".join(type(a).__name__ for a in args)


# -- typed arguments, structured with cattrs ------------------------------------------


class BadArgument(ValueError):
    """A field that is not what it must be (raised by the structure hooks below)."""


class _Missing(BadArgument):
    pass


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _strict(kind: type, article: str) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        if value is None:
            raise _Missing("missing")
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise BadArgument(f"must be {article}, got {type(value).__name__}")
        return value

    return structure


def _converter() -> Any:
    import attrs
    import cattrs
    from cattrs.gen import make_dict_structure_fn, override

    converter = cattrs.Converter(forbid_extra_keys=False)
    converter.register_structure_hook(str, _strict(str, "a str"))
    converter.register_structure_hook(bool, _strict(bool, "a bool"))

    def non_negative(value: Any, _: type) -> int:
        if value is None:
            raise _Missing("missing")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BadArgument(f"must be a non-negative integer, got {value!r}")
        return value

    converter.register_structure_hook(int, non_negative)

    def factory(cls: type) -> Callable[[Any, type], Any]:
        renames: dict[str, Any] = {
            a.name: override(rename=_camel(a.name)) for a in attrs.fields(cls)
        }
        inner: Callable[[Any, type], Any] = make_dict_structure_fn(cls, converter, **renames)
        example = "{" + ", ".join(_camel(a.name) for a in attrs.fields(cls)) + "}"

        def structure(value: Any, _: type) -> Any:
            if value is None:
                raise _Missing("missing")
            if not isinstance(value, dict):
                raise BadArgument(f"must be an object {example}, got {type(value).__name__}")
            return inner(value, cls)

        return structure

    converter.register_structure_hook_factory(attrs.has, factory)
    return converter


_CONVERTER: Any = None


def _problem(error: BaseException, path: str) -> tuple[str, str]:
    """The first field at fault under ``path`` and what is wrong with it."""
    from cattrs.errors import BaseValidationError

    if isinstance(error, BaseValidationError):
        for inner in error.exceptions:
            name = next(
                (getattr(note, "name", None) for note in getattr(inner, "__notes__", [])), None
            )
            name = _camel(name) if name else None
            where = f"{path}.{name}" if name and path else (name or path)
            return _problem(inner, where)
    if isinstance(error, KeyError):
        return path, "missing"
    if isinstance(error, BadArgument):
        return path, str(error)
    return path, f"is not valid ({error})"


def structure_argument(command: str, args: tuple[Any, ...], kind: type[T]) -> T:
    """The command's one object argument as a ``kind``; a field that is missing or not what
    it must be is an InvalidParams error naming the field, e.g.
    ``ownit.claim: 'rationale' must be a str, got int``."""
    global _CONVERTER
    obj = object_argument(command, args)
    if _CONVERTER is None:
        _CONVERTER = _converter()
    try:
        return _CONVERTER.structure(obj, kind)  # type: ignore[no-any-return]
    except Exception as error:
        where, what = _problem(error, "")
        if what == "missing":
            raise JsonRpcInvalidParams(f"{command}: missing {where!r}") from None
        raise JsonRpcInvalidParams(f"{command}: {where!r} {what}") from None


# -- the arguments of ownit's commands (docs/lsp.md); JSON names are camelCase -----------


@attrs.frozen
class Position:
    line: int
    character: int


@attrs.frozen
class Range:
    start: Position
    end: Position


@attrs.frozen
class MarkAiArgs:
    uri: str
    range: Range
    tool: str
    model: str | None = None
    source: str | None = None


@attrs.frozen
class RegionArgs:
    uri: str
    region_id: str


@attrs.frozen
class ClaimArgs:
    uri: str
    region_id: str
    rationale: str | None = None
    purpose: str | None = None


@attrs.frozen
class DismissArgs:
    uri: str
    region_id: str
    reason: str | None = None


@attrs.frozen
class StatusArgs:
    uri: str | None = None
    include_owned: bool | None = None


@attrs.frozen
class UriArgs:
    uri: str
