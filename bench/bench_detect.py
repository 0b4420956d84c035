"""AI-commit detection time per 1,000 commits (issue 12), on a history generated in each AI
tool's real conventions (tests/history_gen.py).

The ownit side is what ``ownit verify`` and ``ownit report`` do before reading any file:
read the range's commits (``git log``, ``ownit.git.history.log``) and decide which are
AI-assisted, with which tool and model (``ownit.core.verify.prepare``: the built-in
``ai_commit_patterns`` through ``AiCommitDetector``). The baseline is reading the same
commits alone. Both run in this process, alternating, and are printed per 1,000 commits;
"added" is the detection itself.

    python bench/run.py detect        # as part of make bench
    python bench/bench_detect.py      # alone (--quick for fewer repetitions)
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project: tests.history_gen

from harness import Context, Figure, Measurement, Target, benchmark

DETECT_COMMITS = 5_000
SEED = 12


def _timed_per_thousand(run: Callable[[], None], commits: int) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000.0 * 1000 / commits


def measure_detection(root: Path, env: dict[str, str], commits: int, reps: int) -> Figure:
    """Generate ``commits`` commits in ``root`` (a new directory) and time reading them with
    and without detection; the figure is in ms per 1,000 commits."""
    from tests.history_gen import generate

    from ownit.core.policy import default_policy
    from ownit.core.verify_prepare import prepare
    from ownit.git import history

    made = generate(SEED, commits)
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=env, check=True)
    made.write(root, env)
    count = len(made.commits)
    policy = default_policy()
    detected: list[int] = []

    def read() -> None:
        history.log(root, ["HEAD"])

    def read_and_detect() -> None:
        prepared = prepare(history.log(root, ["HEAD"]), policy)
        detected.append(len(prepared.assisted))

    read_and_detect()  # warm-up, uncounted
    baseline: list[float] = []
    subject: list[float] = []
    for _ in range(reps):
        baseline.append(_timed_per_thousand(read, count))
        subject.append(_timed_per_thousand(read_and_detect, count))
    truth = sum(1 for commit in made.commits if commit.ai)
    return Figure(
        baseline=Measurement("git log, parsed", baseline, "ms"),
        subject=Measurement("git log + detection", subject, "ms"),
        notes=[
            f"ms per 1,000 commits; {count:,} generated commits (seed {SEED}), {truth:,} "
            f"AI-assisted in truth, {detected[-1]:,} detected; {reps} alternating runs "
            "after one warm-up, in-process"
        ],
    )


@benchmark(
    "detect",
    f"AI-commit detection per 1,000 commits ({DETECT_COMMITS:,} generated, every tool's "
    "conventions)",
    target=Target.added(50, "ms"),
)
def bench_detect(ctx: Context) -> Figure:
    return measure_detection(ctx.fresh_dir("detect") / "repo", ctx.env, DETECT_COMMITS, ctx.reps(9))


if __name__ == "__main__":
    from harness import REGISTRY, format_figure, make_context, remove_context

    context = make_context(quick="--quick" in sys.argv, self_check=False)
    try:
        print(f"detect: {REGISTRY['detect'].title}")
        print("\n".join(format_figure(REGISTRY["detect"], bench_detect(context))))
    finally:
        remove_context(context)
