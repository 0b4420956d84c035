"""Language-server figures (issue 2): start-up, keystroke round trip, resident memory.

Each compares `ownit lsp` with `bare_server.py` (a bare pygls server with incremental sync)
driven by the same client, over the same documents, in the same run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from harness import Context, Figure, Measurement, Skip, Target, benchmark, median, percentile
from lspclient import Incoming, LspClient, LspError, file_uri, initialize_params, read_rss_kib
from workspace import git_dir, git_repo, python_lines

# Sizes fixed by issue 2.
ROUNDTRIP_LINES = 10_000
ROUNDTRIP_REGIONS = 500
MEMORY_REGIONS = 10_000
MEMORY_LINES = 2 * MEMORY_REGIONS  # one-line regions with a human line between them

KEYSTROKE_GAP = 0.02  # seconds between keystrokes after each answer (lets stray output drain)
DIAGNOSTICS_TIMEOUT = 60.0
SEED_WINDOW = 32  # markAi requests in flight at once
SEED_TIMEOUT = 150.0  # seconds for all markAi requests of one session

WORDS = "value = compute(total, limit) if ready else None  # adjusted "


# -- sessions --------------------------------------------------------------------------------


def start_server(
    ctx: Context,
    which: str,
    root: Path,
    tag: str,
    *,
    pull_diagnostics: bool = False,
    extra_argv: tuple[str, ...] = (),
) -> LspClient:
    """Spawn ``which`` ("ownit" or "bare") in ``root`` and complete the initialize handshake;
    the server's capabilities are kept in ``client.server_capabilities``."""
    client = LspClient(
        [*ctx.lsp_argv(which), *extra_argv],
        cwd=root,
        env=ctx.env,
        stderr_path=ctx.tmp / f"{tag}-{which}{'-'.join(('', *extra_argv))}.stderr",
    )
    try:
        params = initialize_params(root, pull_diagnostics=pull_diagnostics)
        result = client.request("initialize", params, timeout=60)
        if isinstance(result, dict):
            client.server_capabilities = result.get("capabilities") or {}
        client.notify("initialized", {})
    except LspError as error:
        tail = client.stderr_tail()
        client.close()
        raise RuntimeError(f"{which} server failed to initialize: {error}\n{tail}") from error
    return client


def wait_diagnostics(client: LspClient, uri: str, version: int) -> Incoming:
    """The first publishDiagnostics for ``uri`` at ``version`` or later (a server that does
    not send versions is taken at its first publish)."""

    def matches(params: Any) -> bool:
        if not isinstance(params, dict) or params.get("uri") != uri:
            return False
        published = params.get("version")
        return published is None or published >= version

    try:
        incoming = client.wait_notification(
            "textDocument/publishDiagnostics", matches, DIAGNOSTICS_TIMEOUT
        )
    except LspError as error:
        raise RuntimeError(f"{error}\n{client.stderr_tail()}") from error
    return incoming


def open_document(client: LspClient, uri: str, text: str) -> None:
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    wait_diagnostics(client, uri, 1)


def pipeline(
    client: LspClient, requests: list[tuple[str, Any]], what: str
) -> tuple[list[Any], list[str]]:
    """Send ``requests`` with ``SEED_WINDOW`` in flight; returns (the successful results in
    order, distinct error messages). Bounded by ``SEED_TIMEOUT``."""
    deadline = time.monotonic() + SEED_TIMEOUT
    pending: list[int] = []
    results: list[Any] = []
    errors: list[str] = []

    def settle_one() -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError(f"{len(requests)} {what} took over {SEED_TIMEOUT:.0f} s")
        incoming = client.wait_response(pending.pop(0), remaining)
        error = incoming.message.get("error")
        if error is None:
            results.append(incoming.message.get("result"))
        elif str(error.get("message")) not in errors:
            errors.append(str(error.get("message")))
        client.drain()  # each command may publish diagnostics: keep the queue small

    for method, params in requests:
        if len(pending) >= SEED_WINDOW:
            settle_one()
        request_id, _ = client.send_request(method, params)
        pending.append(request_id)
    while pending:
        settle_one()
    return results, errors


