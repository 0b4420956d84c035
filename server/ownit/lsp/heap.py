"""The server's heap handed back to the system after a burst (glibc only; elsewhere these
do nothing).

A didOpen of ten thousand regions, or their publish, allocates many megabytes for a moment
(the message's text, its JSON, the store's rows). glibc's malloc raises its threshold for
serving large blocks from fresh mappings each time such a block is freed, so the next ones
come from the heap, and freed heap stays resident: the server would keep the size of its
largest burst for good. A fixed threshold keeps large blocks in their own mappings (given
back the moment they are freed), and a trim after a burst gives back the freed heap pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
_THRESHOLD = 128 * 1024  # glibc's own starting value, kept fixed


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None  # not glibc
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _libc()


def fix_large_block_threshold() -> None:
    """Serve every block of 128 KiB or more from its own mapping, whatever was freed."""
    if _LIBC is not None:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)


def release_memory() -> None:
    """Give the heap pages freed since back to the system."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
