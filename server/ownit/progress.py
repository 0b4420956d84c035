"""A progress line on stderr for work that takes a while (``ownit verify``, ``blame``,
``report`` on a long history).

Shown only when stderr is a terminal, and only once the work has run longer than
``OWNIT_PROGRESS_AFTER`` seconds (default 1; 0 shows it at once): one line, rewritten in
place with ``\\r`` at most every 0.1 s, saying what is being done and for how long, and
cleared when the work ends — before the command prints its result, so stdout (text,
JSON, SARIF) never holds any of it. A thread redraws it while a phase runs without
telling anything new (git working, a long loop), so the elapsed time keeps moving.

Commands call :func:`start`, :func:`phase` and :func:`finish`; ``ownit``'s main calls
:func:`finish` after every command, so an error message never shares the line.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

DEFAULT_AFTER = 1.0
REDRAW_EVERY = 0.1


def _threshold() -> float:
    value = os.environ.get("OWNIT_PROGRESS_AFTER", "")
    try:
        seconds = float(value) if value else DEFAULT_AFTER
    except ValueError:
        return DEFAULT_AFTER
    return seconds if seconds >= 0 else DEFAULT_AFTER


class Line:
    """One progress line on ``stream``; see the module's docstring."""

    def __init__(self, label: str, stream: TextIO, after: float) -> None:
        self.label = label
        self.stream = stream
        self.after = after
        self.started = time.monotonic()
        self.text = ""
        self.shown = False
        self._drawn_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="ownit-progress", daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(REDRAW_EVERY):
            self.draw()

    def _render(self, now: float) -> str:
        elapsed = now - self.started
        what = f": {self.text}" if self.text else ""
        line = f"{self.label}{what} ({elapsed:.1f} s)"
        import shutil  # only on a terminal (shutil is ~10 ms of imports on every verb)

        width = shutil.get_terminal_size((80, 24)).columns - 1
        return line if len(line) <= width else line[: max(width - 1, 0)] + "…"

    def draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if self._stop.is_set() or now - self.started < self.after:
                return
            if not force and self.shown and now - self._drawn_at < REDRAW_EVERY:
                return
            try:
                self.stream.write("\r" + self._render(now) + "\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                self._stop.set()  # the terminal went away: stay quiet
                return
            self.shown, self._drawn_at = True, now

    def phase(self, text: str) -> None:
        self.text = text
        self.draw(force=not self.shown)

    def close(self) -> None:
        with self._lock:
            self._stop.set()
            if self.shown:
                try:
                    self.stream.write("\r\x1b[K")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=1)


_active: Line | None = None


def start(label: str, stream: TextIO | None = None) -> None:
    """Begin a progress line labelled ``label`` (e.g. "ownit verify"), if ``stream``
    (stderr) is a terminal."""
    global _active
    finish()
    out = sys.stderr if stream is None else stream
    try:
        terminal = out.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        _active = Line(label, out, _threshold())
        _active.draw()


def phase(text: str) -> None:
    """Say what the work is doing now (e.g. "reading 1204 commits")."""
    if _active is not None:
        _active.phase(text)


def finish() -> None:
    """Clear the line (if it was shown) and stop; nothing happens when none is active."""
    global _active
    line, _active = _active, None
    if line is not None:
        line.close()