def execute(command: str, argument: dict[str, Any]) -> tuple[str, Any]:
    return "workspace/executeCommand", {"command": command, "arguments": [argument]}


def mark_regions(
    client: LspClient, uri: str, spans: list[tuple[int, int]], tool: str = "copilot"
) -> tuple[list[Any], list[str]]:
    """``ownit.markAi`` for each 0-based half-open line span; returns (region ids, errors)."""
    requests = [
        execute(
            "ownit.markAi",
            {
                "uri": uri,
                "range": {
                    "start": {"line": first, "character": 0},
                    "end": {"line": end, "character": 0},
                },
                "tool": tool,
            },
        )
        for first, end in spans
    ]
    results, errors = pipeline(client, requests, "ownit.markAi requests")
    ids = [result.get("regionId") if isinstance(result, dict) else None for result in results]
    return ids, errors


def seed_and_open(
    ctx: Context, client: LspClient, which: str, uri: str, text: str, spans: list[tuple[int, int]]
) -> list[str]:
    """Open the document holding ``spans`` as AI regions; returns notes for the report.

    Regions are marked before the document is opened when the server accepts that (each
    mark then publishes nothing), else after opening it. The bare server gets no regions.
    """
    notes: list[str] = []
    if which == "bare" or ctx.self_check or not spans:
        open_document(client, uri, text)
        if ctx.self_check and which == "ownit":
            notes.append("self-check: bare server on both sides, no regions marked")
        return notes
    started = time.perf_counter()
    ids, errors = mark_regions(client, uri, spans[:1])
    if ids:
        more, errors = mark_regions(client, uri, spans[1:])
        created = len(ids) + len(more)
        open_document(client, uri, text)
        how = "before didOpen"
    else:
        open_document(client, uri, text)
        client.drain()
        ids, errors = mark_regions(client, uri, spans)
        created = len(ids)
        how = "after didOpen"
    seconds = time.perf_counter() - started
    notes.append(f"{created}/{len(spans)} regions marked via ownit.markAi {how} in {seconds:.1f} s")
    if errors:
        notes.append("markAi errors: " + "; ".join(errors[:3]))
    if created == 0:
        raise RuntimeError("ownit.markAi created no region: " + "; ".join(errors[:3]))
    return notes


# -- start-up ----------------------------------------------------------------------------------


@benchmark(
    "startup",
    "process start to the initialize response",
    needs=("lsp",),
    target=Target.ratio(1.3),
)
def bench_startup(ctx: Context) -> Figure:
    root = git_repo(ctx, "startup", {"src/app.py": "\n".join(python_lines(200)) + "\n"})
    samples: dict[str, list[float]] = {"ownit": [], "bare": []}
    runs = ctx.reps(10)
    for index in range(runs + 1):  # run 0 warms the OS file cache and is not counted
        order = ("ownit", "bare") if index % 2 else ("bare", "ownit")
        for which in order:
            client = LspClient(
                ctx.lsp_argv(which),
                cwd=root,
                env=ctx.env,
                stderr_path=ctx.tmp / f"startup-{which}.stderr",
            )
            try:
                request_id, _ = client.send_request("initialize", initialize_params(root))
                incoming = client.wait_response(request_id, 60)
                if incoming.message.get("error") is not None:
                    raise RuntimeError(f"{which}: initialize failed: {incoming.message['error']}")
                if index:
                    samples[which].append((incoming.arrived - client.spawned) * 1000.0)
                client.notify("initialized", {})
            except LspError as error:
                raise RuntimeError(f"{which}: {error}\n{client.stderr_tail()}") from error
            finally:
                client.close()
    return Figure(
        baseline=Measurement("bare pygls", samples["bare"], "ms"),
        subject=Measurement("ownit lsp", samples["ownit"], "ms"),
        notes=[f"{runs} runs each, alternating order, after one uncounted warm-up run"],
    )


