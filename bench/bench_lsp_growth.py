"""Language-server growth curves (issue 13): how didOpen, a keystroke, a keystroke that
moves every region, and resident memory grow with the number of stored regions.

For each region count (0 / 1k / 5k / 10k / 50k) one repository holds one file whose
regions are already in the store (written there in one transaction, as a previous editor
session or an agent hook would have left them, with the file's text as their basis). Three
servers run at once on it: ``ownit lsp``, the bare pygls server (the baseline), and the bare
server publishing as many fixed diagnostics as there are regions (the reference for the
publish of N moved diagnostics). Every figure is printed per count as a ratio against the
baseline measured in the same run; the headline is the worst row. For didOpen a fourth
server runs too: the bare server writing as many diagnostics, shaped as ownit's, as one
JSON text made at its start (``--raw-diagnostics``): the floor of ownit's own way of
publishing (pre-made JSON, no serialization per publish), where the pygls reference is
the floor of a server serializing its diagnostics as pygls does.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_lsp import KEYSTROKE_GAP, WORDS, start_server
from harness import Context, Figure, Measurement, Skip, Target, benchmark, median
from lspclient import LspClient, LspError, file_uri, read_rss_kib
from workspace import git_dir, git_repo, python_lines

COUNTS = (0, 1_000, 5_000, 10_000, 50_000)
OPEN_TIMEOUT = 200.0  # seconds: the slowest didOpen measured before issue 13 took 142 s
SLOW_OPEN = 10.0  # seconds: a didOpen this slow is measured once, not again
KEYSTROKE_TIMEOUT = 60.0


def lines_for(count: int) -> int:
    """10,000 lines, or three per region when there are more regions than a third of that
    (two-line regions with a human line between each two)."""
    return max(10_000, 3 * count)


def spans_for(count: int) -> list[tuple[int, int]]:
    """``count`` two-line regions spread evenly over the file (0-based, half-open), each
    after a human line."""
    if count == 0:
        return []
    step = lines_for(count) // count
    return [(index * step + 1, index * step + 3) for index in range(count)]


def seed_store(store_file: Path, key: str, text: str, spans: list[tuple[int, int]]) -> float:
    """Write the regions into the store the server will open, in one transaction (the
    store's own ``restore``); returns the seconds it took."""
    from ownit.core.fingerprint import fingerprint
    from ownit.core.model import Region, RegionState, Source
    from ownit.core.text import TextBuffer
    from ownit.store import Store

    started = time.perf_counter()
    buffer = TextBuffer(text)
    created = time.time() - 600.0  # "10 min ago": a fixed age during the run
    held = [
        (
            RegionState(
                Region(
                    id=f"g{index:07d}",
                    path=key,
                    first_line=first,
                    end_line=end,
                    tool="copilot",
                    source=Source.INLINE_COMPLETION,
                    created_at=created,
                    fingerprint=fingerprint(buffer.contents(first, end)),
                    confidence=0.95,
                )
            ),
            text,
        )
        for index, (first, end) in enumerate(spans)
    ]
    store_file.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(store_file)
    try:
        store.restore(held)
    finally:
        store.close()
    return time.perf_counter() - started


def raw_diagnostics(path: Path, lines: list[str], spans: list[tuple[int, int]]) -> Path:
    """The diagnostics ownit publishes for ``spans`` (their shape and size: unowned, one
    tool, one age), as the one JSON array text the raw floor server writes."""
    items = [
        json.dumps(
            {
                "range": {
                    "start": {"line": first, "character": 0},
                    "end": {"line": end - 1, "character": len(lines[end - 1])},
                },
                "severity": 2,
                "code": "unowned-ai",
                "source": "ownit",
                "message": "AI-written (copilot, 10 min ago) — not yet owned",
                "data": {"regionId": f"g{index:07d}", "evidence": "exact"},
            }
        )
        for index, (first, end) in enumerate(spans)
    ]
    path.write_text("[" + ",".join(items) + "]", encoding="utf-8")
    return path


@dataclass
class Row:
    """What one region count measured (milliseconds, MiB)."""

    count: int
    lines: int
    open_ms: dict[str, list[float]] = field(default_factory=dict)
    keystroke_ms: dict[str, list[float]] = field(default_factory=dict)
    newline_ms: dict[str, list[float]] = field(default_factory=dict)
    rss_mib: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timed_out: bool = False  # ownit's didOpen gave no diagnostics within OPEN_TIMEOUT


class Server:
    """One server with the document; counts its own versions."""

    def __init__(self, ctx: Context, which: str, root: Path, extra: tuple[str, ...] = ()):
        self.which = which
        self.client: LspClient = start_server(ctx, which, root, "growth", extra_argv=extra)
        self.version = 0
        self.open_count = 0

    def _wait_publish(self, uri: str, version: int, want: int | None, timeout: float) -> float:
        def matches(params: Any) -> bool:
            if not isinstance(params, dict) or params.get("uri") != uri:
                return False
            if params.get("version") != version:
                return False
            return want is None or len(params.get("diagnostics", ())) == want

        try:
            return self.client.wait_notification(
                "textDocument/publishDiagnostics", matches, timeout
            ).arrived
        except LspError as error:
            raise RuntimeError(f"{self.which}: {error}\n{self.client.stderr_tail()}") from error

    def open(self, uri: str, text: str, want: int | None) -> float:
        """didOpen → the publish holding ``want`` diagnostics (None: any) for version 1, ms."""
        if self.open_count:
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            # The close is answered by nothing but (maybe) a clearing publish: a hover
            # behind it returns once it has been handled.
            request_id, _ = self.client.send_request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
            )
            self.client.wait_response(request_id, KEYSTROKE_TIMEOUT)
        self.open_count += 1
        self.version = 1
        self.client.drain()
        sent = self.client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        arrived = self._wait_publish(uri, 1, want, OPEN_TIMEOUT)
        return (arrived - sent) * 1000.0

    def change(self, uri: str, line: int, character: int, text: str) -> float:
        self.version += 1
        self.client.drain()
        position = {"line": line, "character": character}
        return self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": self.version},
                "contentChanges": [{"range": {"start": position, "end": position}, "text": text}],
            },
        )

    def keystroke(self, uri: str, line: int, character: int, text: str) -> float:
        """didChange, then a hover right behind it: its answer means the edit (and the
        diagnostics it caused) was handled. ms."""
        sent = self.change(uri, line, character, text)
        request_id, _ = self.client.send_request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": 0}},
        )
        try:
            answer = self.client.wait_response(request_id, KEYSTROKE_TIMEOUT)
        except LspError as error:
            raise RuntimeError(f"{self.which}: {error}\n{self.client.stderr_tail()}") from error
        return (answer.arrived - sent) * 1000.0

    def newline_at_top(self, uri: str, want: int | None) -> float:
        """A new line above everything: every diagnostic moves. didChange → its publish, ms."""
        sent = self.change(uri, 0, 0, "\n")
        arrived = self._wait_publish(uri, self.version, want, KEYSTROKE_TIMEOUT)
        return (arrived - sent) * 1000.0


