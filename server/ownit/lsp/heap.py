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

from typing import Any

_M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
_THRESHOLD = 128 * 1024  # glibc's own starting value, kept fixed


_LIBC: list[Any] = []  # glibc once loaded (None: not glibc); ctypes is loaded on first use


def _libc() -> Any:
    if not _LIBC:
        try:
            import ctypes

            libc: Any = ctypes.CDLL("libc.so.6")
            if not (hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt")):
                libc = None
        except OSError:
            libc = None  # not glibc
        _LIBC.append(libc)
    return _LIBC[0]


def fix_large_block_threshold() -> None:
    """Serve every block of 128 KiB or more from its own mapping, whatever was freed."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)


def release_memory() -> None:
    """Give the heap pages freed since back to the system."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