# -- keystroke round trip ----------------------------------------------------------------------


def _roundtrip_spans() -> list[tuple[int, int]]:
    step = ROUNDTRIP_LINES // ROUNDTRIP_REGIONS  # 20
    return [(index * step + 5, index * step + 10) for index in range(ROUNDTRIP_REGIONS)]


class Typist:
    """One server with the big document open; types one character at a time."""

    def __init__(self, ctx: Context, which: str, extra_argv: tuple[str, ...] = ()) -> None:
        self.which = which
        self.lines = python_lines(ROUNDTRIP_LINES)
        self.root = git_repo(
            ctx, f"roundtrip-{which}", {"src/big_module.py": "\n".join(self.lines) + "\n"}
        )
        path = self.root / "src" / "big_module.py"
        self.uri = file_uri(path)
        self.version = 1
        self.typed = 0
        self.last_publish: Incoming | None = None
        self.client = start_server(ctx, which, self.root, "roundtrip", extra_argv=extra_argv)
        try:
            spans = [] if extra_argv else _roundtrip_spans()
            self.notes = seed_and_open(
                ctx, self.client, which, self.uri, path.read_text("utf-8"), spans
            )
        except BaseException:
            self.client.close()
            raise

    def keystroke(self, line: int) -> float:
        """Append one character to ``line``; the round trip in ms: from the didChange to
        the answer to a hover sent right behind it (the server handles messages in order,
        so the answer means the edit is fully processed, diagnostics included)."""
        self.version += 1
        character = WORDS[self.typed % len(WORDS)]
        self.typed += 1
        # ASCII text: code points == UTF-16 units
        position = {"line": line, "character": len(self.lines[line])}
        self.lines[line] += character
        self.client.drain()
        try:
            sent = self.client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": self.uri, "version": self.version},
                    "contentChanges": [
                        {"range": {"start": position, "end": position}, "text": character}
                    ],
                },
            )
            request_id, _ = self.client.send_request(
                "textDocument/hover",
                {"textDocument": {"uri": self.uri}, "position": position},
            )
            answer = self.client.wait_response(request_id, DIAGNOSTICS_TIMEOUT)
        except (OSError, LspError) as error:
            raise RuntimeError(f"{self.which}: {error}\n{self.client.stderr_tail()}") from error
        return (answer.arrived - sent) * 1000.0

    def new_line_at_top(self) -> float:
        """Insert a line above every region: each diagnostic moves, so every server must
        publish; the round trip in ms from the didChange to that publishDiagnostics."""
        self.version += 1
        self.lines.insert(0, "")
        start = {"line": 0, "character": 0}
        self.client.drain()
        sent = self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [{"range": {"start": start, "end": start}, "text": "\n"}],
            },
        )
        incoming = wait_diagnostics(self.client, self.uri, self.version)
        self.last_publish = incoming
        return (incoming.arrived - sent) * 1000.0