def measure_count(ctx: Context, count: int) -> Row:
    lines = python_lines(lines_for(count), seed="g")
    text = "\n".join(lines) + "\n"
    row = Row(count, len(lines))
    root = git_repo(ctx, f"growth-{count}", {"src/module.py": text})
    uri = file_uri(root / "src" / "module.py")
    spans = spans_for(count)
    if count and not ctx.self_check:
        seconds = seed_store(
            git_dir(ctx, root) / "ownit" / "state.db", "src/module.py", text, spans
        )
        row.notes.append(f"{count:,} regions stored in {seconds:.1f} s")
    servers: dict[str, Server] = {}
    try:
        servers["ownit"] = Server(ctx, "ownit", root)
        servers["bare"] = Server(ctx, "bare", root)
        servers["reference"] = Server(ctx, "bare", root, ("--diagnostics", str(count)))
        # (named relative to the servers' directory: the name goes into its stderr file's)
        raw = raw_diagnostics(root / "raw-diagnostics.json", lines, spans)
        servers["raw"] = Server(ctx, "bare", root, ("--raw-diagnostics", raw.name))
        want = {
            "ownit": count if not ctx.self_check else 0,
            "bare": 0,
            "reference": count,
            "raw": count,
        }

        # didOpen, regions already stored (the first one is counted: nothing is warm but
        # the file cache; a server that takes over SLOW_OPEN seconds is not asked again).
        # The reference's didOpen (the bare server publishing as many diagnostics) is the
        # floor for ownit's: what serializing and sending that publish costs alone.
        opens = ctx.reps(5)
        for index in range(opens):
            order = ("ownit", "bare", "reference", "raw")
            for which in order if index % 2 else order[::-1]:
                if index and which == "ownit" and max(row.open_ms["ownit"]) > SLOW_OPEN * 1000:
                    continue
                try:
                    elapsed = servers[which].open(uri, text, want[which])
                except RuntimeError:
                    if which != "ownit":
                        raise
                    # Printed as a lower bound; the rest of this row cannot be measured.
                    row.open_ms.setdefault(which, []).append(OPEN_TIMEOUT * 1000)
                    row.notes.append(f"ownit didOpen: no diagnostics within {OPEN_TIMEOUT:.0f} s")
                    row.timed_out = True
                    return row
                row.open_ms.setdefault(which, []).append(elapsed)

        # Keystrokes: on a human line between regions, then at the end of a region's first
        # line (inside it; its diagnostic ends on its last line, so nothing it shows moves).
        middle = spans[len(spans) // 2][0] if spans else len(lines) // 2
        targets = [middle - 1 if count else middle, middle]
        strokes = ctx.reps(40)
        typed = {which: 0 for which in ("ownit", "bare")}
        widths = {which: list(map(len, lines)) for which in ("ownit", "bare")}
        for index in range(8 + strokes):  # 8 uncounted
            line = targets[index % 2]
            order = ("ownit", "bare") if index % 2 else ("bare", "ownit")
            for which in order:
                character = WORDS[typed[which] % len(WORDS)]
                typed[which] += 1
                elapsed = servers[which].keystroke(uri, line, widths[which][line], character)
                widths[which][line] += 1
                if index >= 8:
                    row.keystroke_ms.setdefault(which, []).append(elapsed)
                time.sleep(KEYSTROKE_GAP)

        # A new line at the top: every region's diagnostic moves (nothing to move at 0).
        if count:
            for index in range(2 + ctx.reps(12)):
                order = ("ownit", "bare", "reference")
                for which in order if index % 2 else order[::-1]:
                    elapsed = servers[which].newline_at_top(uri, want[which])
                    if index >= 2:
                        row.newline_ms.setdefault(which, []).append(elapsed)
                    time.sleep(KEYSTROKE_GAP)

        time.sleep(0.5)
        for which in ("ownit", "bare"):
            servers[which].client.drain()
            row.rss_mib[which] = read_rss_kib(servers[which].client.pid)[0] / 1024.0
    except OSError as error:
        raise RuntimeError(f"{count} regions: {error}") from error
    finally:
        for server in servers.values():
            server.client.close()
    return row


_ROWS: dict[int, list[Row]] = {}


def rows(ctx: Context) -> list[Row]:
    """Every count measured once per run, shared by the four growth figures."""
    key = id(ctx)
    if key not in _ROWS:
        if not Path("/proc/self/status").exists():
            raise Skip("needs /proc/PID/status (Linux)")
        measured = []
        for count in COUNTS:
            started = time.perf_counter()
            measured.append(measure_count(ctx, count))
            print(f"    (measured {count:,} regions in {time.perf_counter() - started:.0f} s)")
            sys.stdout.flush()
        _ROWS[key] = measured
    return _ROWS[key]


def curve(
    ctx: Context,
    pick: str,
    subject: str,
    baseline: str,
    target: float,
    goal_ms: dict[int, float] | None = None,
) -> Figure:
    """The figure for one curve: a line per count, the headline is the worst ratio."""
    table = rows(ctx)
    notes: list[str] = []
    worst: tuple[float, Measurement, Measurement] | None = None
    unit = "MiB" if pick == "rss_mib" else "ms"
    for row in table:
        values = getattr(row, pick)
        if subject not in values or baseline not in values:
            why = "; ".join(row.notes[-1:]) if row.timed_out else "nothing to measure"
            notes.append(f"{row.count:>6,} regions: {why}")
            continue
        a, b = values[subject], values[baseline]
        a_list = a if isinstance(a, list) else [a]
        b_list = b if isinstance(b, list) else [b]
        ratio = median(a_list) / median(b_list) if median(b_list) > 0 else float("inf")
        verdict = "within target" if ratio <= target else "OVER TARGET"
        bound = "> " if row.timed_out and pick == "open_ms" else ""
        line = (
            f"{row.count:>6,} regions, {row.lines:,} lines: {subject} {bound}"
            f"{median(a_list):.2f} {unit}"
            f" (n={len(a_list)}), {baseline} {median(b_list):.2f} {unit}: {ratio:.2f}×"
            f" (≤ {target:g}×: {verdict})"
        )
        if goal_ms and row.count in goal_ms:
            goal = goal_ms[row.count]
            met = "met" if median(a_list) <= goal else "NOT MET"
            line += f"; goal ≤ {goal:g} ms: {met}"
        notes.append(line)
        if worst is None or ratio > worst[0]:
            worst = (
                ratio,
                Measurement(f"ownit @ {row.count:,}", a_list, unit),
                Measurement(f"{baseline} @ {row.count:,}", b_list, unit),
            )
    if worst is None:
        raise Skip("no region count had anything to measure")
    return Figure(baseline=worst[2], subject=worst[1], notes=notes)


@benchmark(
    "growth-open",
    "didOpen → first diagnostics with the regions already stored, by region count",
    needs=("lsp",),
    target=Target.ratio(10.0),
)
def bench_growth_open(ctx: Context) -> Figure:
    # The goals are absolute (≤ 50 ms at 10k regions, ≤ 250 ms at 50k regions in
    # 100k lines); the ratio against a bare didOpen is printed too.
    figure = curve(ctx, "open_ms", "ownit", "bare", 10.0, {10_000: 50.0, 50_000: 250.0})
    for row in rows(ctx):
        ours, floor = row.open_ms.get("ownit"), row.open_ms.get("reference")
        raw = row.open_ms.get("raw")
        if row.count and ours and floor and raw and not row.timed_out:
            figure.notes.append(
                f"{row.count:>6,} regions: floors (bare server publishing {row.count:,}"
                f" diagnostics at didOpen) through pygls {median(floor):.2f} ms, as one"
                f" pre-made JSON text {median(raw):.2f} ms; ownit {median(ours):.2f} ms ="
                f" {median(ours) / median(floor):.2f}× / {median(ours) / median(raw):.2f}×"
                " those floors"
            )
    figure.notes.append(
        "opened, closed and opened again in the same servers; bare publishes an empty list"
    )
    return figure


@benchmark(
    "growth-keystroke",
    "keystroke round trip (didChange, then a hover answered) by region count",
    needs=("lsp",),
    target=Target.ratio(1.1),
)
def bench_growth_keystroke(ctx: Context) -> Figure:
    figure = curve(ctx, "keystroke_ms", "ownit", "bare", 1.1)
    figure.notes.append(
        "half on a human line between two regions, half inside one; servers alternate"
    )
    return figure


@benchmark(
    "growth-newline",
    "a new line at the top (every diagnostic moves) → its publish, by region count",
    needs=("lsp",),
    target=Target.ratio(1.2),
)
def bench_growth_newline(ctx: Context) -> Figure:
    figure = curve(ctx, "newline_ms", "ownit", "reference", 1.2)
    figure.notes.append(
        "the baseline is the bare pygls server publishing as many fixed diagnostics"
    )
    return figure


@benchmark(
    "growth-rss",
    "resident memory (VmRSS) holding the document, by region count",
    needs=("lsp",),
    target=Target.ratio(1.5),
)
def bench_growth_rss(ctx: Context) -> Figure:
    figure = curve(ctx, "rss_mib", "ownit", "bare", 1.5)
    figure.notes.append("goal ≤ 1.3× at 10k regions, ≤ 1.5× at 50k; read after the keystrokes")
    return figure
