"""The base of value classes on the paths of short-lived processes (the hooks,
``ownit checkpoint``, ``ownit blame``: the policy's, the trailers and claims, the store's
rows, the commit plan's, history's): slotted, immutable, equal by their fields.

Every hook and every ``ownit checkpoint`` is a new interpreter that imports them, so
they are plain slotted classes with hand-written ``__init__``:
``@dataclass`` generates and ``exec``s the same methods at import time, about 0.7 ms a
class, and importing :mod:`dataclasses` loads inspect, ast, dis and tokenize, 6-12 ms
(issue 13; tests/unit/test_startup_imports.py keeps them off those paths). A subclass
lists its fields in ``__slots__`` and, when some of them do not take part in ``==`` and
``hash`` (caches, where a value came from), the compared ones in ``_compare``. Fields
whose name starts with ``_`` are left out of ``repr`` and ``replace`` unless the class
lists its fields in ``_fields``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

# Sets a field of a record: in ``__init__`` and for caches filled on first use.
set_field = object.__setattr__


class Record:
    __slots__ = ()
    # The fields that decide == and hash; empty: all of __slots__.
    _compare: ClassVar[tuple[str, ...]] = ()
    # The fields repr shows and replace copies; empty: the slots not starting with "_".
    _fields: ClassVar[tuple[str, ...]] = ()

    def _public(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.__slots__
        return self._fields or tuple(name for name in names if name[0] != "_")

    def _compared(self) -> tuple[object, ...]:
        names: tuple[str, ...] = self._compare or self.__slots__
        return tuple(getattr(self, name) for name in names)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._public())
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field name → value); the others as they are. Only for
        classes whose ``__init__`` takes every public field by its name."""
        values: dict[str, Any] = {name: getattr(self, name) for name in self._public()}
        values.update(changes)
        return type(self)(**values)
