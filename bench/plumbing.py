"""Floors for the CLI figures (issue 13): the exact git plumbing an ownit verb runs,
recorded once and replayed alone; and timed runs that also give CPU time and peak RSS.

:func:`record_git` runs a verb once with a ``git`` shim first on ``PATH`` that saves each
call's arguments and stdin (``tee``, so interleaved readers such as ``cat-file --batch``
still stream) before handing over to the real git. :func:`replay_script` writes a shell
script that runs those same calls, one after the other, with the same stdin, output
thrown away: git's own work for that verb, without ownit.
"""

from __future__ import annotations

import os
import resource
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import Context

_SHIM = """#!/bin/sh
n=$(date +%s%N)-$$
printf '%s\\0' "$@" > "{log}/$n.args"
tee "{log}/$n.in" | "{git}" "$@"
"""


@dataclass(frozen=True)
class GitCall:
    args: list[str]
    stdin: Path


def _real_git(ctx: Context) -> str:
    for directory in ctx.env["PATH"].split(os.pathsep):
        candidate = Path(directory or ".") / "git"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise RuntimeError("git is not on PATH")


def record_git(
    ctx: Context,
    argv: Sequence[str],
    cwd: Path,
    name: str,
    *,
    ok_codes: tuple[int, ...] = (0,),
    stdin_text: str | None = None,
) -> list[GitCall]:
    """The git calls ``argv`` makes (in the order they started)."""
    folder = ctx.fresh_dir(f"shim-{name}")
    log = folder / "log"
    log.mkdir()
    shim_dir = folder / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "git"
    shim.write_text(_SHIM.format(log=log, git=_real_git(ctx)), encoding="utf-8")
    shim.chmod(0o755)
    env = dict(ctx.env)
    env["PATH"] = f"{shim_dir}{os.pathsep}{env['PATH']}"
    ctx.run(argv, cwd, env=env, ok_codes=ok_codes, input_text=stdin_text, timeout=600)
    calls: list[GitCall] = []
    for args_file in sorted(log.glob("*.args"), key=lambda p: int(p.name.split("-")[0])):
        raw = args_file.read_bytes().split(b"\0")[:-1]
        calls.append(
            GitCall(
                [a.decode("utf-8", "surrogateescape") for a in raw], args_file.with_suffix(".in")
            )
        )
    return calls


def replay_script(ctx: Context, calls: Sequence[GitCall], name: str) -> list[str]:
    """A ``sh`` command running ``calls`` one after the other (their stdin, no output)."""
    git = _real_git(ctx)
    lines = ["#!/bin/sh"]
    for call in calls:
        quoted = " ".join(shlex.quote(a) for a in call.args)
        lines.append(
            f"{shlex.quote(git)} {quoted} < {shlex.quote(str(call.stdin))} >/dev/null 2>&1"
        )
    lines.append("exit 0")
    script = ctx.fresh_dir(f"replay-{name}") / "replay.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["/bin/sh", str(script)]


def describe(calls: Sequence[GitCall]) -> str:
    names: dict[str, int] = {}
    for call in calls:
        at = 0
        while at < len(call.args) and call.args[at] == "-c":
            at += 2
        verb = call.args[at] if at < len(call.args) else "?"
        names[verb] = names.get(verb, 0) + 1
    return ", ".join(f"{verb}×{count}" if count > 1 else verb for verb, count in names.items())


def timed(
    ctx: Context,
    argv: Sequence[str],
    cwd: Path,
    *,
    stdin_text: str | None = None,
    ok_codes: tuple[int, ...] = (0,),
    env: Mapping[str, str] | None = None,
    timeout: float = 600.0,
) -> float:
    """Wall time (ms) of one run of ``argv``, output thrown away."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env or ctx.env),
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = proc.communicate(
            stdin_text.encode("utf-8") if stdin_text is not None else None, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError(f"`{' '.join(argv)}` took more than {timeout:.0f} s") from None
    wall = (time.perf_counter() - start) * 1000.0
    if proc.returncode not in ok_codes:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise RuntimeError(f"`{' '.join(argv)}` exited {proc.returncode}: " + " | ".join(tail))
    return wall


class Children:
    """CPU time used by reaped children since the last call (``RUSAGE_CHILDREN`` deltas)."""

    def __init__(self) -> None:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._cpu = usage.ru_utime + usage.ru_stime

    def cpu_ms(self) -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        now = usage.ru_utime + usage.ru_stime
        spent, self._cpu = now - self._cpu, now
        return spent * 1000.0


def peak_kib(ctx: Context, argv: Sequence[str], cwd: Path, ok_codes: tuple[int, ...]) -> int:
    """Peak RSS (KiB) of ``argv`` and everything it runs, from a process of its own."""
    code = (
        "import resource,subprocess,sys;"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = ctx.run([str(ctx.python), "-c", code, *argv], cwd, timeout=600).stdout.split()
    if int(out[0]) not in ok_codes:
        raise RuntimeError(f"`{' '.join(argv)}` exited {out[0]}")
    return int(out[1])


def compare(
    ctx: Context,
    commands: Mapping[str, Sequence[str]],
    cwd: Path,
    *,
    reps: int,
    ok_codes: Mapping[str, tuple[int, ...]] | None = None,
    stdin_for: Callable[[int], str | None] | None = None,
    after_each: Callable[[str], None] | None = None,
    budget: float = 120.0,
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Like ``harness.compare_commands`` (alternating order, one uncounted warm-up round,
    a time budget), also giving each run's CPU time: (wall ms, CPU ms) per label."""
    wall: dict[str, list[float]] = {label: [] for label in commands}
    cpu: dict[str, list[float]] = {label: [] for label in commands}
    labels = list(commands)
    started = time.perf_counter()
    children = Children()
    for index in range(reps + 1):
        if index >= 2 and time.perf_counter() - started > budget:
            break
        order = labels if index % 2 else labels[::-1]
        for label in order:
            stdin_text = stdin_for(index) if stdin_for is not None else None
            codes = (ok_codes or {}).get(label, (0,))
            children.cpu_ms()
            elapsed = timed(ctx, commands[label], cwd, stdin_text=stdin_text, ok_codes=codes)
            spent = children.cpu_ms()
            if after_each is not None:
                after_each(label)
            if index:
                wall[label].append(elapsed)
                cpu[label].append(spent)
    return wall, cpu
