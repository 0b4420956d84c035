"""The LSP base protocol on a byte stream: header lines, a blank line, ``Content-Length``
bytes of body.

Replaces the read loop of pygls 2.1.1 (``pygls.io_.run_async``), which matches only the
exact bytes ``Content-Length: <n>\\r\\n``: a lower-case ``content-length`` header (header
names are case-insensitive) left the body to be read as header lines, and the next message
with it. Here header names are matched without regard to case, ``\\n`` alone ends a line,
and when a header line does not start with a header name but holds ``Content-Length:``
further on (a body sent with too short a length ran into the next message), reading picks
up again there, so one bad frame costs only itself. A length too large to hold is read
past in chunks and answered. Every body goes to ``receive``, which never raises.
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


async def read_messages(
    reader: Reader,
    receive: Callable[[bytes], None],
    refuse_oversized: Callable[[int], None],
    stop: threading.Event,
    max_body: int = MAX_BODY_BYTES,
) -> None:
    """Read frames until end of input (or ``stop``), handing each body to ``receive``."""
    length: int | None = None
    while not stop.is_set():
        try:
            line = await reader.readline()
        except (ValueError, asyncio.LimitOverrunError):
            # asyncio's readline over TCP gives up on a line longer than its buffer limit.
            log.warning("skipped a header line too long to read")
            continue
        if not line:
            return
        if line.strip():
            found = content_length(line)
            if found is not None:
                length = found
            continue
        # A blank line ends the header part.
        if length is None or length < 0:
            if length is not None:
                log.warning("skipped a message whose Content-Length is not a number")
            length = None
            continue
        size, length = length, None
        if size > max_body:
            if not await _skip(reader, size):
                return
            refuse_oversized(size)
            continue
        try:
            body = await reader.readexactly(size)
        except asyncio.IncompleteReadError:
            return
        if len(body) < size:
            return  # end of input in the middle of a body
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
