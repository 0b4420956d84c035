"""What the file-level verbs (mark, claim, dismiss, status) share: reading a file from
disk into a Session safely, acting on it (:func:`file_on_disk`), and parsing `PATH:LINE`
arguments."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ownit.core.printable import printable
from ownit.core.text import NotTextError, decode_text
from ownit.exits import UsageError
from ownit.git.repo import GitError, Repository, find_repository
from ownit.session import Document, RequestError, Session, Tracked, path_to_uri


def current_repository() -> Repository | None:
    try:
        return find_repository(Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None


def checked_path(raw: str) -> Path:
    """An existing regular file inside the current repository (when there is one)."""
    path = Path(os.path.abspath(raw))
    repo = current_repository()
    if repo is not None:
        try:
            path, _ = repo.inside(raw, Path.cwd())
        except ValueError as error:
            raise UsageError(str(error)) from None
    if not path.exists():
        raise UsageError(f"{raw}: no such file")
    if not path.is_file():
        raise UsageError(f"{raw}: not a regular file")
    return path


def read_text(path: Path) -> str:
    try:
        return decode_text(path.read_bytes())
    except NotTextError as error:
        raise UsageError(f"{path}: {error}") from None


def open_on_disk(session: Session, path: Path) -> Document:
    """The file as it is on disk, with its stored regions re-anchored to that text."""
    document = session.open(path_to_uri(path), read_text(path), None)
    if document.unsupported:
        from ownit.core.printable import printable

        raise UsageError(f"{printable(str(path))}: {document.unsupported}")
    return document


@contextmanager
def file_on_disk(path: Path) -> Iterator[tuple[Session, Document]]:
    """A new Session with ``path`` open as it is on disk (:func:`open_on_disk`), for one
    verb to act on. The document is closed when the block succeeds, the session is shut
    down in any case, and a :class:`RequestError` of the session becomes a
    :class:`UsageError`."""
    session = Session()
    done = False
    try:
        document = open_on_disk(session, path)
        yield session, document
        session.close(document.uri)
        done = True
    except RequestError as error:
        raise UsageError(str(error)) from None
    finally:
        shut_down(session, save=done)


def shut_down(session: Session, *, save: bool = True) -> None:
    """End a verb's session: positions saved (``save``; after a failure they are not:
    the next open finds them again, and the failure has been said once already),
    stores closed, and whatever it noted for the user (a store moved aside, recreated)
    printed on stderr, even after an error."""
    try:
        session.shutdown(save=save)
    finally:
        print_notices(session.take_notices())


def print_notices(notices: Sequence[str]) -> None:
    """What a session noted for the user (a store moved aside or recreated): stderr."""
    for notice in notices:
        print(f"ownit: {printable(notice)}", file=sys.stderr, flush=True)


def parse_path_line(value: str) -> tuple[str, int]:
    path, sep, line = value.rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise UsageError(f"expected PATH:LINE (LINE counted from 1), got {value!r}")
    return path, int(line)


def parse_line_range(value: str) -> tuple[int, int]:
    first, sep, last = value.partition("-")
    if not sep:
        last = first
    if not first.isdigit() or not last.isdigit() or int(first) < 1 or int(last) < int(first):
        raise UsageError(f"expected --lines A-B with 1 <= A <= B, got {value!r}")
    return int(first), int(last)


def region_at(session: Session, document: Document, line: int) -> str:
    """The id of the region holding 1-based ``line`` of an open document: an active
    stored region, else the run of lines history says an AI-assisted commit wrote (found
    with ``git blame`` and the claims of history, as the editor's history hints are); a
    claim or dismissal of such a run records it as a region (source ``commit-trailer``)."""
    regions = session.regions_at(document.uri, line - 1, line - 1)
    count = document.buffer.line_count()
    if document.buffer.text.endswith(("\n", "\r")):
        count -= 1  # the empty "line" after a final newline is not a line of the file
    if not regions and line > count:
        raise UsageError(f"{document.key} has {count} lines; line {line} is past its end")
    if not regions:
        regions = _history_at(session, document, line)
    if not regions:
        rule = session.rule_for(document)
        since = rule.history_since if rule is not None else None
        counted = (
            f" since the policy's history_since ({since}; `ownit mark` the lines to claim"
            " older AI code)"
            if since is not None and since.kind != "all"
            else ""
        )
        raise UsageError(
            f"no AI-written region at {document.key}:{line}: none is recorded there and no"
            f" AI-assisted commit wrote that line{counted} (see `ownit status` for regions,"
            " `ownit blame` for what history says)"
        )
    # Overlapping regions (lines marked again with a wider range): the one that still
    # needs an owner, then the innermost, so `ownit status`'s `ownit claim PATH:LINE`
    # owns the region it was printed under; a dismissed one only when nothing else is there.
    from ownit.core.model import Ownership

    def preference(tracked: Tracked) -> tuple[int, int, int]:
        ownership = tracked.state.ownership
        rank = {Ownership.UNOWNED: 0, Ownership.STALE: 0, Ownership.OWNED: 1}.get(ownership, 2)
        region = tracked.region
        return (rank, region.end_line - region.first_line, region.first_line)

    return min(regions, key=preference).region.id


def _history_at(session: Session, document: Document, line: int) -> list[Tracked]:
    """The history runs of ``document`` holding ``line`` (computed now: a verb's session
    has no worker thread to compute them in the background)."""
    inputs = session.history_inputs(document.uri)
    if inputs is None:
        return []
    context, key, text = inputs
    try:
        runs = session.compute_history(context, key, text)
    except GitError as error:
        raise UsageError(str(error)) from None
    session.set_history(document.uri, runs, text)
    return [t for t in session.regions_at(document.uri, line - 1, line - 1) if t.history]
