"""CLI figures (issue 13): verify, report and blame on a generated history of 10,000
commits over long-lived files (``history_repo.py``), the commit hook at 1 / 50 / 500
files, each as a ratio against its floor measured in the same run:

- verify / report: the exact git plumbing the verb runs (recorded once through a ``git``
  shim, then replayed alone by ``sh``: ``plumbing.py``);
- blame: ``git blame --porcelain`` of the same file (the claim index cached: the warm-up
  run builds it);
- hook: ``git commit --no-verify`` with no hooks at all.

Wall time is the figure; CPU time (user + system of the whole process tree) and peak RSS
are printed as notes, since on a busy machine CPU time is the steadier of the two.
"""

from __future__ import annotations

from harness import Context, Figure, Measurement, Target, benchmark, median
from history_repo import EMAIL, RATIONALE, history_repo
from plumbing import compare, describe, peak_kib, record_git, replay_script, timed
from workspace import git_repo, python_lines


def _ratio_note(label: str, cpu: dict[str, list[float]], subject: str, base: str) -> str:
    a, b = median(cpu[subject]), median(cpu[base])
    return f"{label}: CPU {a:.0f} ms vs {b:.0f} ms = {a / b:.2f}×" if b else f"{label}: CPU n/a"


def _plumbing_figure(ctx: Context, verb: str, argv: list[str], ok: tuple[int, ...]) -> Figure:
    history = history_repo(ctx, ctx.history_commits)
    root = history.root
    # once untimed: caches warmed (the claim index, the OS's), the git calls recorded
    calls = record_git(ctx, argv, root, verb, ok_codes=ok)
    replay = replay_script(ctx, calls, verb)
    wall, cpu = compare(
        ctx, {"ownit": argv, "git": replay}, root, reps=ctx.reps(4), ok_codes={"ownit": ok}
    )
    ownit_peak = peak_kib(ctx, argv, root, ok)
    git_peak = peak_kib(ctx, replay, root, (0,))
    return Figure(
        baseline=Measurement("git plumbing", wall["git"], "ms"),
        subject=Measurement(f"ownit {verb}", wall["ownit"], "ms"),
        notes=[
            f"{history.commits:,} commits ({history.ai_commits:,} AI-assisted, "
            f"{history.unclaimed:,} of them without a claim), "
            f"{history.long_touches:,} of them on 3 files of 1.2k–3k lines",
            f"floor: the {len(calls)} git calls {verb} makes ({describe(calls)}), replayed "
            "one after the other with the same stdin",
            _ratio_note("cpu", cpu, "ownit", "git"),
            f"peak RSS: ownit {ownit_peak / 1024:.0f} MiB, git {git_peak / 1024:.0f} MiB "
            f"= {ownit_peak / max(git_peak, 1):.2f}× (goal ≤ 1.5×)",
        ],
    )


@benchmark(
    "verify",
    "ownit verify --all on a generated 10,000-commit history vs the git plumbing it runs",
    needs=("verify",),
    target=Target.ratio(1.5),
)
def bench_verify(ctx: Context) -> Figure:
    return _plumbing_figure(ctx, "verify", [*ctx.ownit, "verify", "--all"], (0, 1))


@benchmark(
    "report",
    "ownit report (all history) on the same history vs the git plumbing it runs",
    needs=("report",),
    target=Target.ratio(1.5),
)
def bench_report(ctx: Context) -> Figure:
    return _plumbing_figure(ctx, "report", [*ctx.ownit, "report"], (0,))


