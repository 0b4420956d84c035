"""A real headless Chromium (Debian's `chromium`) driven over the DevTools protocol: open
a page, record what it logs and every request it makes, evaluate in it, screenshot it,
print it to PDF. One browser per :class:`Chromium`; every wait has a hard limit.

The browser listens on a port it picks itself (``--remote-debugging-port=0``) and names
it in ``DevToolsActivePort`` in its profile folder, so runs in parallel never collide.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
START_LIMIT = 60.0  # seconds for the browser to come up (a cold start on a busy machine)
CALL_LIMIT = 60.0  # seconds for one protocol call


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageLog:
    console: list[dict[str, Any]] = field(default_factory=list)  # Runtime.consoleAPICalled
    exceptions: list[dict[str, Any]] = field(default_factory=list)  # Runtime.exceptionThrown
    entries: list[dict[str, Any]] = field(default_factory=list)  # Log.entryAdded
    requests: list[str] = field(default_factory=list)  # every URL asked for

    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, browser log errors (a CSP
        refusal, a failed load) — as one line each."""
        out = [
            f"console.{c.get('type')}: {c.get('args')}"
            for c in self.console
            if c.get("type") in ("error", "warning", "assert")
        ]
        out += [f"exception: {e.get('exceptionDetails')}" for e in self.exceptions]
        out += [
            f"log {e['entry'].get('level')} ({e['entry'].get('source')}): {e['entry'].get('text')}"
            for e in self.entries
            if e["entry"].get("level") in ("error", "warning")
        ]
        return out


class Chromium:
    def __init__(self, profile: Path, width: int = 1280, height: int = 900) -> None:
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed (scripts/install-system-packages)")
        self.profile = profile
        self.width, self.height = width, height
        self.stderr_path = profile.parent / f"{profile.name}-stderr.log"
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [
                    binary,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    f"--window-size={width},{height}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,  # its own group: close() ends its helpers too
            )
        self._next_id = 0
        self._closing = contextlib.ExitStack()
        try:
            self.port = self._wait_for_port()
            self.ws = self._connect_page()
        except BaseException:
            self.close()
            raise

    def _wait_for_port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.stderr_path.read_text(errors="replace")
                raise RuntimeError(f"chromium exited {self.process.returncode}: {err[-2000:]}")
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(marker.read_text().split()[0])
            time.sleep(0.05)
        raise RuntimeError(f"chromium did not open its DevTools port in {START_LIMIT:.0f} s")

    def _connect_page(self) -> ClientConnection:
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5) as r:
                targets = json.load(r)
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                url = pages[0]["webSocketDebuggerUrl"]
                ws = connect(url, max_size=None, proxy=None, open_timeout=CALL_LIMIT)
                return self._closing.enter_context(ws)
            time.sleep(0.05)
        raise RuntimeError("chromium has no page target")

    def call(self, method: str, log: PageLog | None = None, **params: Any) -> dict[str, Any]:
        """One protocol call; events that arrive meanwhile go to ``log``."""
        self._next_id += 1
        ident = self._next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + CALL_LIMIT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{method}: no answer in {CALL_LIMIT:.0f} s")
            message = json.loads(self.ws.recv(timeout=left))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if log is not None:
                _record(log, message)

    def _wait_event(self, name: str, log: PageLog) -> None:
        deadline = time.monotonic() + CALL_LIMIT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {name} in {CALL_LIMIT:.0f} s")
            message = json.loads(self.ws.recv(timeout=left))
            _record(log, message)
            if message.get("method") == name:
                return

    def open(self, url: str) -> PageLog:
        """Navigate to ``url`` and wait for its load event; what it logged and asked for."""
        log = PageLog()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", log)
        self.call("Page.navigate", log, url=url)
        self._wait_event("Page.loadEventFired", log)
        # A round trip after the load event: events queued before it are in by now.
        self.evaluate("document.readyState", log)
        return log

    def evaluate(self, expression: str, log: PageLog | None = None) -> Any:
        result = self.call(
            "Runtime.evaluate", log, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, log: PageLog | None = None) -> None:
        """The whole page (not only the window) as a PNG."""
        metrics = self.call("Page.getLayoutMetrics", log)
        size = metrics["cssContentSize"]
        height = int(min(size["height"], 16000))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            log,
            width=self.width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = self.call("Page.captureScreenshot", log, format="png", captureBeyondViewport=True)
        self.call("Emulation.clearDeviceMetricsOverride", log)
        path.write_bytes(base64.b64decode(shot["data"]))

    def pdf(self, path: Path, log: PageLog | None = None) -> None:
        printed = self.call("Page.printToPDF", log, preferCSSPageSize=True, printBackground=True)
        path.write_bytes(base64.b64decode(printed["data"]))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._closing.close()
        group = self.process.pid  # the session (and group) it leads
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)


def _record(log: PageLog, message: dict[str, Any]) -> None:
    method, params = message.get("method"), message.get("params", {})
    if method == "Runtime.consoleAPICalled":
        log.console.append(params)
    elif method == "Runtime.exceptionThrown":
        log.exceptions.append(params)
    elif method == "Log.entryAdded":
        log.entries.append(params)
    elif method == "Network.requestWillBeSent":
        log.requests.append(params["request"]["url"])
