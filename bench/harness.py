"""The benchmark registry, the shared context and the printing of figures.

A benchmark is a function ``(Context) -> Figure`` registered with :func:`benchmark`. It
measures a baseline and ownit in the same run, and returns both sets of samples with the
target; it never asserts on a time. A benchmark that cannot run raises :class:`Skip` with
a one-line reason (``not implemented yet: <verb>`` when an ownit verb is missing).

Adding a benchmark::

    @benchmark("name", "one-line description", needs=("verb",), target=Target.ratio(1.3))
    def bench_name(ctx: Context) -> Figure:
        baseline = Measurement("git log", ctx.time_command([...], reps=ctx.reps(5)), "ms")
        subject = Measurement("ownit verb", ctx.time_command([...], reps=ctx.reps(5)), "ms")
        return Figure(baseline=baseline, subject=subject)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
BARE_SERVER = BENCH_DIR / "bare_server.py"


class Skip(Exception):
    """This benchmark cannot run here; the message says why (printed as SKIP)."""


# -- statistics ------------------------------------------------------------------------------


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty sample list."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


# -- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Either a maximum ratio subject/baseline, or a maximum added amount (subject - base)."""

    kind: str  # "ratio" or "added"
    limit: float
    unit: str = ""

    @staticmethod
    def ratio(limit: float) -> Target:
        return Target("ratio", limit)

    @staticmethod
    def added(limit: float, unit: str) -> Target:
        return Target("added", limit, unit)

    def describe(self) -> str:
        if self.kind == "ratio":
            return f"≤ {self.limit:g}×"
        return f"≤ {self.limit:g} {self.unit} added"


@dataclass
class Measurement:
    label: str
    samples: list[float]
    unit: str  # "ms", "MiB"
    extra: dict[str, float] = field(default_factory=dict)  # other numbers worth printing

    @property
    def central(self) -> float:
        return median(self.samples)


@dataclass
class Figure:
    baseline: Measurement
    subject: Measurement
    show_p95: bool = False
    notes: list[str] = field(default_factory=list)

    def ratio(self) -> float:
        base = self.baseline.central
        return self.subject.central / base if base > 0 else float("inf")


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    target: Target
    needs: tuple[str, ...]  # ownit verbs (`ownit <verb> --help` must exit 0)
    run: Callable[[Context], Figure]


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, title: str, *, target: Target, needs: tuple[str, ...] = ()
) -> Callable[[Callable[[Context], Figure]], Callable[[Context], Figure]]:
    """Register ``(Context) -> Figure`` under ``name`` (the order of registration is kept)."""

    def register(function: Callable[[Context], Figure]) -> Callable[[Context], Figure]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(name, title, target, needs, function)
        return function

    return register


# -- the context every benchmark gets -------------------------------------------------------