@benchmark(
    "blame",
    "ownit blame vs git blame --porcelain, 3 long-lived files of the generated history",
    needs=("blame",),
    target=Target.ratio(1.2),
)
def bench_blame(ctx: Context) -> Figure:
    history = history_repo(ctx, ctx.history_commits)
    root = history.root
    commands: dict[str, list[str]] = {}
    for path in history.long_files:
        commands[f"ownit {path}"] = [*ctx.ownit, "blame", path]
        commands[f"git {path}"] = ["git", "blame", "--porcelain", path]
        commands[f"wrapper {path}"] = [str(ctx.python), "-c", _BLAME_WRAPPER, path]
    wall, cpu = compare(ctx, commands, root, reps=ctx.reps(4))
    rounds = min(len(samples) for samples in wall.values())
    ours = [sum(wall[f"ownit {p}"][i] for p in history.long_files) for i in range(rounds)]
    theirs = [sum(wall[f"git {p}"][i] for p in history.long_files) for i in range(rounds)]
    wrapped = [sum(wall[f"wrapper {p}"][i] for p in history.long_files) for i in range(rounds)]
    notes = [
        f"{history.commits:,}-commit history; each file rewritten in hunks by "
        f"~{history.long_touches // 3} commits; figures are the three files' sum; "
        "the claim index is cached (built by the warm-up run)",
        f"floor of any Python command around git blame (the interpreter starts, runs git "
        f"blame --porcelain and reads its output, nothing else): {median(wrapped):.0f} ms "
        f"= {median(wrapped) / median(theirs):.2f}× git; ownit / that floor "
        f"{median(ours) / median(wrapped):.2f}×",
    ]
    for path in history.long_files:
        lines = len((root / path).read_text("utf-8").splitlines())
        a, b = median(wall[f"ownit {path}"]), median(wall[f"git {path}"])
        notes.append(
            f"{path} ({lines:,} lines): {a:.0f} ms vs {b:.0f} ms = {a / b:.2f}× "
            + _ratio_note("", cpu, f"ownit {path}", f"git {path}").lstrip(": ")
        )
    return Figure(
        baseline=Measurement("git blame --porcelain", theirs, "ms"),
        subject=Measurement("ownit blame", ours, "ms"),
        notes=notes,
    )


_BLAME_WRAPPER = """
import subprocess, sys
subprocess.run(["git", "blame", "--porcelain", "--", sys.argv[1]], stdout=subprocess.PIPE)
"""


# -- the commit hook at 1 / 50 / 500 files -----------------------------------------------------

HOOK_CLAIMS_PER_FILE = 4
HOOK_BASE_LINES = 60
HOOK_NEW_LINES = 40

_SEED = """
import sys
from pathlib import Path
from ownit.session import Session, path_to_uri
base, per_file, rationale, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
session = Session()
claimed = 0
for raw in paths:
    path = Path(raw)
    uri = path_to_uri(path)
    session.open(uri, path.read_text("utf-8"), None)
    for index in range(per_file):
        first = base + 10 * index
        region = session.mark_lines(uri, first, first + 8, "copilot")
        session.claim(uri, region, rationale)
        claimed += 1
    session.close(uri)
session.shutdown()
print(claimed)
"""


def _hook_figure(ctx: Context, files: int) -> Figure:
    sources = {
        f"src/pkg_{index:03d}/module.py": "\n".join(python_lines(HOOK_BASE_LINES, f"f{index}"))
        + "\n"
        for index in range(files)
    }
    root = git_repo(ctx, f"hook-{files}", sources)
    paths = sorted(root.glob("src/*/module.py"))
    for index, path in enumerate(paths):
        added = python_lines(HOOK_NEW_LINES, f"ai{index}")
        path.write_text(path.read_text("utf-8") + "\n".join(added) + "\n", encoding="utf-8")
    seeded = ctx.run(
        [
            str(ctx.python),
            "-c",
            _SEED,
            str(HOOK_BASE_LINES + 1),
            str(HOOK_CLAIMS_PER_FILE),
            RATIONALE,
            *map(str, paths),
        ],
        root,
        timeout=600,
    )
    claims = int(seeded.stdout.split()[-1])
    ctx.run([*ctx.ownit, "hooks", "install"], root)
    ctx.run(["git", "add", "-A"], root)
    no_hooks = ctx.fresh_dir(f"no-hooks-{files}")
    message = "Add generated helpers to every package"
    with_hooks = ["git", "commit", "-q", "-m", message]
    without = ["git", "-c", f"core.hooksPath={no_hooks}", "commit", "-q", "--no-verify"]
    without += ["-m", message]
    trailer_counts: set[int] = set()

    def undo(label: str) -> None:
        if label == "ownit":
            out = ctx.run(
                ["git", "log", "-1", "--format=%(trailers:key=AI-Owned,valueonly)"], root
            ).stdout
            trailer_counts.add(len([line for line in out.splitlines() if line]))
        ctx.run(["git", "reset", "-q", "--soft", "HEAD~1"], root)

    wall, cpu = compare(
        ctx, {"ownit": with_hooks, "git": without}, root, reps=ctx.reps(6), after_each=undo
    )
    return Figure(
        baseline=Measurement("git commit --no-verify", wall["git"], "ms"),
        subject=Measurement("git commit, ownit hooks", wall["ownit"], "ms"),
        notes=[
            f"{files} changed files, {claims} claims (owner {EMAIL}) in the store; "
            f"AI-Owned trailers written per commit: {sorted(trailer_counts)}",
            "baseline: core.hooksPath at an empty folder; each commit undone with reset --soft",
            _ratio_note("cpu", cpu, "ownit", "git")
            + f", added {median(cpu['ownit']) - median(cpu['git']):.0f} ms",
        ],
    )


