"""One agent checkpoint: the lines a coding agent just wrote, found from its hook's payload
(or from snapshots taken before it ran) and recorded (:mod:`ownit.agents.record`).

``ownit checkpoint`` parses its arguments, calls :func:`checkpoint` and prints the
problems it returns. Whatever goes wrong (a malformed payload, a path outside the
repository, a binary file, a busy store) is one problem, never an exception: a hook runs
inside someone else's tool. Regions that cannot be stored now are queued and recorded by
the next checkpoint.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ownit.agents.payloads import FileChange
    from ownit.git.repo import Repository


class Request:
    """What a checkpoint is asked to do: ``ownit checkpoint``'s options."""

    __slots__ = ("after", "agent", "before", "model", "read_payload", "session")

    def __init__(
        self,
        agent: str,
        read_payload: Callable[[], bytes],
        *,
        before: list[str] | None = None,
        after: list[str] | None = None,
        model: str | None = None,
        session: str | None = None,
    ) -> None:
        self.agent = agent
        self.read_payload = read_payload  # the hook's payload (stdin), read when needed
        self.before = before  # generic mode: snapshot these files
        self.after = after  # generic mode: record what changed since (all when empty)
        self.model = model
        self.session = session


def checkpoint(request: Request) -> list[str]:
    """Run one checkpoint; the problems met (one line each; none: all recorded)."""
    problems: list[str] = []
    try:
        _run(request, problems)
    except _Failed as error:
        problems.append(str(error))
    except Exception as error:  # never a traceback inside the agent
        problems.append(f"internal error ({type(error).__name__}: {error}); nothing recorded")
    return problems


class _Failed(Exception):
    pass


def _run(request: Request, problems: list[str]) -> None:
    from ownit.agents.payloads import valid_agent_name

    if not valid_agent_name(request.agent):
        raise _Failed(
            "--agent must be a tool name like claude-code, cursor or copilot,"
            f" got {request.agent!r}"
        )
    if request.before is not None:
        _before(request, problems)
        return
    if request.after is not None:
        _after(request, problems)
        return
    _from_payload(request, problems)


def _repository(*candidates: str | Path | None) -> Repository:
    from ownit.git.repo import GitError, find_repository

    for candidate in candidates:
        if candidate is None:
            continue
        try:
            repo = find_repository(Path(candidate))
        except GitError as error:
            raise _Failed(str(error)) from None
        if repo is not None:
            return repo
    raise _Failed("not inside a git repository; nothing recorded")


def _from_payload(request: Request, problems: list[str]) -> None:
    from ownit.agents.payloads import PayloadError, parse

    raw = request.read_payload()
    try:
        told = parse(request.agent, raw)
    except PayloadError as error:
        raise _Failed(f"{error}; nothing recorded") from None
    if told.ignored is not None or not told.changes:
        return
    repo = _repository(Path.cwd(), told.cwd)
    base = Path(told.cwd) if told.cwd and Path(told.cwd).is_absolute() else None
    _flush(repo, problems)
    for change in told.changes:
        try:
            _record_change(
                repo,
                change,
                base or Path.cwd(),
                request.agent,
                told.model or request.model,
                told.session or request.session,
                problems,
            )
        except _Failed as error:
            problems.append(str(error))


