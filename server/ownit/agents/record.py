"""Recording what agents wrote: files read safely from a repository, regions written
through a Session, and a pending queue so that a busy or unreadable store loses nothing.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ownit.core.model import RegionStatus, Source
from ownit.core.text import NotTextError, decode_text
from ownit.git.repo import Repository


class RecordError(Exception):
    """A file cannot be recorded; the message (one line) says why."""


@dataclass(slots=True)
class Recorded:
    path: str  # repo-relative
    ranges: list[tuple[int, int]]  # 0-based half-open, as recorded
    pending: bool = False  # kept in the pending queue (store unavailable)
    notices: list[str] = field(default_factory=list)  # e.g. the store was moved aside
    reason: str = ""  # why the store was unavailable (pending)


def checkpoints_dir(repo: Repository) -> Path:
    return repo.git_dir / "ownit" / "checkpoints"


def safe_file(repo: Repository, raw: str, base: Path) -> tuple[Path, str]:
    """The file ``raw`` names (relative to ``base``), refused unless inside ``repo``."""
    try:
        return repo.inside(raw, base)
    except ValueError as error:
        raise RecordError(str(error)) from None


def read_text(path: Path, rel: str) -> str | None:
    """The file's text; None when it does not exist. Binary or non-UTF-8: RecordError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise RecordError(f"{rel} is a directory") from None
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
        done = _record_now(path, text, wanted, tool, model, session_id, source, notices)
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
    path: Path,
    text: str,
    ranges: list[tuple[int, int]],
    tool: str,
    model: str | None,
    session_id: str | None,
    source: Source,
    notices: list[str],
) -> list[tuple[int, int]]:
    """Record now through a Session; what it noted for the user goes to ``notices``."""
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
        done: list[tuple[int, int]] = []
        for first, stop in ranges:
            stop = min(stop, count)
            run_start: int | None = None
            for line in range(first, stop + 1):
                free = line < stop and line not in covered
                if free and run_start is None:
                    run_start = line
                elif not free and run_start is not None:
                    session.mark_lines(uri, run_start, line, tool, model, source, session_id)
                    done.append((run_start, line))
                    run_start = None
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
    problems: list[str] = []
    for entry_path in sorted(directory.glob("*.json")):
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
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
