"""`ownit import agent-trace [PATH]`: Agent Trace records' AI ranges become regions
(`ownit import git-ai` is in ``_import_git_ai``).

PATH defaults to ``.agent-trace/traces.jsonl`` at the repository's top level. Each AI (or
mixed) range is placed on the file as it is now: by its ``content_hash`` when it has one
(at its own lines if they still match, else the nearest place they match; nowhere: not
imported), else through the record's git revision (a line diff from the file at that
revision), else at its line numbers. Importing twice adds nothing: lines already inside a
region are not recorded again, nor is a range whose region was since removed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ownit.commands._help import JSON_HELP
from ownit.core.printable import printable
from ownit.exits import EXIT_OK, UsageError

DEFAULT_PATH = ".agent-trace/traces.jsonl"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("import", help="import AI attribution from other tools")
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND")
    trace = kinds.add_parser(
        "agent-trace",
        help=f"Agent Trace records (default {DEFAULT_PATH})",
        description="Turn the AI ranges of Agent Trace records into ownit regions.",
    )
    trace.add_argument("path", nargs="?", help=f"JSONL file (default {DEFAULT_PATH})")
    trace.add_argument("--json", action="store_true", help=JSON_HELP)
    trace.set_defaults(handler=run)
    from ownit.commands._import_git_ai import add_kind

    add_kind(kinds)
    parser.set_defaults(handler=_no_kind)


def _no_kind(args: argparse.Namespace) -> int:
    raise UsageError("say what to import: ownit import agent-trace [PATH] | ownit import git-ai")


def run(args: argparse.Namespace) -> int:
    from ownit.agents.edits import real_lines
    from ownit.agents.record import (
        RecordError,
        map_ranges,
        read_text,
        record,
        removed_fingerprints,
        safe_file,
    )
    from ownit.agents.trace import TraceError, TraceRange, ai_ranges, hash_supported, locate
    from ownit.git.repo import GitError, find_repository, run_git

    try:
        repo = find_repository(Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError(
            "not inside a git repository: run `ownit import agent-trace` in your project"
        )
    source = Path(args.path) if args.path else repo.toplevel / DEFAULT_PATH
    try:
        content = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {source}: {error}") from None

    problems: list[str] = []
    by_path: dict[str, list[TraceRange]] = {}
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            for item in ai_ranges(json.loads(line)):
                by_path.setdefault(item.path, []).append(item)
        except (json.JSONDecodeError, TraceError) as error:
            problems.append(f"{source}:{number}: {error}; record skipped")

    imported = 0
    already = 0
    for raw_path, items in by_path.items():
        try:
            path, rel = safe_file(repo, raw_path, repo.toplevel)
            text = read_text(path, rel)
        except RecordError as error:
            problems.append(f"{error}; its ranges skipped")
            continue
        if text is None:
            problems.append(f"{rel}: no such file now; its ranges skipped")
            continue
        lines = real_lines(text)
        removed = removed_fingerprints(path, problems)
        for item in items:
            where: tuple[int, int] | None
            if item.content_hash and hash_supported(item.content_hash):
                where = locate(lines, item.first, item.stop, item.content_hash)
                if where is None:
                    problems.append(
                        f"{rel}:{item.first + 1}-{item.stop}: its content_hash matches no "
                        "lines of the file now (changed since); not imported"
                    )
                    continue
                places = [where]
            elif item.revision:
                old = run_git(["cat-file", "blob", "--", f"{item.revision}:{rel}"], repo.toplevel)
                if old.returncode != 0:
                    problems.append(
                        f"{rel}: revision {item.revision[:12]} is not in this repository; "
                        f"lines {item.first + 1}-{item.stop} not imported"
                    )
                    continue
                places = map_ranges(old.stdout, text, [(item.first, item.stop)])
            else:
                places = [(item.first, min(item.stop, len(lines)))]
            places = [p for p in places if p[0] < min(p[1], len(lines))]
            if not places:
                problems.append(f"{rel}:{item.first + 1}-{item.stop}: past the end of the file")
                continue
            from ownit.core.fingerprint import fingerprint

            if all(fingerprint(lines[a:b]) in removed for a, b in places):
                already += 1
                continue
            done = record(repo, path, rel, text, places, item.tool, item.model, item.conversation)
            problems.extend(done.notices)
            if done.pending:
                problems.append(f"{rel}: the store is unavailable ({done.reason}); ranges queued")
            if done.ranges:
                imported += 1
            else:
                already += 1
    for problem in problems:
        print(f"ownit import: {printable(problem)}", file=sys.stderr)
    if args.json:
        print(json.dumps({"imported": imported, "unchanged": already, "problems": problems}))
    else:
        print(f"imported {imported} range(s); {already} already recorded")
    return EXIT_OK
