"""`ownit checkpoint --agent NAME`: record the lines a coding agent just wrote.

Run by the agent's hook with its payload (JSON) on stdin; see ``ownit.agents.payloads``
for each agent's payload and exit-code convention. For agents without hooks:
``ownit checkpoint --agent NAME --before FILE…`` before the agent runs, then
``ownit checkpoint --agent NAME --after [FILE…]``: the lines that changed in between are
recorded.

Never in the way: a hook runs inside someone else's tool. Whatever goes wrong (a malformed
payload, a path outside the repository, a binary file, a busy store) ends with one line
per problem on stderr and the agent's *non-blocking* exit code, never a traceback and
never the "block" code. Regions that cannot be stored now are queued and recorded by the
next checkpoint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ownit.core.printable import printable
from ownit.exits import EXIT_OK


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "checkpoint",
        help="record the lines a coding agent wrote (run by agent hooks)",
        description=(
            "Read an agent hook payload on stdin and record the lines the agent wrote. "
            "Agents: claude-code, cursor, copilot; any NAME with --before/--after."
        ),
    )
    parser.add_argument("--agent", default="", help="claude-code, cursor, copilot, or any name")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--before", nargs="+", metavar="FILE", help="snapshot files before")
    mode.add_argument(
        "--after", nargs="*", metavar="FILE", help="record what changed since --before"
    )
    parser.add_argument("--model", help="the model (generic mode)")
    parser.add_argument("--session", help="the agent's session id (generic mode)")
    parser.set_defaults(handler=run)


class _Failed(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    from ownit.agents.payloads import DEFAULT_NON_BLOCKING_EXIT, NON_BLOCKING_EXIT

    failure = NON_BLOCKING_EXIT.get(args.agent, DEFAULT_NON_BLOCKING_EXIT)
    problems: list[str] = []
    try:
        _run(args, problems)
    except _Failed as error:
        problems.append(str(error))
    except Exception as error:  # never a traceback inside the agent
        problems.append(f"internal error ({type(error).__name__}: {error}); nothing recorded")
    for problem in problems:
        # One line each (an agent shows the first line), nothing raw from the payload.
        print(f"ownit checkpoint: {printable(' '.join(problem.split()))}", file=sys.stderr)
    return failure if problems else EXIT_OK


def _run(args: argparse.Namespace, problems: list[str]) -> None:
    from ownit.agents.payloads import valid_agent_name

    if not valid_agent_name(args.agent):
        raise _Failed(
            f"--agent must be a tool name like claude-code, cursor or copilot, got {args.agent!r}"
        )
    if args.before is not None:
        _before(args, problems)
        return
    if args.after is not None:
        _after(args, problems)
        return
    _from_payload(args, problems)


def _repository(*candidates: str | Path | None) -> Any:
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


def _from_payload(args: argparse.Namespace, problems: list[str]) -> None:
    from ownit.agents.payloads import PayloadError, parse

    raw = sys.stdin.buffer.read() if sys.stdin is not None else b""
    try:
        checkpoint = parse(args.agent, raw)
    except PayloadError as error:
        raise _Failed(f"{error}; nothing recorded") from None
    if checkpoint.ignored is not None or not checkpoint.changes:
        return
    repo = _repository(Path.cwd(), checkpoint.cwd)
    base = Path(checkpoint.cwd) if checkpoint.cwd and Path(checkpoint.cwd).is_absolute() else None
    _flush(repo, problems)
    for change in checkpoint.changes:
        try:
            _record_change(
                repo,
                change,
                base or Path.cwd(),
                args.agent,
                checkpoint.model or args.model,
                checkpoint.session or args.session,
                problems,
            )
        except _Failed as error:
            problems.append(str(error))


def _record_change(
    repo: Any,
    change: Any,
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
    elif change.is_write:
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


def _staged_version(repo: Any, rel: str) -> str | None:
    """The file as staged (a Write without a diff is compared with it); None if untracked."""
    from ownit.git.repo import run_git

    result = run_git(["cat-file", "blob", "--", f":{rel}"], repo.toplevel)
    if result.returncode != 0:
        return None
    return result.stdout


def _flush(repo: Any, problems: list[str]) -> None:
    from ownit.agents.record import flush_pending

    problems.extend(flush_pending(repo))


# ------------------------------------------------------------------ generic mode
def _before(args: argparse.Namespace, problems: list[str]) -> None:
    from ownit.agents.record import RecordError, read_text, safe_file, snapshot_path, write_json

    repo = _repository(Path.cwd())
    for raw in args.before:
        try:
            path, rel = safe_file(repo, raw, Path.cwd())
            text = read_text(path, rel)
        except RecordError as error:
            problems.append(f"{error}; not snapshotted")
            continue
        write_json(snapshot_path(repo, args.agent, rel), {"path": rel, "text": text})


def _after(args: argparse.Namespace, problems: list[str]) -> None:
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
    if args.after:
        snapshots = []
        for raw in args.after:
            try:
                snapshots.append(
                    snapshot_path(repo, args.agent, safe_file(repo, raw, Path.cwd())[1])
                )
            except RecordError as error:
                problems.append(str(error))
    else:
        directory = checkpoints_dir(repo) / args.agent
        snapshots = sorted(directory.glob("*.json")) if directory.is_dir() else []
        if not snapshots:
            raise _Failed(f"no snapshots for {args.agent}: run --before FILE… first")
    for snapshot in snapshots:
        try:
            saved = json.loads(snapshot.read_text(encoding="utf-8"))
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
                    args.agent,
                    args.model,
                    args.session,
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
