"""`ownit import git-ai`: git-ai's authorship notes (``refs/notes/ai``) → ownit regions.

Each note (parsed by :mod:`ownit.core.git_ai`) says which lines of which files an AI session
wrote in its commit. Only notes on commits in ``HEAD``'s history are read, newest first.
Each AI attestation's lines are carried from the file as of that commit onto the file in
the working tree by a line diff, and only lines still unchanged are recorded (source
``agent-hook``, git-ai's own evidence; tool, model and the session's conversation id from
the note's metadata). Lines of known humans are not AI-written and are skipped. Importing
twice adds nothing: lines already inside a region are not recorded again, nor lines whose
region was since removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ownit.agents.record import (
    RecordError,
    map_ranges,
    read_text,
    record,
    removed_fingerprints,
    safe_file,
)
from ownit.core.git_ai import Attestation, AuthorshipLog, GitAiError, parse_note
from ownit.core.text import NotTextError, decode_text
from ownit.git import run as git
from ownit.git.history import BatchRead
from ownit.git.repo import Repository

NOTES_REF = "refs/notes/ai"
MAX_NOTE_BYTES = 16 * 1024 * 1024


@dataclass(slots=True)
class GitAiImport:
    notes: int = 0  # notes read (on commits of HEAD's history)
    imported: int = 0  # ranges recorded
    unchanged: int = 0  # ranges already recorded before
    human_lines: int = 0  # lines known humans wrote (not imported)
    outside_history: int = 0  # notes on commits HEAD does not contain
    problems: list[str] = field(default_factory=list)


def _notes(repo: Repository, ref: str) -> list[tuple[str, str]]:
    """(note blob, annotated commit) of every note under ``ref``."""
    listed = git.run(["notes", f"--ref={ref}", "list"], repo.toplevel, check=False)
    if listed.returncode != 0:
        message = git.text(listed.stderr).strip().splitlines()[-1:] or ["git notes failed"]
        raise GitAiError(f"cannot list the notes of {ref}: {message[0]}")
    pairs = []
    for line in git.text(listed.stdout).splitlines():
        fields = line.split()
        if len(fields) == 2:
            pairs.append((fields[0], fields[1]))
    return pairs


def _history(repo: Repository) -> list[str]:
    out = git.run(["rev-list", "HEAD", "--"], repo.toplevel, check=False)
    return git.text(out.stdout).split() if out.returncode == 0 else []


def _decode(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return decode_text(data)
    except NotTextError:
        return None


def _read_logs(repo: Repository, ref: str, result: GitAiImport) -> list[tuple[str, AuthorshipLog]]:
    order = {sha: at for at, sha in enumerate(_history(repo))}
    notes = _notes(repo, ref)
    kept = sorted(((order[c], blob, c) for blob, c in notes if c in order), key=lambda t: t[0])
    result.outside_history = len(notes) - len(kept)
    blobs = BatchRead(repo.toplevel, [blob for _, blob, _ in kept]).result()
    logs: list[tuple[str, AuthorshipLog]] = []
    for _, blob, commit in kept:
        data = blobs.get(blob)
        text = _decode(data) if data is not None and len(data) <= MAX_NOTE_BYTES else None
        if text is None:
            result.problems.append(f"commit {commit[:12]}: its note is not UTF-8 text; skipped")
            continue
        try:
            logs.append((commit, parse_note(text)))
        except GitAiError as error:
            result.problems.append(f"commit {commit[:12]}: {error}; note skipped")
    result.notes = len(logs)
    return logs


def _import_file(
    repo: Repository,
    commit: str,
    log: AuthorshipLog,
    where: str,
    place: tuple[Path, str],
    items: list[Attestation],
    old_text: str | None,
    result: GitAiImport,
) -> None:
    path, rel = place
    try:
        text = read_text(path, rel)
    except RecordError as error:
        result.problems.append(f"{where}: {error}; skipped")
        return
    if text is None:
        result.problems.append(f"{where}: no such file now; skipped")
        return
    if old_text is None:
        result.problems.append(f"{where}: not in that commit, or not text there; skipped")
        return
    from ownit.core.fingerprint import fingerprint
    from ownit.core.text import split_lines

    old_count = len(split_lines(old_text))
    lines = split_lines(text)
    removed = removed_fingerprints(path, result.problems)
    for item in items:
        author = log.author_of(item.key)
        if author is None:
            result.problems.append(f"{where}: {item.key} is not in the note's metadata; skipped")
            continue
        if author.kind == "human":
            result.human_lines += sum(last - first + 1 for first, last in item.ranges)
            continue
        wanted = [(a - 1, min(b, old_count)) for a, b in item.ranges if a <= old_count]
        places = [p for p in map_ranges(old_text, text, wanted) if p[0] < p[1]]
        if not places:
            result.problems.append(f"{where}: the lines {item.key} wrote changed since; skipped")
            continue
        if all(fingerprint(lines[a:b]) in removed for a, b in places):
            result.unchanged += 1
            continue
        done = record(
            repo,
            path,
            rel,
            text,
            places,
            author.tool or "unknown",
            author.model,
            author.conversation,
        )
        result.problems.extend(done.notices)
        if done.pending:
            result.problems.append(
                f"{rel}: the store is unavailable ({done.reason}); ranges queued"
            )
        if done.ranges:
            result.imported += 1
        else:
            result.unchanged += 1


def import_git_ai(repo: Repository, ref: str = NOTES_REF) -> GitAiImport:
    """Import the notes of ``ref`` (GitAiError when git cannot list them)."""
    result = GitAiImport()
    logs = _read_logs(repo, ref, result)
    files: list[tuple[str, AuthorshipLog, str, tuple[Path, str], list[Attestation]]] = []
    for commit, log in logs:
        by_path: dict[str, list[Attestation]] = {}
        for item in log.attestations:
            by_path.setdefault(item.path, []).append(item)
        for path_in_note, items in by_path.items():
            where = f"commit {commit[:12]}: {path_in_note}"
            try:  # a path that leaves the working tree is never asked of git
                place = safe_file(repo, path_in_note, repo.toplevel)
            except RecordError as error:
                result.problems.append(f"{where}: {error}; skipped")
                continue
            files.append((commit, log, where, place, items))
    blobs = BatchRead(repo.toplevel, [f"{c}:{place[1]}" for c, _, _, place, _ in files]).result()
    for commit, log, where, place, items in files:
        old = _decode(blobs.get(f"{commit}:{place[1]}"))
        _import_file(repo, commit, log, where, place, items, old, result)
    return result
