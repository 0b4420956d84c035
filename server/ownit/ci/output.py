"""Where a command's output goes: stdout, or the file of ``-o FILE``."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ownit.core.alerts import clean_text
from ownit.core.printable import printable_json
from ownit.exits import UsageError


def _open(path: str) -> Any:
    try:
        return Path(path).open("w", encoding="utf-8", newline="\n")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


@contextlib.contextmanager
def output_to(path: str | None) -> Iterator[None]:
    """Everything printed to stdout inside goes to ``path`` (None: stdout itself)."""
    if path is None or path == "-":
        yield
        return
    with _open(path) as handle, contextlib.redirect_stdout(handle):
        yield


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_json(document: Any, path: str | None) -> None:
    """``document`` as indented UTF-8 JSON to ``path`` (None or ``-``: stdout)."""
    # Escaped where a terminal could be driven (the same JSON): SARIF goes to stdout too.
    text = printable_json(json.dumps(_clean(document), indent=2, ensure_ascii=False)) + "\n"
    if path is None or path == "-":
        sys.stdout.write(text)  # a reader that goes away (`| head`): cli.main
        return
    with _open(path) as handle:
        handle.write(text)
