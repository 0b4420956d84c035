"""Loaded by every Python process started with this folder on PYTHONPATH (see
``bench/module_paths.py``). With ``OWNIT_TRACE_MODULES`` naming a file, it records which
``ownit`` modules' functions run, per phase, and appends one JSON line per process to that
file at exit. A language server's phases are the JSON-RPC messages it reads (labelled by
method, the n-th of each; the client's replies to the server's own requests stay in the
phase that asked); any other process is one phase named by its argv.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading

_OUT = os.environ.get("OWNIT_TRACE_MODULES")


def _install(out: str) -> None:
    phases: dict[str, set[str]] = {}
    order: list[str] = []
    seen: dict[str, int] = {}
    state = {"phase": "start-up " + " ".join(sys.argv[1:3])}

    def enter(label: str) -> None:
        state["phase"] = label
        order.append(label)

    def profile(frame, event, _arg):  # type: ignore[no-untyped-def]
        if event != "call":
            return
        name = frame.f_globals.get("__name__", "")
        code = frame.f_code
        # module and class bodies have no CO_NEWLOCALS: they are imports, not the path
        if (
            not name.startswith("ownit")
            or not code.co_flags & 0x02
            or code.co_name == "__create_fn__"
        ):
            return
        phases.setdefault(state["phase"], set()).add(f"{name}:{frame.f_code.co_name}")

    class Reader:
        """Wraps the server's stdin: each message body read starts a phase."""

        def __init__(self, raw):  # type: ignore[no-untyped-def]
            self._raw = raw

        def readline(self, *args):  # type: ignore[no-untyped-def]
            return self._raw.readline(*args)

        def read(self, *args):  # type: ignore[no-untyped-def]
            body = self._raw.read(*args)
            try:
                method = json.loads(body).get("method")
            except ValueError:
                method = None
            if method:
                seen[method] = seen.get(method, 0) + 1
                enter(f"{method}#{seen[method]}")
            return body

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self._raw, name)

    class Stdin:
        def __init__(self, text):  # type: ignore[no-untyped-def]
            self._text = text
            self.buffer = Reader(text.buffer)

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self._text, name)

    if sys.argv[1:2] == ["lsp"] or "lsp" in sys.argv[1:3]:
        sys.stdin = Stdin(sys.stdin)  # type: ignore[assignment]
    else:
        enter("process " + " ".join(os.path.basename(a) for a in sys.argv[1:4]))

    def dump() -> None:
        imported = sorted(m for m in sys.modules if m.startswith("ownit"))
        record = {
            "argv": sys.argv,
            "order": order,
            "phases": {k: sorted(v) for k, v in phases.items()},
            "imported": imported,
        }
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    atexit.register(dump)
    sys.setprofile(profile)
    threading.setprofile(profile)


if _OUT:
    _install(_OUT)
