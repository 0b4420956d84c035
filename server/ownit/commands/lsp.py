"""`ownit lsp`: the language server over stdio (or TCP for debugging)."""

from __future__ import annotations

import argparse
import logging
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("lsp", help="run the language server (stdio)")
    parser.add_argument("--stdio", action="store_true", help="talk over stdio (the default)")
    parser.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="with --tcp: the address to listen on (default 127.0.0.1)",
    )
    parser.add_argument(
        "--port", type=int, default=2087, help="with --tcp: the port to listen on (default 2087)"
    )
    parser.add_argument("--log-file", help="write the server's log to this file")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING"],
        help="how much the log says (default WARNING)",
    )
    parser.set_defaults(handler=run)


def _expected_refusals(record: logging.LogRecord) -> bool:
    """A refused request (a placeholder rationale, a malformed argument) is an answer, not
    a server error: log it on one line, without pygls's traceback."""
    error = record.exc_info[1] if record.exc_info else None
    code = getattr(error, "code", None)
    if error is not None and code in (-32602, -32803):  # InvalidParams, RequestFailed
        record.msg, record.args = "request refused: %s", (getattr(error, "message", error),)
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger().isEnabledFor(logging.INFO)
    return True


def run(args: argparse.Namespace) -> int:
    handlers: list[logging.Handler] = []
    if args.log_file:
        handlers.append(logging.FileHandler(args.log_file, encoding="utf-8"))
    else:
        handlers.append(logging.StreamHandler())  # stderr: never the protocol's stdout
    logging.basicConfig(
        level=args.log_level, handlers=handlers, format="%(asctime)s %(name)s: %(message)s"
    )
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_expected_refusals)
    from ownit.lsp.server import create_server

    server = create_server()
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0
