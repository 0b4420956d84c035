"""`ownit dismiss PATH:LINE -m REASON`: record that a region is not AI-written."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ownit.commands._help import JSON_HELP
from ownit.exits import EXIT_OK


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("dismiss", help="say the region at PATH:LINE is not AI-written")
    parser.add_argument(
        "location",
        metavar="PATH:LINE",
        help="the file and a line of the region, e.g. src/auth.py:25",
    )
    parser.add_argument(
        "-m",
        "--message",
        required=True,
        metavar="REASON",
        help="why the region is not AI-written (recorded with your git identity)",
    )
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import checked_path, file_on_disk, parse_path_line, region_at

    raw_path, line = parse_path_line(args.location)
    path = checked_path(raw_path)
    with file_on_disk(path) as (session, document):
        region_id = region_at(session, document, line)
        dismissal = session.dismiss(document.uri, region_id, args.message)
        region = document.tracked[region_id].region
    if args.json:
        print(
            json.dumps(
                {
                    "regionId": region_id,
                    "path": region.path,
                    "by": dismissal.by,
                    "reason": dismissal.reason,
                }
            )
        )
    else:
        from ownit.core.printable import printable

        where = f"{region.path}:{region.display_lines()}"
        print(printable(f"dismissed {where}: {dismissal.reason}"))
    return EXIT_OK
