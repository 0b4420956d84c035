"""A generated history for the CLI figures (issue 13): ``commits`` commits (10,000 by
default) over long-lived files, written with one ``git fast-import`` (seconds, not
minutes), the same bytes every run (seeded, fixed dates).

- Three long files of 1,200 / 2,000 / 3,000 lines, each rewritten in small hunks by one
  commit in eight (so ``git blame`` has hundreds of commits to walk per file), and 60
  short files (120 lines) taking the other commits.
- Every 4th commit is AI-assisted (``Assisted-by``); two in three of those carry a correct
  ``AI-Owned`` claim on the lines it wrote (the fingerprint of those lines), the third
  claims nothing (verify reads its files to tell which added lines count), so verify
  checks claims and unclaimed AI lines, and blame resolves both on the long files.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import Context
from workspace import fingerprint, git_repo, python_lines

OWNER = "Bench Dev <dev@example.com>"
EMAIL = "dev@example.com"
RATIONALE = "Checked each branch against the unit tests and the bounds by hand"

LONG_FILES = (("src/core/engine.py", 1_200), ("src/core/planner.py", 2_000))
LONG_FILES += (("src/core/storage.py", 3_000),)
SHORT_FILES = tuple(f"src/pkg_{index // 10:02d}/mod_{index % 10}.py" for index in range(60))
SHORT_LINES = 120
LONG_EVERY = 8  # one commit in 8 rewrites hunks of a long file
AI_EVERY = 4
UNCLAIMED_SHARE = 1 / 3  # of the AI commits (drawn): they say so but claim nothing


@dataclass(frozen=True)
class History:
    root: Path
    commits: int
    ai_commits: int
    unclaimed: int  # AI-assisted commits without a claim
    long_files: tuple[str, ...]
    long_touches: int  # commits touching a long file


_BUILT: dict[tuple[Path, int], History] = {}


def _hunk_lines(count: int, seed: str) -> list[str]:
    return [f"    step_{index} = compute({index}, {seed!r})  # {seed}" for index in range(count)]


def _stream(commits: int) -> tuple[bytes, int, int, int]:
    rng = random.Random(13)
    files: dict[str, list[str]] = {}
    for path, count in LONG_FILES:
        files[path] = python_lines(count, path.rsplit("/", 1)[-1].removesuffix(".py"))
    for index, path in enumerate(SHORT_FILES):
        files[path] = python_lines(SHORT_LINES, f"s{index}")
    chunks: list[bytes] = []
    when = 1_700_000_000
    ai_commits = long_touches = unclaimed = 0

    def blob(path: str) -> None:
        body = ("\n".join(files[path]) + "\n").encode("utf-8")
        chunks.append(f"M 100644 inline {path}\n".encode())
        chunks.append(b"data %d\n" % len(body) + body + b"\n")

    for index in range(commits):
        header = (
            f"commit refs/heads/main\nmark :{index + 1}\n"
            f"author {OWNER} {when + index * 60} +0000\n"
            f"committer {OWNER} {when + index * 60} +0000\n"
        ).encode()
        if index == 0:
            message = b"Initial import\n"
            chunks += [header, b"data %d\n" % len(message) + message]
            for path in files:
                blob(path)
            continue
        if index % LONG_EVERY == 0:
            path = LONG_FILES[(index // LONG_EVERY) % len(LONG_FILES)][0]
            long_touches += 1
            target = dict(LONG_FILES)[path]
        else:
            path = SHORT_FILES[rng.randrange(len(SHORT_FILES))]
            target = SHORT_LINES
        lines = files[path]
        removed = rng.randint(2, 10)
        # keep the length near its start: grow when short, shrink when long
        added = removed + (1 if len(lines) < target else -1 if len(lines) > target else 0)
        added = max(1, added + rng.randint(-1, 1))
        at = rng.randrange(0, max(1, len(lines) - removed))
        new = _hunk_lines(added, f"c{index}")
        lines[at : at + removed] = new
        subject = f"Rework {path.rsplit('/', 1)[-1]} ({index})"
        unclaimed_draw = rng.random()
        if index % AI_EVERY == 0 and unclaimed_draw < UNCLAIMED_SHARE:
            ai_commits += 1
            unclaimed += 1
            subject += "\n\nAssisted-by: copilot"
        elif index % AI_EVERY == 0:
            ai_commits += 1
            claim = (
                f"{path}:{at + 1}-{at + added} {fingerprint(new)} copilot {EMAIL} -- {RATIONALE}"
            )
            subject += f"\n\nAssisted-by: copilot\nOwned-by: {OWNER}\nAI-Owned: {claim}"
        message = (subject + "\n").encode("utf-8")
        chunks += [header, b"data %d\n" % len(message) + message, b"from :%d\n" % index]
        blob(path)
    return b"".join(chunks), ai_commits, unclaimed, long_touches


def history_repo(ctx: Context, commits: int) -> History:
    """The generated repository (built once per run and size)."""
    key = (ctx.tmp, commits)
    if key in _BUILT:
        return _BUILT[key]
    root = git_repo(ctx, f"history-{commits}", {}, commit=False)
    stream, ai_commits, unclaimed, long_touches = _stream(commits)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=root,
        env=ctx.env,
        input=stream,
        check=True,
        capture_output=True,
        timeout=600,
    )
    ctx.run(["git", "reset", "-q", "--hard", "main"], root)
    # a packed, gc'd repository, as a clone would be
    ctx.run(["git", "repack", "-a", "-d", "-q"], root, timeout=600)
    built = History(
        root, commits, ai_commits, unclaimed, tuple(path for path, _ in LONG_FILES), long_touches
    )
    _BUILT[key] = built
    return built
