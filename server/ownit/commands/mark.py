"""`ownit mark PATH --lines A-B --tool T [--model M]`: record lines as AI-written."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ownit.cli import EXIT_OK, UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("mark", help="record lines of a file as AI-written")
    parser.add_argument("path")
    parser.add_argument("--lines", required=True, help="1-based inclusive range, e.g. 10-24")
    parser.add_argument("--tool", required=True, help="copilot, claude-code, cursor, aider, …")
    parser.add_argument("--model", help="the model, e.g. claude-sonnet-5")
    parser.add_argument(
        "--source",
        default="manual",
        help="how you know: agent-hook, inline-completion, chat-edit, manual (default), …",
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import checked_path, file_on_disk, parse_line_range
    from ownit.core.model import Source

    first, last = parse_line_range(args.lines)
    try:
        source = Source(args.source)
    except ValueError:
        raise UsageError(
            f"unknown --source {args.source!r}; one of {', '.join(s.value for s in Source)}"
        ) from None
    for label, value in (("--tool", args.tool), ("--model", args.model)):
        if value is not None and (not value.strip() or any(c.isspace() for c in value)):
            raise UsageError(f"{label} must be one word, got {value!r}")
    path = checked_path(args.path)
    with file_on_disk(path) as (session, document):
        count = document.buffer.line_count()
        if document.buffer.text.endswith(("\n", "\r")):
            count -= 1  # the empty "line" after a final newline is not a line of the file
        if last > count:
            raise UsageError(f"{args.path} has {count} lines; --lines {args.lines} is past its end")
        region_id = session.mark_lines(document.uri, first - 1, last, args.tool, args.model, source)
        region = document.tracked[region_id].region
    if args.json:
        print(
            json.dumps(
                {
                    "regionId": region_id,
                    "path": region.path,
                    "lines": [region.first_line + 1, region.end_line],
                }
            )
        )
    else:
        from ownit.core.printable import printable

        print(
            printable(
                f"marked {region.path}:{region.display_lines()} as AI-written "
                f"({region.tool_label}); region {region_id}"
            )
        )
    return EXIT_OK