def _record_change(
    repo: Repository,
    change: FileChange,
    base: Path,
    agent: str,
    model: str | None,
    session: str | None,
    problems: list[str],
) -> None:
    from ownit.agents import edits
    from ownit.agents.record import RecordError, read_text, record, safe_file

    try:
        path, rel = safe_file(repo, change.path, base)
        text = read_text(path, rel)
    except RecordError as error:
        raise _Failed(f"{error}; nothing recorded") from None
    if text is None:
        raise _Failed(f"{rel} does not exist (deleted after the edit?); nothing recorded")
    written = edits.Written()
    exact = edits.lines_from_patch(change.hunks, text) if change.hunks else None
    if exact is not None:
        written.lines = exact
    elif change.content is not None:  # a whole-file write (change.is_write)
        original = change.original
        if original is None:
            original = _staged_version(repo, rel)
        written = edits.lines_from_write(change.content, text, original)
    else:
        written = edits.lines_from_replacements(change.replacements, text, change.original)
    for note in written.notes:
        problems.append(f"{rel}: {note}")
    try:
        done = record(repo, path, rel, text, written.ranges(), agent, model, session)
    except RecordError as error:
        raise _Failed(f"{error}; nothing recorded") from None
    problems.extend(done.notices)
    if done.pending:
        problems.append(
            f"{rel}: the ownit store is unavailable ({done.reason}); the agent's lines are"
            " queued and will be recorded by the next checkpoint"
        )


def _staged_version(repo: Repository, rel: str) -> str | None:
    """The file as staged (a Write without a diff is compared with it); None if untracked."""
    from ownit.git.repo import run_git

    result = run_git(["cat-file", "blob", "--", f":{rel}"], repo.toplevel)
    if result.returncode != 0:
        return None
    return result.stdout


def _flush(repo: Repository, problems: list[str]) -> None:
    from ownit.agents.record import flush_pending

    problems.extend(flush_pending(repo))


# ------------------------------------------------------------------ generic mode
def _before(request: Request, problems: list[str]) -> None:
    from ownit.agents.record import RecordError, read_text, safe_file, snapshot_path, write_json

    repo = _repository(Path.cwd())
    for raw in request.before or ():
        try:
            path, rel = safe_file(repo, raw, Path.cwd())
            text = read_text(path, rel)
        except RecordError as error:
            problems.append(f"{error}; not snapshotted")
            continue
        write_json(snapshot_path(repo, request.agent, rel), {"path": rel, "text": text})


def _after(request: Request, problems: list[str]) -> None:
    import json

    from ownit.agents import edits
    from ownit.agents.record import (
        RecordError,
        checkpoints_dir,
        read_text,
        record,
        safe_file,
        snapshot_path,
    )

    repo = _repository(Path.cwd())
    _flush(repo, problems)
    if request.after:
        snapshots = []
        for raw in request.after:
            try:
                snapshots.append(
                    snapshot_path(repo, request.agent, safe_file(repo, raw, Path.cwd())[1])
                )
            except RecordError as error:
                problems.append(str(error))
    else:
        directory = checkpoints_dir(repo) / request.agent
        snapshots = sorted(directory.glob("*.json")) if directory.is_dir() else []
        if not snapshots:
            raise _Failed(f"no snapshots for {request.agent}: run --before FILE… first")
    for snapshot in snapshots:
        from ownit.regular_file import read_regular  # a named pipe is refused

        try:
            saved = json.loads(read_regular(snapshot).decode("utf-8"))
            path, rel = safe_file(repo, str(saved["path"]), repo.toplevel)
            before = saved.get("text")
            text = read_text(path, rel)
        except FileNotFoundError:
            problems.append(f"no --before snapshot for {snapshot.name}; nothing recorded")
            continue
        except (ValueError, KeyError, TypeError, OSError, RecordError) as error:
            problems.append(f"snapshot {snapshot.name} unusable: {error}")
            snapshot.unlink(missing_ok=True)
            continue
        if text is not None:
            lines = edits.lines_from_texts(before if isinstance(before, str) else None, text)
            try:
                done = record(
                    repo,
                    path,
                    rel,
                    text,
                    edits.to_ranges(lines),
                    request.agent,
                    request.model,
                    request.session,
                )
            except RecordError as error:
                problems.append(f"{error}; nothing recorded")
                done = None
            if done is not None:
                problems.extend(done.notices)
            if done is not None and done.pending:
                problems.append(
                    f"{rel}: the ownit store is unavailable ({done.reason}); lines queued"
                )
        snapshot.unlink(missing_ok=True)
