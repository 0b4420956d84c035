"""Agent-hook figure (issue 6): one `ownit checkpoint` call vs a bare `python -c pass`.

Skipped ("not implemented yet: ownit checkpoint") until the verb exists.
"""

from __future__ import annotations

import json

from harness import Context, Figure, Measurement, Target, benchmark, median
from plumbing import compare
from workspace import git_repo, python_lines

CHECKPOINT_FILE_LINES = 300


@benchmark(
    "checkpoint",
    "one ownit checkpoint (Claude Code PostToolUse Write payload) vs python -c pass",
    needs=("checkpoint",),
    target=Target.added(35, "ms"),
)
def bench_checkpoint(ctx: Context) -> Figure:
    relative = "src/agent_written.py"
    root = git_repo(
        ctx, "checkpoint", {relative: "\n".join(python_lines(CHECKPOINT_FILE_LINES)) + "\n"}
    )
    path = root / relative

    def payload(index: int) -> str:
        """The agent writes a new version of the file; the hook gets told about it."""
        lines = python_lines(CHECKPOINT_FILE_LINES)
        lines[100:120] = python_lines(20, f"agent{index}")
        content = "\n".join(lines) + "\n"
        path.write_text(content, encoding="utf-8")
        return json.dumps(
            {
                "session_id": "bench-session",
                "transcript_path": str(ctx.tmp / "transcript.jsonl"),
                "cwd": str(root),
                "hook_event_name": "PostToolUse",
                "tool_name": "Write",
                "tool_input": {"file_path": str(path), "content": content},
                "tool_response": {"filePath": str(path), "success": True},
            }
        )

    commands = {
        "ownit": [*ctx.ownit, "checkpoint", "--agent", "claude-code"],
        "bare": [str(ctx.python), "-c", "pass"],
        "floor": [str(ctx.python), "-c", _FLOOR, relative],
    }
    wall, cpu = compare(ctx, commands, root, reps=ctx.reps(10), stdin_for=payload)
    added_cpu = median(cpu["ownit"]) - median(cpu["bare"])
    floor_wall, floor_cpu = median(wall["floor"]), median(cpu["floor"])
    return Figure(
        baseline=Measurement("python -c pass", wall["bare"], "ms"),
        subject=Measurement("ownit checkpoint", wall["ownit"], "ms"),
        notes=[
            "the same payload on stdin for all; alternating order; one warm-up run",
            f"cpu: {median(cpu['ownit']):.0f} ms vs {median(cpu['bare']):.0f} ms, "
            f"added {added_cpu:.0f} ms",
            f"floor (python importing the standard modules a checkpoint needs and running "
            f"its 2 git processes): {floor_wall:.0f} ms wall, {floor_cpu:.0f} ms cpu; ownit "
            f"adds {median(wall['ownit']) - floor_wall:.0f} ms wall / "
            f"{median(cpu['ownit']) - floor_cpu:.0f} ms cpu to it",
        ],
    )


# What any Python checkpoint pays before ownit's own code: the interpreter, the standard
# modules the verb needs (argument parsing, JSON, paths, processes, dataclasses, hashing,
# SQLite, a line diff), the payload read, and the git processes it runs (find the
# repository; the file as staged, which a Write is compared with).
_FLOOR = """
import argparse, dataclasses, difflib, hashlib, json, pathlib, sqlite3, subprocess, sys
json.loads(sys.stdin.buffer.read())
git = ["git", "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"]
subprocess.run(git, capture_output=True, check=True)
subprocess.run(["git", "cat-file", "blob", "--", ":" + sys.argv[1]], capture_output=True)
"""