@benchmark(
    "roundtrip",
    f"keystroke round trip (didChange, then a hover answered), {ROUNDTRIP_LINES:,}-line file, "
    f"{ROUNDTRIP_REGIONS} regions",
    needs=("lsp",),
    target=Target.ratio(1.2),
)
def bench_roundtrip(ctx: Context) -> Figure:
    typists = {"bare": Typist(ctx, "bare")}
    try:
        typists["ownit"] = Typist(ctx, "ownit")
        # A reference, not the baseline: the bare server publishing as many diagnostics.
        reference = ("--diagnostics", str(ROUNDTRIP_REGIONS))
        typists["bare+diagnostics"] = Typist(ctx, "bare", reference)
        spans = _roundtrip_spans()
        middle = spans[len(spans) // 2]
        strokes = ctx.reps(150)
        phases = [
            ("warm-up", 2, 10),
            ("outside-region", middle[0] - 3, strokes),  # a human line between two regions
            ("inside-region", middle[0] + 1, strokes),  # inside a region: it grows
        ]
        samples: dict[str, dict[str, list[float]]] = {name: {} for name in typists}
        for phase, line, count in phases:
            for index in range(count):
                # All servers are up; the keystrokes rotate among them (and the order flips
                # each time), so drift on the machine affects all alike.
                order = ("ownit", "bare", "bare+diagnostics")
                for which in order if index % 2 else order[::-1]:
                    elapsed = typists[which].keystroke(line)
                    samples[which].setdefault(phase, []).append(elapsed)
                    time.sleep(KEYSTROKE_GAP)
        notes = typists["ownit"].notes
        if not ctx.self_check:
            store = git_dir(ctx, typists["ownit"].root) / "ownit" / "state.db"
            if store.exists():
                size = store.stat().st_size // 1024
                notes.append(f"store at <git-dir>/ownit/state.db ({size} KiB)")
            else:
                notes.append("WARNING: no store at <git-dir>/ownit/state.db")
    finally:
        for typist in typists.values():
            typist.client.close()
    notes.append(
        f"{strokes} single-character edits outside a region, then {strokes} inside one, "
        f"after 10 uncounted; keystrokes rotate among the three running servers, "
        f"{KEYSTROKE_GAP * 1000:.0f} ms pause after each answer; ownit publishes diagnostics "
        "only when they changed (a keystroke beside a region does not move it), the bare "
        "server after every change"
    )

    reference_measurement = measurement_of(samples["bare+diagnostics"], "reference")
    notes.append(
        f"reference: bare pygls publishing {ROUNDTRIP_REGIONS} fixed diagnostics per keystroke: "
        f"median {reference_measurement.central:.2f} ms, p95 "
        f"{percentile(reference_measurement.samples, 0.95):.2f} ms; ownit / reference = "
        f"{median(all_counted(samples['ownit'])) / reference_measurement.central:.2f}×"
    )
    return Figure(
        baseline=measurement_of(samples["bare"], "bare pygls"),
        subject=measurement_of(samples["ownit"], "ownit lsp"),
        show_p95=True,
        notes=notes,
    )


@benchmark(
    "publish",
    f"didChange→publishDiagnostics when all {ROUNDTRIP_REGIONS} regions move "
    f"(a new line at the top), {ROUNDTRIP_LINES:,}-line file",
    needs=("lsp",),
    target=Target.ratio(1.2),
)
def bench_publish(ctx: Context) -> Figure:
    typists = {"bare": Typist(ctx, "bare")}
    samples: dict[str, list[float]] = {}
    try:
        typists["ownit"] = Typist(ctx, "ownit")
        reference = ("--diagnostics", str(ROUNDTRIP_REGIONS))
        typists["bare+diagnostics"] = Typist(ctx, "bare", reference)
        order = ("ownit", "bare", "bare+diagnostics")
        for index in range(5 + ctx.reps(60)):
            for which in order if index % 2 else order[::-1]:
                elapsed = typists[which].new_line_at_top()
                if index >= 5:
                    samples.setdefault(which, []).append(elapsed)
                time.sleep(KEYSTROKE_GAP)
        notes = []
        for which in order:
            last = typists[which].last_publish
            if last is not None:
                params = last.message.get("params", {})
                count = len(params.get("diagnostics", []))
                notes.append(
                    f"{which} publishes {count} diagnostics ({last.size / 1024:.1f} KiB of JSON)"
                )
    finally:
        for typist in typists.values():
            typist.client.close()
    reference_median = median(samples["bare+diagnostics"])
    notes.append(
        f"reference: bare pygls publishing {ROUNDTRIP_REGIONS} fixed diagnostics: median "
        f"{reference_median:.2f} ms; ownit / reference = "
        f"{median(samples['ownit']) / reference_median:.2f}× — the rest of the gap to the bare "
        "baseline is the size of the message itself"
    )
    return Figure(
        baseline=Measurement("bare pygls", samples["bare"], "ms"),
        subject=Measurement("ownit lsp", samples["ownit"], "ms"),
        show_p95=True,
        notes=notes,
    )


def all_counted(phases: dict[str, list[float]]) -> list[float]:
    return phases["outside-region"] + phases["inside-region"]


def measurement_of(phases: dict[str, list[float]], label: str) -> Measurement:
    extra = {f"{name} median": median(phases[name]) for name in ("outside-region", "inside-region")}
    return Measurement(label, all_counted(phases), "ms", extra)


# -- resident memory ---------------------------------------------------------------------------


def _memory_seed_pull(ctx: Context, client: LspClient, uri: str, text: str) -> list[str]:
    """Open, mark every region, then pull the document's diagnostics once (so the server
    has computed them). With pull diagnostics a mark does not push the whole list again,
    which would make marking 10,000 regions quadratic."""
    spans = [(2 * index + 1, 2 * index + 2) for index in range(MEMORY_REGIONS)]
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    started = time.perf_counter()
    ids, errors = mark_regions(client, uri, spans)
    seconds = time.perf_counter() - started
    report = client.request(
        "textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=DIAGNOSTICS_TIMEOUT
    )
    items = report.get("items", []) if isinstance(report, dict) else []
    notes = [
        f"{len(ids)}/{len(spans)} regions marked via ownit.markAi after didOpen in "
        f"{seconds:.1f} s (client offers pull diagnostics: {len(items)} items pulled)"
    ]
    if errors:
        notes.append("markAi errors: " + "; ".join(errors[:3]))
    if not ids:
        raise RuntimeError("ownit.markAi created no region: " + "; ".join(errors[:3]))
    return notes


def memory_session(ctx: Context, which: str) -> tuple[list[float], dict[str, float], list[str]]:
    lines = python_lines(MEMORY_LINES, seed="r")
    root = git_repo(ctx, f"memory-{which}", {"src/huge.py": "\n".join(lines) + "\n"})
    path = root / "src" / "huge.py"
    uri = file_uri(path)
    text = path.read_text("utf-8")
    seeding = which == "ownit" and not ctx.self_check
    client = start_server(ctx, which, root, "memory", pull_diagnostics=seeding)
    try:
        if seeding and "diagnosticProvider" in client.server_capabilities:
            notes = _memory_seed_pull(ctx, client, uri, text)
        else:
            spans = [(2 * index + 1, 2 * index + 2) for index in range(MEMORY_REGIONS)]
            notes = seed_and_open(ctx, client, which, uri, text, spans)
        client.drain()
        readings: list[float] = []
        peak = 0.0
        for _ in range(3):
            time.sleep(0.5)
            rss, hwm = read_rss_kib(client.pid)
            readings.append(rss / 1024.0)
            peak = max(peak, hwm / 1024.0)
    except (LspError, OSError, KeyError) as error:
        raise RuntimeError(f"{which}: {error}\n{client.stderr_tail()}") from error
    finally:
        client.close()
    return readings, {"peak (VmHWM)": peak}, notes


@benchmark(
    "memory",
    f"resident memory (VmRSS) holding a {MEMORY_LINES:,}-line file with {MEMORY_REGIONS:,} regions",
    needs=("lsp",),
    target=Target.ratio(1.5),
)
def bench_memory(ctx: Context) -> Figure:
    if not Path("/proc/self/status").exists():
        raise Skip("needs /proc/PID/status (Linux)")
    base, base_extra, _ = memory_session(ctx, "bare")
    subject, extra, notes = memory_session(ctx, "ownit")
    notes.append("3 readings 0.5 s apart after the document's diagnostics arrived")
    return Figure(
        baseline=Measurement("bare pygls", base, "MiB", base_extra),
        subject=Measurement("ownit lsp", subject, "MiB", extra),
        notes=notes,
    )
