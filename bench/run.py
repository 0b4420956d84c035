"""`make bench`: every benchmark, each printed as a ratio against a baseline measured in the
same run, with the absolute numbers and the target. Benchmarks print; they never assert.

    python bench/run.py                 # all of them
    python bench/run.py roundtrip       # one (or several) by name
    python bench/run.py --list          # names and what they measure
    python bench/run.py --quick         # fewer repetitions (a smoke run)
    python bench/run.py --self-check    # the bare server on both sides: ratios should be ~1.0
    python bench/run.py --commits 3000  # a smaller generated history (verify/report/blame)

Exit status: 0 when every selected benchmark ran or was skipped, 1 when one failed to run,
2 for an unknown name.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REGISTRY, Skip, format_figure, make_context, remove_context

# Importing a module registers its benchmarks; this order is the order they run and print.
BENCHMARK_MODULES = ("bench_lsp", "bench_lsp_growth", "bench_cli", "bench_agent", "bench_detect")


def main(argv: list[str] | None = None) -> int:
    for module in BENCHMARK_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--quick", action="store_true", help="about a third of the repetitions")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="validate the harness: run the bare server as the ownit side of the LSP figures",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--ownit-src",
        metavar="DIR",
        help="run the ownit package of another checkout (its server/ folder, put on "
        "PYTHONPATH) with this venv: before/after figures from one machine and run",
    )
    parser.add_argument(
        "--commits",
        type=int,
        metavar="N",
        help="size of the generated history for verify/report/blame (default 10,000; "
        "--quick: 2,000)",
    )
    args = parser.parse_args(argv)

    if args.list:
        for bench in REGISTRY.values():
            print(f"{bench.name:<12} {bench.title}  (target {bench.target.describe()})")
        return 0
    unknown = [name for name in args.names if name not in REGISTRY]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; try --list", file=sys.stderr)
        return 2
    selected = [REGISTRY[name] for name in args.names] if args.names else list(REGISTRY.values())

    # An installed ownit has its bytecode compiled (pip does it); a checkout may not, and
    # with PYTHONDONTWRITEBYTECODE set every ownit process would compile it again.
    sources = [Path(__file__).parents[1] / "server"]
    if args.ownit_src:
        sources.append(Path(args.ownit_src))
    for source in sources:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(source)],
            check=False,
            capture_output=True,
        )
    commits = args.commits or (2_000 if args.quick else 10_000)
    ctx = make_context(quick=args.quick, self_check=args.self_check, history_commits=commits)
    if args.ownit_src:
        ctx.ownit_src = Path(args.ownit_src).resolve()
    failed = 0
    started = time.perf_counter()
    mode = " (self-check: bare server on both sides)" if args.self_check else ""
    print(f"ownit benchmarks{mode} — python {sys.version.split()[0]}, tmp {ctx.tmp}")
    try:
        for bench in selected:
            print(f"\n{bench.name}: {bench.title}", flush=True)
            bench_started = time.perf_counter()
            missing = [verb for verb in bench.needs if not ctx.has_verb(verb)]
            if missing and not (args.self_check and missing == ["lsp"]):
                print(f"    SKIP not implemented yet: ownit {', ownit '.join(missing)}")
                continue
            try:
                figure = bench.run(ctx)
            except Skip as skip:
                print(f"    SKIP {skip}")
                continue
            except Exception as error:
                failed += 1
                first, *rest = str(error).splitlines() or [type(error).__name__]
                print(f"    FAILED to run: {first}")
                for line in rest:
                    print(f"      | {line}")
                if not isinstance(error, RuntimeError):
                    traceback.print_exc()
                continue
            for line in format_figure(bench, figure):
                print(line)
            print(f"    ({time.perf_counter() - bench_started:.1f} s)", flush=True)
    finally:
        if args.keep:
            print(f"\nkept {ctx.tmp}")
        else:
            remove_context(ctx)
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {failed} failed to run")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
