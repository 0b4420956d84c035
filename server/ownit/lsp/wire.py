"""The LSP base protocol on a byte stream: header lines, a blank line, ``Content-Length``
bytes of body.

Replaces the read loop of pygls 2.1.1 (``pygls.io_.run_async``), which matches only the
exact bytes ``Content-Length: <n>\\r\\n``: a lower-case ``content-length`` header (header
names are case-insensitive) left the body to be read as header lines, and the next message
with it. Here header names are matched without regard to case, ``\\n`` alone ends a line,
and when a header line does not start with a header name but holds ``Content-Length:``
further on (a body sent with too short a length ran into the next message), reading picks
up again there, so one bad frame costs only itself. A length too large to hold is read
past in chunks and answered; a header block that does not say where its body ends (no
``Content-Length``, two, one that is not a length) is refused, and reading picks up at the
next ``Content-Length``. Every body goes to ``receive``, which never raises.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_NAME = b"content-length"


class Reader(Protocol):
    def readline(self) -> Awaitable[bytes]: ...

    def readexactly(self, n: int) -> Awaitable[bytes]: ...


def content_length(line: bytes) -> int | None:
    """The length a ``Content-Length`` header line gives, or None for any other line.

    ``-1`` for a ``Content-Length`` header whose value is not a non-negative integer."""
    name, colon, value = line.partition(b":")
    if not colon:
        return None
    if name.strip().lower() != _NAME:
        # Junk before a header (the tail of a body sent with a wrong length): resync.
        found = line.lower().rfind(_NAME + b":")
        if found <= 0:
            return None
        return content_length(line[found:])
    value = value.strip()
    if not value.isdigit() or len(value) > 15:
        return -1
    return int(value)


class _Header:
    """The header block being read: its Content-Length headers, and whether it has any
    header at all (a lone blank line between messages is no block)."""

    __slots__ = ("count", "length", "lines", "value")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.count = 0  # Content-Length headers seen
        self.length: int | None = None  # the first one's (-1: not a length)
        self.value = b""  # the first one's value as sent, for the message
        self.lines = 0  # header lines of any kind

    def take(self, line: bytes) -> None:
        found = content_length(line)
        if found is not None and line.partition(b":")[0].strip().lower() != _NAME:
            self.reset()  # junk (a body's tail), then a header: a new block starts there
        self.lines += 1
        if found is None:
            return
        self.count += 1
        if self.count == 1:
            self.length = found
            self.value = line[line.lower().rfind(_NAME + b":") + len(_NAME) + 1 :].strip()

    def fault(self) -> str | None:
        """Why the block cannot be read as a frame, or None."""
        if self.count > 1:
            return f"a message with {self.count} Content-Length headers (it must have one)"
        if self.length is None:
            return "a message header without Content-Length"
        if self.length < 0:
            value = self.value[:40].decode("ascii", "backslashreplace")
            return (
                f"a message whose Content-Length {value!r} is not a length"
                " (a non-negative integer of bytes)"
            )
        return None


async def read_messages(
    reader: Reader,
    receive: Callable[[bytes], None],
    refuse_oversized: Callable[[int], None],
    stop: threading.Event,
    max_body: int = MAX_BODY_BYTES,
    refuse_frame: Callable[[str], None] | None = None,
) -> None:
    """Read frames until end of input (or ``stop``), handing each body to ``receive``.

    A header block that does not say where its body ends (no ``Content-Length``, two of
    them, one that is not a length) is refused (``refuse_frame`` with why, and the log):
    reading picks up again at the next ``Content-Length`` header, so the message after it
    is read as sent."""
    header = _Header()
    while not stop.is_set():
        try:
            line = await reader.readline()
        except (ValueError, asyncio.LimitOverrunError):
            # asyncio's readline over TCP gives up on a line longer than its buffer limit.
            log.warning("skipped a header line too long to read")
            continue
        if not line:
            if header.lines:
                log.warning("end of input in a message header: stopping")
            return
        if line.strip():
            header.take(line)
            continue
        # A blank line ends the header part.
        block, header = header, _Header()
        if not block.lines:
            continue  # a blank line between messages
        fault = block.fault()
        if fault is not None:
            why = f"{fault}; skipped up to the next Content-Length header"
            log.warning("refused %s", why)
            if refuse_frame is not None:
                refuse_frame(why)
            continue
        size = block.length
        assert size is not None
        if size > max_body:
            if not await _skip(reader, size):
                return
            refuse_oversized(size)
            continue
        try:
            body = await reader.readexactly(size)
        except asyncio.IncompleteReadError as error:
            body = error.partial
        if len(body) < size:
            log.warning(
                "end of input in the middle of a message (%d of its %d bytes): stopping",
                len(body),
                size,
            )
            return
        receive(body)


async def _skip(reader: Reader, size: int) -> bool:
    """Read past ``size`` bytes without keeping them; False at end of input."""
    while size > 0:
        try:
            chunk = await reader.readexactly(min(size, _CHUNK))
        except asyncio.IncompleteReadError:
            return False
        if not chunk:
            return False
        size -= len(chunk)
    return True
