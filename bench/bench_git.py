"""Git-side figures (issue 3): commit-hook overhead, `ownit verify`, `ownit blame`.

Each runs only when its ownit verb exists (`ownit <verb> --help` exits 0); otherwise the
runner prints "SKIP not implemented yet: ownit <verb>".
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from bench_lsp import execute, mark_regions, open_document, pipeline, start_server
from harness import Context, Figure, Measurement, Target, benchmark, compare_commands
from lspclient import LspError, file_uri
from workspace import fingerprint, git_repo, python_lines

OWNER = "Bench Dev <dev@example.com>"
EMAIL = "dev@example.com"
RATIONALE = "Checked each branch against the unit tests and the bounds by hand"


# -- hook overhead -----------------------------------------------------------------------------

HOOK_FILES = 50
HOOK_CLAIMS_PER_FILE = 4  # 200 claims
HOOK_BASE_LINES = 60
HOOK_NEW_LINES = 40


def _seed_claims(ctx: Context, root: Path, paths: list[Path]) -> list[str]:
    """Mark 4 regions in each file's new lines and claim each, through `ownit lsp`."""
    client = start_server(ctx, "ownit", root, "hook-seed")
    marked = claimed = 0
    errors: list[str] = []
    try:
        for path in paths:
            uri = file_uri(path)
            open_document(client, uri, path.read_text("utf-8"))
            spans = [
                (HOOK_BASE_LINES + 10 * index + 1, HOOK_BASE_LINES + 10 * index + 9)
                for index in range(HOOK_CLAIMS_PER_FILE)
            ]
            ids, mark_errors = mark_regions(client, uri, spans)
            marked += len(ids)
            claims: list[tuple[str, Any]] = [
                execute("ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE})
                for region in ids
            ]
            results, claim_errors = pipeline(client, claims, "ownit.claim requests")
            claimed += len(results)
            errors.extend(e for e in mark_errors + claim_errors if e not in errors)
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    except LspError as error:
        raise RuntimeError(f"seeding claims: {error}\n{client.stderr_tail()}") from error
    finally:
        client.close()
    notes = [f"{claimed} claims on {marked} regions in {len(paths)} files, made via ownit lsp"]
    if errors:
        notes.append("seeding errors: " + "; ".join(errors[:3]))
    if claimed == 0:
        raise RuntimeError("no claim could be made: " + "; ".join(errors[:3]))
    return notes


@benchmark(
    "hook",
    f"git commit of {HOOK_FILES} files with {HOOK_FILES * HOOK_CLAIMS_PER_FILE} claims, "
    "ownit hooks vs no hooks",
    needs=("hooks", "lsp"),
    target=Target.added(150, "ms"),
)
def bench_hook(ctx: Context) -> Figure:
    files = {
        f"src/pkg_{index:02d}/module.py": "\n".join(python_lines(HOOK_BASE_LINES, f"f{index}"))
        + "\n"
        for index in range(HOOK_FILES)
    }
    root = git_repo(ctx, "hook", files)
    paths = sorted(root.glob("src/*/module.py"))
    for index, path in enumerate(paths):
        added = python_lines(HOOK_NEW_LINES, f"ai{index}")
        path.write_text(path.read_text("utf-8") + "\n".join(added) + "\n", encoding="utf-8")
    notes = _seed_claims(ctx, root, paths)
    ctx.run([*ctx.ownit, "hooks", "install"], root)
    ctx.run(["git", "add", "-A"], root)
    no_hooks = ctx.fresh_dir("no-hooks")
    message = "Add generated helpers to every package"
    with_hooks = ["git", "commit", "-q", "-m", message]
    without = ["git", "-c", f"core.hooksPath={no_hooks}", "commit", "-q", "--no-verify"]
    without += ["-m", message]
    trailer_counts: list[int] = []

    def undo(label: str) -> None:
        if label == "ownit":
            trailers = ctx.run(
                ["git", "log", "-1", "--format=%(trailers:key=AI-Owned,valueonly)"], root
            ).stdout
            trailer_counts.append(len([line for line in trailers.splitlines() if line]))
        ctx.run(["git", "reset", "-q", "--soft", "HEAD~1"], root)

    samples = compare_commands(
        ctx, {"ownit": with_hooks, "bare": without}, root, reps=ctx.reps(6), after_each=undo
    )
    notes.append(
        "baseline: git commit --no-verify with core.hooksPath pointing at an empty folder; "
        "each commit undone with reset --soft"
    )
    notes.append(f"AI-Owned trailers written per commit: {sorted(set(trailer_counts))}")
    return Figure(
        baseline=Measurement("git commit, no hooks", samples["bare"], "ms"),
        subject=Measurement("git commit, ownit hooks", samples["ownit"], "ms"),
        notes=notes,
    )


# -- verify ----------------------------------------------------------------------------------

VERIFY_COMMITS = 10_000
VERIFY_FILES = 50
VERIFY_AI_EVERY = 4  # every 4th commit is AI-assisted and carries a claim


def _history_stream(commits: int) -> bytes:
    """A `git fast-import` stream: ``commits`` commits, each rewriting one of
    ``VERIFY_FILES`` files (all 12 lines new); every ``VERIFY_AI_EVERY``-th commit is
    AI-assisted with a correct `AI-Owned` claim on all the lines it wrote."""
    chunks: list[bytes] = []
    when = 1_700_000_000
    for index in range(commits):
        path = f"src/mod_{index % VERIFY_FILES:02d}.py"
        lines = python_lines(12, f"c{index}")
        body = ("\n".join(lines) + "\n").encode("utf-8")
        subject = f"Change {path} ({index})"
        if index and index % VERIFY_AI_EVERY == 0:
            claim = f"{path}:1-12 {fingerprint(lines)} copilot {EMAIL} -- {RATIONALE}"
            subject += f"\n\nAssisted-by: copilot\nOwned-by: {OWNER}\nAI-Owned: {claim}"
        message = (subject + "\n").encode("utf-8")
        header = (
            f"commit refs/heads/main\nmark :{index + 1}\n"
            f"author {OWNER} {when + index} +0000\ncommitter {OWNER} {when + index} +0000\n"
        ).encode()
        chunks.append(header)
        chunks.append(b"data %d\n" % len(message) + message)
        if index:
            chunks.append(b"from :%d\n" % index)
        chunks.append(f"M 100644 inline {path}\n".encode())
        chunks.append(b"data %d\n" % len(body) + body + b"\n")
    return b"".join(chunks)


@benchmark(
    "verify",
    f"ownit verify over {VERIFY_COMMITS:,} commits vs git log --format=%(trailers)",
    needs=("verify",),
    target=Target.ratio(2.0),
)
def bench_verify(ctx: Context) -> Figure:
    root = git_repo(ctx, "verify", {}, commit=False)
    stream = _history_stream(VERIFY_COMMITS + 1)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=root,
        env=ctx.env,
        input=stream,
        check=True,
        capture_output=True,
        timeout=300,
    )
    ctx.run(["git", "reset", "-q", "--hard", "main"], root)
    first = ctx.run(["git", "rev-list", "--max-parents=0", "HEAD"], root).stdout.split()[0]
    revisions = f"{first}..HEAD"
    # exit 1 is "findings", a normal outcome for verify; 2 would be a usage error.
    samples = compare_commands(
        ctx,
        {
            "ownit": [*ctx.ownit, "verify", revisions],
            "bare": ["git", "log", "--format=%(trailers)", revisions],
        },
        root,
        reps=ctx.reps(3),
        ok_codes={"ownit": (0, 1)},
    )
    baseline, subject = samples["bare"], samples["ownit"]
    return Figure(
        baseline=Measurement("git log trailers", baseline, "ms"),
        subject=Measurement("ownit verify", subject, "ms"),
        notes=[
            f"{VERIFY_COMMITS:,} commits in the range, 1 in {VERIFY_AI_EVERY} AI-assisted "
            "with a correct AI-Owned claim; alternating order, one uncounted warm-up run"
        ],
    )


