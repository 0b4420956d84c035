"""Text from outside (paths, store messages that quote them) made safe to print."""

from __future__ import annotations


def escape_controls(message: str) -> str:
    """``message`` as one printable line: control characters (a newline or an escape
    sequence inside a path) are shown escaped, never sent to the terminal."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in message)