def _register_hook(files: int, limit: float) -> None:
    @benchmark(
        f"hook-{files}",
        f"git commit of {files} file{'s' if files > 1 else ''} with "
        f"{files * HOOK_CLAIMS_PER_FILE} claims, ownit hooks vs none",
        needs=("hooks",),
        target=Target.added(limit, "ms"),
    )
    def bench_hook(ctx: Context) -> Figure:
        return _hook_figure(ctx, files)


for _files, _limit in ((1, 60), (50, 100), (500, 300)):
    _register_hook(_files, _limit)


# -- blame in the editor -----------------------------------------------------------------------


@benchmark(
    "editor-blame",
    "didOpen → history hints in ownit lsp vs git blame --contents - of the same buffer",
    needs=("lsp",),
    target=Target.ratio(1.2),
)
def bench_editor_blame(ctx: Context) -> Figure:
    # imported here: bench_lsp belongs to the language-server figures
    from bench_lsp import start_server
    from lspclient import LspError, file_uri

    history = history_repo(ctx, ctx.history_commits)
    root = history.root
    relative = history.long_files[1]
    path = root / relative
    base = path.read_text("utf-8")
    client = start_server(ctx, "ownit", root, "editor-blame")
    reps = ctx.reps(6)
    ours: list[float] = []
    theirs: list[float] = []
    hints: set[int] = set()
    try:
        uri = file_uri(path)

        def opened(text: str) -> float:
            client.drain()
            document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
            sent = client.notify("textDocument/didOpen", {"textDocument": document})
            try:
                incoming = client.wait_notification(
                    "textDocument/publishDiagnostics",
                    lambda p: (
                        isinstance(p, dict) and p.get("uri") == uri and bool(p.get("diagnostics"))
                    ),
                    120,
                )
            except LspError as error:
                raise RuntimeError(f"no history hints: {error}\n{client.stderr_tail()}") from None
            params = incoming.message.get("params")
            assert isinstance(params, dict)
            hints.add(len(params.get("diagnostics") or []))
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            return (incoming.arrived - sent) * 1000.0

        def git_blame(text: str) -> float:
            argv = ["git", "blame", "--porcelain", "--contents", "-", "--", relative]
            return timed(ctx, argv, root, stdin_text=text)

        for index in range(reps + 1):
            # a buffer of its own each round (a trailing comment): nothing cached by text
            text = base + f"# edited {index}\n"
            if index % 2:
                a, b = opened(text), git_blame(text)
            else:
                b, a = git_blame(text), opened(text)
            if index:  # the first round warms up (and builds the claim index)
                ours.append(a)
                theirs.append(b)
    finally:
        client.close()
    return Figure(
        baseline=Measurement("git blame --contents -", theirs, "ms"),
        subject=Measurement("didOpen → hints", ours, "ms"),
        notes=[
            f"{relative} ({len(base.splitlines()):,} lines, ~{history.long_touches // 3} "
            f"commits) of the {history.commits:,}-commit history; a new buffer each round; "
            f"hints shown: {sorted(hints)}"
        ],
    )