# -- blame -----------------------------------------------------------------------------------

BLAME_LINES = 2_000
BLAME_COMMITS = 20  # the first writes the file, each later one rewrites 100 lines


@benchmark(
    "blame",
    f"ownit blame vs git blame --porcelain on a {BLAME_LINES:,}-line file",
    needs=("blame",),
    target=Target.ratio(1.3),
)
def bench_blame(ctx: Context) -> Figure:
    lines = python_lines(BLAME_LINES, "b0")
    relative = "src/long_module.py"
    root = git_repo(ctx, "blame", {relative: "\n".join(lines) + "\n"})
    path = root / relative
    chunk = BLAME_LINES // BLAME_COMMITS
    for index in range(1, BLAME_COMMITS):
        first = (index * 7 % BLAME_COMMITS) * chunk
        lines[first : first + chunk] = python_lines(chunk, f"b{index}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        message = f"Rework block {index}"
        if index % 2:
            claimed = lines[first : first + chunk]
            claim = (
                f"{relative}:{first + 1}-{first + chunk} {fingerprint(claimed)} copilot "
                f"{EMAIL} -- {RATIONALE}"
            )
            message += f"\n\nAssisted-by: copilot\nOwned-by: {OWNER}\nAI-Owned: {claim}"
        ctx.run(["git", "commit", "-q", "--no-verify", "-a", "-m", message], root)
    commands = {
        "ownit": [*ctx.ownit, "blame", relative],
        "bare": ["git", "blame", "--porcelain", relative],
    }
    samples = compare_commands(ctx, commands, root, reps=ctx.reps(6))
    return Figure(
        baseline=Measurement("git blame --porcelain", samples["bare"], "ms"),
        subject=Measurement("ownit blame", samples["ownit"], "ms"),
        notes=[
            f"{BLAME_COMMITS} commits, half AI-assisted with claims; alternating order, "
            "one uncounted warm-up run"
        ],
    )