@dataclass
class Context:
    python: Path  # the venv's interpreter
    tmp: Path  # removed after the run
    quick: bool = False
    self_check: bool = False  # run the bare server as "ownit" too (harness validation)
    history_commits: int = 10_000  # size of the generated history (bench_cli.py)
    ownit_src: Path | None = None  # run the ownit package found here (PYTHONPATH) instead
    _verbs: dict[str, bool] = field(default_factory=dict)
    _counter: int = 0

    @property
    def ownit(self) -> list[str]:
        """How to run the ownit CLI (the venv's console script, as a user or a hook would)."""
        script = self.python.parent / "ownit"
        if script.exists():
            return [str(script)]
        return [str(self.python), "-m", "ownit"]

    def lsp_argv(self, which: str) -> list[str]:
        """``which`` is "ownit" or "bare"; in self-check mode both are the bare server."""
        if which == "bare" or self.self_check:
            return [str(self.python), str(BARE_SERVER)]
        return [str(self.python), "-m", "ownit", "lsp"]

    def reps(self, normal: int) -> int:
        return max(3, normal // 3) if self.quick else normal

    def fresh_dir(self, name: str) -> Path:
        self._counter += 1
        path = self.tmp / f"{self._counter:02d}-{name}"
        path.mkdir(parents=True)
        return path

    @property
    def env(self) -> dict[str, str]:
        """The environment for every subprocess: nothing reaches the user's home or config."""
        home = self.tmp / "home"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("GIT_", "OWNIT_", "XDG_")) and key not in ("VIRTUAL_ENV",)
        }
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            XDG_CACHE_HOME=str(home / ".cache"),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
            GIT_TERMINAL_PROMPT="0",
            GIT_AUTHOR_NAME="Bench Dev",
            GIT_AUTHOR_EMAIL="dev@example.com",
            GIT_COMMITTER_NAME="Bench Dev",
            GIT_COMMITTER_EMAIL="dev@example.com",
            OWNIT_USER_NAME="Bench Dev",
            OWNIT_USER_EMAIL="dev@example.com",
            PYTHONDONTWRITEBYTECODE="1",
            LC_ALL="C.UTF-8",
        )
        # The venv's bin first, so git hooks that call `ownit` find this checkout's ownit.
        env["PATH"] = f"{self.python.parent}{os.pathsep}{env.get('PATH', '')}"
        if self.ownit_src is not None:  # another checkout's code, for before/after figures
            env["PYTHONPATH"] = str(self.ownit_src)
        return env

    def has_verb(self, verb: str) -> bool:
        """Whether ``ownit <verb> --help`` exits 0 (cached)."""
        if verb not in self._verbs:
            try:
                completed = subprocess.run(
                    [*self.ownit, *verb.split(), "--help"],
                    env=self.env,
                    cwd=self.tmp,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=30,
                    check=False,
                )
                self._verbs[verb] = completed.returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                self._verbs[verb] = False
        return self._verbs[verb]

    def run(
        self,
        argv: Sequence[str],
        cwd: Path,
        *,
        input_text: str | None = None,
        ok_codes: tuple[int, ...] = (0,),
        env: Mapping[str, str] | None = None,
        timeout: float = 120.0,
    ) -> subprocess.CompletedProcess[str]:
        """Run a setup command; a failure raises with its output (setup is not measured)."""
        completed = subprocess.run(
            list(argv),
            cwd=cwd,
            env=dict(env or self.env),
            input=input_text,
            stdin=None if input_text is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode not in ok_codes:
            output = (completed.stderr or completed.stdout).strip().splitlines()[-8:]
            raise RuntimeError(
                f"`{' '.join(argv)}` exited {completed.returncode}: " + " | ".join(output)
            )
        return completed

    def time_command(
        self,
        argv: Sequence[str],
        cwd: Path,
        *,
        reps: int,
        input_text: str | None = None,
        ok_codes: tuple[int, ...] = (0,),
        before_each: Callable[[int], str | None] | None = None,
        timeout: float = 120.0,
        budget: float = 60.0,
    ) -> list[float]:
        """Wall time in ms of up to ``reps`` runs (output discarded); stops early, after at
        least one run, once ``budget`` seconds were spent. ``before_each(i)`` runs untimed
        before run ``i`` and may return the stdin text for that run."""
        samples: list[float] = []
        env = self.env
        spent = 0.0
        for index in range(reps):
            if samples and spent + samples[-1] / 1000.0 > budget:
                break
            stdin_text = input_text
            if before_each is not None:
                prepared = before_each(index)
                if prepared is not None:
                    stdin_text = prepared
            start = time.perf_counter()
            completed = subprocess.run(
                list(argv),
                cwd=cwd,
                env=env,
                input=stdin_text.encode("utf-8") if stdin_text is not None else None,
                stdin=None if stdin_text is not None else subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=timeout,
                check=False,
            )
            elapsed = (time.perf_counter() - start) * 1000.0
            spent += elapsed / 1000.0
            if completed.returncode not in ok_codes:
                tail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
                raise RuntimeError(
                    f"`{' '.join(argv)}` exited {completed.returncode}: " + " | ".join(tail)
                )
            samples.append(elapsed)
        return samples


def make_context(quick: bool, self_check: bool, history_commits: int = 10_000) -> Context:
    tmp = Path(tempfile.mkdtemp(prefix="ownit-bench-"))
    python = Path(sys.executable)
    context = Context(
        python=python,
        tmp=tmp,
        quick=quick,
        self_check=self_check,
        history_commits=history_commits,
    )
    home = tmp / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Bench Dev\n\temail = dev@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    return context


def remove_context(context: Context) -> None:
    shutil.rmtree(context.tmp, ignore_errors=True)


# -- printing --------------------------------------------------------------------------------


def _number(value: float, unit: str) -> str:
    if unit == "MiB":
        return f"{value:.1f} {unit}"
    if value >= 100:
        return f"{value:.0f} {unit}"
    return f"{value:.2f} {unit}"


def verdict(target: Target, figure: Figure) -> str:
    if target.kind == "ratio":
        return "within target" if figure.ratio() <= target.limit else "OVER TARGET"
    added = figure.subject.central - figure.baseline.central
    return "within target" if added <= target.limit else "OVER TARGET"


def format_figure(bench: Benchmark, figure: Figure) -> list[str]:
    lines: list[str] = []
    width = max(len(figure.baseline.label), len(figure.subject.label), 5)
    for measurement in (figure.subject, figure.baseline):
        parts = [f"median {_number(measurement.central, measurement.unit)}"]
        if figure.show_p95:
            parts.append(f"p95 {_number(percentile(measurement.samples, 0.95), measurement.unit)}")
        parts.append(f"n={len(measurement.samples)}")
        parts.extend(
            f"{key} {_number(value, measurement.unit)}" for key, value in measurement.extra.items()
        )
        lines.append(f"    {measurement.label:<{width}}  " + "  ".join(parts))
    exact = figure.ratio()
    near_limit = bench.target.kind == "ratio" and abs(exact - bench.target.limit) < 0.01
    ratio = f"{exact:.3f}×" if near_limit else f"{exact:.2f}×"  # no 1.30× "over" 1.3×
    if figure.show_p95:
        p95_base = percentile(figure.baseline.samples, 0.95)
        p95_subject = percentile(figure.subject.samples, 0.95)
        if p95_base > 0:
            ratio += f" (p95 {p95_subject / p95_base:.2f}×)"
    added = figure.subject.central - figure.baseline.central
    summary = f"    {'ratio':<{width}}  {ratio}   added {_number(added, figure.subject.unit)}"
    summary += f"   target {bench.target.describe()}   {verdict(bench.target, figure)}"
    lines.append(summary)
    lines.extend(f"    note: {note}" for note in figure.notes)
    return lines


def compare_commands(
    ctx: Context,
    commands: Mapping[str, Sequence[str]],
    cwd: Path,
    *,
    reps: int,
    ok_codes: Mapping[str, tuple[int, ...]] | None = None,
    stdin_for: Callable[[int], str | None] | None = None,
    after_each: Callable[[str], None] | None = None,
    budget: float = 90.0,
) -> dict[str, list[float]]:
    """Time each command of ``commands`` (label -> argv) ``reps`` times, alternating which
    goes first, after one uncounted warm-up round; stops early (keeping at least one
    counted round) once ``budget`` seconds were spent. ``stdin_for(i)`` gives round ``i``'s
    stdin, ``after_each(label)`` runs untimed after every run (e.g. to undo a commit)."""
    samples: dict[str, list[float]] = {label: [] for label in commands}
    labels = list(commands)
    started = time.perf_counter()
    for index in range(reps + 1):
        if index >= 2 and time.perf_counter() - started > budget:
            break
        order = labels if index % 2 else labels[::-1]
        for label in order:
            stdin_text = stdin_for(index) if stdin_for is not None else None
            codes = (ok_codes or {}).get(label, (0,))
            sample = ctx.time_command(
                commands[label], cwd, reps=1, input_text=stdin_text, ok_codes=codes
            )
            if after_each is not None:
                after_each(label)
            if index:
                samples[label].extend(sample)
    return samples
