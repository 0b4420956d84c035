"""The plan handed from one hook to the next, under ``<git-dir>/ownit/``:
``prepare-commit-msg`` leaves it in ``pending-commit.json`` (with the index and HEAD it
was made for), ``commit-msg`` uses it when neither changed, ``post-commit`` records it;
``commit-msg-ok`` lets the installed ``commit-msg`` script skip Python when the final
message is still the one prepare-commit-msg wrote."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ownit.core.commit_plan import Plan
from ownit.git import run as git
from ownit.git import staged
from ownit.git.repo import Repository

PENDING_FILE = "pending-commit.json"


def pending_path(repo: Repository) -> Path:
    return repo.git_dir / "ownit" / PENDING_FILE


def save_pending(repo: Repository, plan: Plan, head: str | None) -> None:
    """Leave ``plan`` for the next hook, with what it was made for: the index being
    committed and HEAD (``head``, its id or None when unborn)."""
    data = plan.to_json()
    data["index"] = staged.index_signature(repo.git_dir)
    data["head"] = head
    path = pending_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{PENDING_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def load_pending(repo: Repository) -> tuple[Plan, dict[str, Any]] | None:
    from ownit.regular_file import read_regular  # a named pipe is refused

    try:
        data = json.loads(read_regular(pending_path(repo)).decode("utf-8"))
        return Plan.from_json(data), data
    except (OSError, ValueError, TypeError, KeyError):
        return None


def clear_pending(repo: Repository) -> None:
    pending_path(repo).unlink(missing_ok=True)


COMMIT_MSG_OK_FILE = "commit-msg-ok"


def save_commit_msg_ok(repo: Repository, message: str | None) -> None:
    """Leave the git blob id of ``message`` for the installed ``commit-msg`` script, which
    skips ownit when the final message is still this one (None: never skip)."""
    path = repo.git_dir / "ownit" / COMMIT_MSG_OK_FILE
    if message is None:
        path.unlink(missing_ok=True)
        return
    from ownit.core.fingerprint import sha1  # CPython's own: no OpenSSL load

    data = message.encode("utf-8", "surrogateescape")
    blob = sha1(b"blob %d\0" % len(data) + data).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Through a temporary file: written in place, a named pipe there would wait forever.
    tmp = path.with_name(f"{COMMIT_MSG_OK_FILE}.{os.getpid()}.tmp")
    tmp.write_text(blob + "\n", encoding="ascii")
    os.replace(tmp, path)


def parent_matches(repo: Repository, data: dict[str, Any]) -> bool:
    """The commit just made is the one the pending plan was made for."""
    parent = git.rev(repo.toplevel, "HEAD^")
    return bool(parent == data.get("base"))
