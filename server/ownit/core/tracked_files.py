"""Which files ownit can track regions in: the one rule the session (editor, CLI) and the
agent checkpoint apply before recording anything. Pure."""

from __future__ import annotations

from pathlib import Path

# Files larger than this are not tracked (a clear message says so); 50,000 lines of code
# stay well below it.
MAX_TRACKED_BYTES = 20 * 1024 * 1024


def unsupported_reason(path: Path | None, text: str) -> str | None:
    """Why regions of this file cannot be tracked, or None if they can."""
    if path is None:
        return "only files on disk can be tracked"
    if "\x00" in text:
        return "binary file: ownit tracks text files only"
    if len(text) > MAX_TRACKED_BYTES:
        return f"file larger than {MAX_TRACKED_BYTES // 2**20} MiB"
    if not _utf8_name(path):
        return (
            "its name is not valid UTF-8, so ownit cannot record it faithfully"
            " (rename the file to track it)"
        )
    return None


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # bytes os.fsdecode kept as surrogates
        return False
    return True
