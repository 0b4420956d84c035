"""What `ownit blame` says when git blame fails for the reasons a new user meets first: a
repository with no commit yet, a file not committed yet, a file that is not there."""

from __future__ import annotations

from pathlib import Path

from ownit.core.printable import printable


def explained(file: str, message: str) -> str:
    """git's ``message`` for blaming ``file`` (as given on the command line), with what to
    do when it is one of those; any other message as it is."""
    if message.startswith("no such ref: HEAD"):
        return "this repository has no commit yet: there is no history to blame (commit first)"
    if message.startswith("no such path ") and message.endswith(" in HEAD"):
        if not Path(file).exists():
            return f"{printable(file)}: no such file"
        return f"{message}: not committed yet (`ownit status` lists its AI-written regions)"
    return message
