"""`ownit mark PATH --lines A-B --tool T [--model M]`: record lines as AI-written."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ownit.commands._help import JSON_HELP
from ownit.exits import EXIT_OK, UsageError

if TYPE_CHECKING:
    from ownit.core.model import Region


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mark",
        help="record lines of a file as AI-written",
        description=(
            "Record lines of a file as AI-written: a region nobody owns yet (own it with"
            " `ownit claim`). Lines already inside a region of the same tool change nothing;"
            " inside a region of another tool or model they are refused (exit 2): a region"
            " keeps the tool it was recorded with."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the file, in this repository")
    parser.add_argument(
        "--lines",
        required=True,
        metavar="A-B",
        help="1-based inclusive lines, e.g. 10-24, or 25 for one line",
    )
    parser.add_argument("--tool", required=True, help="copilot, claude-code, cursor, aider, …")
    parser.add_argument("--model", help="the model, e.g. claude-sonnet-5")
    parser.add_argument(
        "--source",
        default="manual",
        help="how you know: agent-hook, inline-completion, chat-edit, manual (default), …",
    )
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import checked_path, file_on_disk, parse_line_range
    from ownit.core.columns import line_span
    from ownit.core.mark_input import BadMarkInput, check_mark_input

    first, last = parse_line_range(args.lines)
    try:
        source = check_mark_input(args.tool, args.model, args.source).source
    except BadMarkInput as error:
        raise UsageError(f"--{error.field} {error.reason}") from None
    path = checked_path(args.path)
    with file_on_disk(path) as (session, document):
        path_shown = document.key or args.path
        count = document.buffer.line_count()
        if document.buffer.text.endswith(("\n", "\r")):
            count -= 1  # the empty "line" after a final newline is not a line of the file
        if last > count:
            raise UsageError(f"{args.path} has {count} lines; --lines {args.lines} is past its end")
        active = [
            (key, tracked.region)
            for key, tracked in document.tracked.items()
            if tracked.state.dismissal is None
        ]
        holding = [
            (key, r) for key, r in active if r.first_line <= first - 1 and last <= r.end_line
        ]
        same = [
            (key, r)
            for key, r in holding
            if r.tool == args.tool and (args.model is None or r.model == args.model)
        ]
        if not holding:
            region_id = session.mark_lines(
                document.uri, first - 1, last, args.tool, args.model, source
            )
            region = document.tracked[region_id].region
    from ownit.core.printable import printable

    # Escaped here, not only when printed: _say splits its text at the newlines.
    asked = f"{printable(path_shown)}:{line_span(first, last)}"
    if same:  # already recorded as asked: the store keeps it as it is
        region_id, region = same[0]
        _say(
            args,
            region,
            region_id,
            changed=False,
            text=(
                f"already marked: {asked} is inside region {region.display_lines()}, AI-written "
                f"({region.tool_label}); nothing changed"
            ),
        )
        return EXIT_OK
    if holding:
        held = sorted((r for _, r in holding), key=lambda r: (r.first_line, r.end_line))
        listed = ", ".join(f"{r.display_lines()} ({r.tool_label})" for r in held)
        raise UsageError(
            f"{asked} is already inside region{'s' * (len(held) > 1)} {listed}, recorded as "
            "AI-written by another tool or model; nothing changed (a region keeps the tool "
            "and model it was recorded with)"
        )
    text = (
        f"marked {printable(region.path)}:{region.display_lines()} as AI-written "
        f"({region.tool_label}); region {region_id}"
    )
    overlaps = sorted(
        (r for _, r in active if r.first_line < region.end_line and region.first_line < r.end_line),
        key=lambda r: r.first_line,
    )
    if overlaps:
        listed = ", ".join(f"{r.display_lines()} ({r.tool_label})" for r in overlaps)
        many = len(overlaps) > 1
        text += (
            f"\n  it overlaps region{'s' * many} {listed}, which stay{'s' * (not many)} as "
            f"{'they were' if many else 'it was'}: each region is owned on its own"
        )
    _say(args, region, region_id, changed=True, text=text)
    return EXIT_OK


def _say(
    args: argparse.Namespace, region: Region, region_id: str, *, changed: bool, text: str
) -> None:
    if args.json:
        out = {
            "regionId": region_id,
            "path": region.path,
            "lines": [region.first_line + 1, region.end_line],
            "tool": region.tool,
            "model": region.model,
            "changed": changed,
        }
        print(json.dumps(out))
        return
    from ownit.core.printable import printable

    for line in text.split("\n"):  # each line escaped on its own: the newlines are ours
        print(printable(line))
