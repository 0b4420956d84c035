"""Recording what agents wrote: files read safely from a repository, regions written
straight to the store (the file's stored regions re-anchored as a session would, with
only the imports that needs), and a pending queue so that a busy or unreadable store
loses nothing.

Pending records live in ``<git-dir>/ownit/checkpoints/pending/`` as JSON holding the text
the line numbers refer to; the next checkpoint (or import) carries them onto the file as it
is then, by a line diff, and records them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ownit.core.model import RegionStatus, Source
from ownit.core.text import NotTextError, decode_text, strip_terminator
from ownit.core.tracked_files import unsupported_reason
from ownit.git.repo import Repository


class RecordError(Exception):
    """A file cannot be recorded; the message (one line) says why."""


class Recorded:
    """What one record did (a plain class: every agent edit starts a process that defines
    it)."""

    __slots__ = ("notices", "path", "pending", "ranges", "reason")

    def __init__(
        self,
        path: str,  # repo-relative
        ranges: list[tuple[int, int]],  # 0-based half-open, as recorded
        pending: bool = False,  # kept in the pending queue (store unavailable)
        notices: list[str] | None = None,  # e.g. the store was moved aside
        reason: str = "",  # why the store was unavailable (pending)
    ) -> None:
        self.path = path
        self.ranges = ranges
        self.pending = pending
        self.notices: list[str] = [] if notices is None else notices
        self.reason = reason


def checkpoints_dir(repo: Repository) -> Path:
    return repo.git_dir / "ownit" / "checkpoints"


def safe_file(repo: Repository, raw: str, base: Path) -> tuple[Path, str]:
    """The file ``raw`` names (relative to ``base``), refused unless inside ``repo``."""
    try:
        return repo.inside(raw, base)
    except ValueError as error:
        raise RecordError(str(error)) from None


def read_text(path: Path, rel: str) -> str | None:
    """The file's text; None when it does not exist. Binary, non-UTF-8, or not a regular
    file (a named pipe is never opened for reading: it would wait forever): RecordError."""
    from ownit.regular_file import NotRegularFileError, read_regular

    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise RecordError(f"{rel} is a directory") from None
    except NotRegularFileError as error:
        raise RecordError(f"{rel} {error.strerror}: it is not read") from None
    except OSError as error:
        raise RecordError(f"cannot read {rel}: {error.strerror}") from None
    try:
        return decode_text(data)
    except NotTextError as error:
        raise RecordError(f"{rel}: {error}") from None


def record(
    repo: Repository,
    path: Path,
    rel: str,
    text: str,
    ranges: Iterable[tuple[int, int]],
    tool: str,
    model: str | None,
    session_id: str | None,
    source: Source = Source.AGENT_HOOK,
) -> Recorded:
    """Record ``ranges`` (lines of ``text``, the file's current text) as AI-written.

    Lines already inside an active region are not recorded again (so recording twice adds
    nothing). If the store cannot be used, the record goes to the pending queue.
    """
    wanted = [r for r in ranges if r[0] < r[1]]
    if not wanted:
        return Recorded(rel, [])
    notices: list[str] = []
    try:
        done = _record_now(repo, path, text, wanted, tool, model, session_id, source, notices)
    except RecordError:
        raise
    except Exception as error:
        try:
            _enqueue(repo, rel, text, wanted, tool, model, session_id, source, error)
        except OSError as queue_error:
            raise RecordError(
                f"{' '.join(str(error).split())} (and the lines could not be queued:"
                f" {queue_error.strerror or queue_error})"
            ) from None
        reason = " ".join(str(error).split())
        return Recorded(rel, wanted, pending=True, notices=notices, reason=reason)
    return Recorded(rel, done, notices=notices)


def _record_now(
    checked: Repository | None,
    path: Path,
    text: str,
    ranges: list[tuple[int, int]],
    tool: str,
    model: str | None,
    session_id: str | None,
    source: Source,
    notices: list[str],
) -> list[tuple[int, int]]:
    """Record now, straight through the store: the file's stored regions re-anchored to
    ``text`` (as opening it in a session does), then the lines no active region holds
    added as new regions. What the store noted for the user goes to ``notices``. A file
    with no region found whose regions may have moved here from a vanished path goes
    through a :class:`~ownit.session.Session`, which adopts them. ``checked``: the
    repository the caller found ``path`` in (asked again of git only when a directory
    between them has a ``.git`` of its own, a submodule or nested repository)."""
    from ownit.git.repo import find_repository, store_path
    from ownit.store import Store

    repo: Repository | None = checked
    if repo is None or not _directly_in(repo, path):  # git says which repository holds it
        repo = find_repository(path.parent if not path.is_dir() else path)
    if repo is not None:
        try:
            repo.relpath(path)
        except ValueError:
            repo = None  # e.g. a symlink pointing out of the repository
    key = path.resolve().as_posix() if repo is None else repo.relpath(path)
    unsupported = unsupported_reason(path, text)
    if unsupported is not None:
        raise RecordError(f"{key}: {unsupported}")
    store = Store.open(store_path(repo), check=False)  # an agent hook: fast, never in the way
    try:
        if store.recovery_message:
            notices.append(store.recovery_message)
        held = _reanchored(store, key, text)
        if not held.active and _moved_here(store, key, repo) and not _policy_file(path, repo):
            store.close()
            return _record_in_session(path, text, ranges, tool, model, session_id, source, notices)
        held.write(store, key, text)
        return _add_regions(
            store, key, text, held.lines, held.active, ranges, (tool, model, source, session_id)
        )
    finally:
        store.close()


class _Held:
    """The file's active regions, re-anchored to its current text (a plain class: one
    dataclass more costs half a millisecond on every checkpoint)."""

    __slots__ = ("active", "lines", "lost", "moved", "positions")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.active: list[tuple[int, int]] = []  # (first, end) of each region found
        self.positions: list[tuple[str, int, int, str]] = []  # (id, first, end, fingerprint)
        self.lost: list[str] = []
        self.moved = False

    def write(self, store: Any, key: str, text: str) -> None:
        for region_id in self.lost:
            store.set_status(
                region_id,
                RegionStatus.LOST,
                "could not be found again after the file changed while it was closed",
            )
        if self.moved:  # every region's lines now refer to this text
            store.update_positions(key, self.positions, text)


def _reanchored(store: Any, key: str, text: str) -> _Held:
    """Where the stored active regions of ``key`` are in ``text`` (the session's
    re-anchoring of a file opened after it changed)."""
    from ownit.core.text import split_lines

    lines = split_lines(text)
    states, basis_of, texts = store.document_regions(key)  # one read, as didOpen does
    if not states:
        return _Held(lines)
    from ownit.core.fingerprint import fingerprint
    from ownit.core.reanchor import group_by_basis, reanchor_groups

    groups = group_by_basis(states, basis_of, texts)
    held = _Held(lines)
    for _basis, group, found, lost, same_text in reanchor_groups(groups, text, lines):
        regions = {state.region.id: state.region for state in group}
        for result in found:
            region = regions[result.region_id]
            first, end = result.first_line, result.end_line
            if (first, end) != (region.first_line, region.end_line) or not same_text:
                held.moved = True
            fp = region.fingerprint
            if result.how == "diff":  # otherwise the lines hold the same fingerprint
                fp = fingerprint([strip_terminator(line) for line in lines[first:end]])
            held.active.append((first, end))
            held.positions.append((region.id, first, end, fp))
        held.lost.extend(lost)
    return held


def _directly_in(repo: Repository, path: Path) -> bool:
    """``path`` is in ``repo``'s working tree with no other repository in between: no
    directory from its own up to the top level holds a ``.git``."""
    directory = path.parent
    while directory != repo.toplevel:
        if (directory / ".git").exists() or directory.parent == directory:
            return False
        directory = directory.parent
    return True


def _policy_file(path: Path, repo: Repository | None) -> bool:
    from ownit.core.policy import POLICY_FILE

    return repo is not None and path == repo.toplevel / POLICY_FILE


def _moved_here(store: Any, key: str, repo: Repository | None) -> bool:
    """Whether a path with active regions no longer exists (the file may have been
    renamed to ``key``: the session's rule adopts its regions)."""
    for old_path in store.active_paths():
        where = Path(old_path) if repo is None else repo.toplevel / old_path
        if old_path != key and not where.exists():
            return True
    return False


def _add_regions(
    store: Any,
    key: str,
    text: str,
    lines: list[str],
    active: list[tuple[int, int]],
    ranges: list[tuple[int, int]],
    what: tuple[str, str | None, Source, str | None],
) -> list[tuple[int, int]]:
    """Add a region for each run of ``ranges`` lines no active region holds."""
    from ownit.core.fingerprint import fingerprint
    from ownit.core.model import CONFIDENCE, Region
    from ownit.store import new_region_id

    tool, model, source, session_id = what
    count = len(lines)
    if count and lines[-1] == "":
        count -= 1  # the empty end of the file is no line of text to mark
    covered: set[int] = set()
    for first, end in active:
        covered.update(range(first, end))
    done = free_runs(ranges, covered, count)
    for run_start, line in done:
        region = Region(
            id=new_region_id(),
            path=key,
            first_line=run_start,
            end_line=line,
            tool=tool,
            model=model,
            source=source,
            confidence=CONFIDENCE[source],
            created_at=time.time(),
            fingerprint=fingerprint([strip_terminator(x) for x in lines[run_start:line]]),
            session=session_id,
        )
        store.add_region(region, text)
    return done


def free_runs(
    ranges: list[tuple[int, int]], covered: set[int], count: int
) -> list[tuple[int, int]]:
    """The runs of lines in ``ranges`` (0-based, end exclusive, cut at ``count``) that no
    region covers yet: what a checkpoint marks, so a line is never marked twice."""
    runs: list[tuple[int, int]] = []
    for first, stop in ranges:
        stop = min(stop, count)
        run_start: int | None = None
        for line in range(first, stop + 1):
            free = line < stop and line not in covered
            if free and run_start is None:
                run_start = line
            elif not free and run_start is not None:
                runs.append((run_start, line))
                run_start = None
    return runs


def _record_in_session(
    path: Path,
    text: str,
    ranges: list[tuple[int, int]],
    tool: str,
    model: str | None,
    session_id: str | None,
    source: Source,
    notices: list[str],
) -> list[tuple[int, int]]:
    """Record through a Session (which also adopts the regions of a renamed file)."""
    from ownit.session import Session, path_to_uri

    session = Session(check_stores=False)  # an agent hook: fast, never in the way
    try:
        uri = path_to_uri(path)
        document = session.open(uri, text, None)
        if document.unsupported:
            raise RecordError(f"{document.key or path.name}: {document.unsupported}")
        count = document.buffer.line_count()
        covered: set[int] = set()
        for tracked in document.tracked.values():
            region = tracked.region
            if region.status is RegionStatus.ACTIVE:
                covered.update(range(region.first_line, region.end_line))
        done = free_runs(ranges, covered, count)
        for run_start, line in done:
            session.mark_lines(uri, run_start, line, tool, model, source, session_id)
        session.close(uri)
        return done
    finally:
        try:
            session.shutdown()
        finally:
            notices.extend(session.take_notices())


def removed_fingerprints(path: Path, notices: list[str]) -> set[str]:
    """Fingerprints of the file's regions that are no longer active (removed, lost): lines
    matching one were imported before and must not come back (importing twice adds
    nothing). What the session noted for the user goes to ``notices``."""
    from ownit.session import Session

    session = Session()
    try:
        context = session.context_for(path)
        key = context.key_for(path)
        return {
            state.region.fingerprint
            for state in context.store.region_states(key, include_inactive=True)
            if state.region.status is not RegionStatus.ACTIVE
        }
    finally:
        try:
            session.shutdown()
        finally:
            notices.extend(session.take_notices())


# ---------------------------------------------------------------------- pending queue
def _pending_dir(repo: Repository) -> Path:
    return checkpoints_dir(repo) / "pending"


def _enqueue(
    repo: Repository,
    rel: str,
    text: str,
    ranges: list[tuple[int, int]],
    tool: str,
    model: str | None,
    session_id: str | None,
    source: Source,
    error: Exception,
) -> None:
    entry = {
        "path": rel,
        "text": text,
        "ranges": ranges,
        "tool": tool,
        "model": model,
        "session": session_id,
        "source": source.value,
        "queued_at": time.time(),
        "error": str(error)[:500],
    }
    write_json(_pending_dir(repo) / f"{time.time_ns()}-{os.urandom(4).hex()}.json", entry)


def pending_count(repo: Repository) -> int:
    directory = _pending_dir(repo)
    return len(list(directory.glob("*.json"))) if directory.is_dir() else 0


def flush_pending(repo: Repository) -> list[str]:
    """Record what was queued while the store was unavailable; returns problems (one line
    each). An entry stays queued while the store still fails."""
    directory = _pending_dir(repo)
    if not directory.is_dir():
        return []
    from ownit.regular_file import read_regular  # a named pipe is refused

    problems: list[str] = []
    for entry_path in sorted(directory.glob("*.json")):
        try:
            entry = json.loads(read_regular(entry_path).decode("utf-8"))
            rel = str(entry["path"])
            path, rel = safe_file(repo, rel, repo.toplevel)
            current = read_text(path, rel)
            if current is None:
                entry_path.unlink()
                problems.append(f"{rel} was deleted before its queued regions were recorded")
                continue
            ranges = map_ranges(
                str(entry["text"]), current, [(int(a), int(b)) for a, b in entry["ranges"]]
            )
            _record_now(
                repo,
                path,
                current,
                ranges,
                str(entry["tool"]),
                entry.get("model"),
                entry.get("session"),
                Source(entry.get("source", Source.AGENT_HOOK.value)),
                problems,
            )
        except RecordError as error:
            entry_path.unlink(missing_ok=True)
            problems.append(f"queued record dropped: {error}")
            continue
        except (OSError, ValueError, KeyError, TypeError) as error:
            problems.append(f"queued record {entry_path.name} unreadable: {error}")
            entry_path.replace(entry_path.with_suffix(".bad"))
            continue
        except Exception as error:
            problems.append(f"store still unavailable ({error}); records stay queued")
            break
        entry_path.unlink(missing_ok=True)
    return problems


def map_ranges(old: str, new: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges of lines of ``old`` carried onto ``new`` (lines still there, unchanged)."""
    if old == new:
        return ranges
    from ownit.core.linemap import line_map, map_range
    from ownit.core.text import split_lines

    mapping = line_map(split_lines(old), split_lines(new))
    result: list[tuple[int, int]] = []
    for first, stop in ranges:
        result.extend(map_range(mapping, first, stop))
    return result


# ------------------------------------------------------------------------ snapshots
def snapshot_path(repo: Repository, agent: str, rel: str) -> Path:
    digest = hashlib.sha256(rel.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return checkpoints_dir(repo) / agent / f"{digest}.json"


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
