"""What the GitHub and GitLab scripts share: running ``ownit verify`` (SARIF to a file)
and ``ownit report`` on the chosen range, each in a process of its own, so the job gets
exactly what a person running the same command gets, exit code included."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ownit.core import sarif
from ownit.core.alerts import Alert

EXIT_USAGE = 2


@dataclass(slots=True)
class Checked:
    """``ownit verify``'s answer."""

    exit_code: int
    alerts: list[Alert] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)  # the SARIF run's properties
    stderr: str = ""
    error: str | None = None  # it could not check the range (exit 2): why


def _ownit(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ownit", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def run_verify(cwd: Path, range_spec: str, sarif_path: Path) -> Checked:
    done = _ownit(["verify", "--format", "sarif", "-o", str(sarif_path), range_spec], cwd)
    stderr = _text(done.stderr)
    if done.returncode not in (0, 1):
        lines = [line for line in stderr.splitlines() if line.strip()]
        why = lines[-1].removeprefix("ownit: ") if lines else f"exit {done.returncode}"
        return Checked(done.returncode, stderr=stderr, error=why)
    try:
        log = json.loads(sarif_path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        return Checked(EXIT_USAGE, stderr=stderr, error=f"cannot read {sarif_path}: {error}")
    return Checked(done.returncode, sarif.read_alerts(log), sarif.run_properties(log), stderr)


def run_report_json(cwd: Path, range_spec: str) -> tuple[dict[str, Any] | None, str]:
    """``ownit report --json`` of the range (None when it failed) and its stderr. Without
    the at-the-tip view (``--no-tip``): the job summary shows the range's numbers, and a
    CI clone has no cache to spare it blaming the tip's files."""
    done = _ownit(["report", "--json", "--no-tip", range_spec], cwd)
    if done.returncode != 0:
        return None, _text(done.stderr)
    try:
        found = json.loads(done.stdout)
    except ValueError:
        return None, _text(done.stderr)
    return (found if isinstance(found, dict) else None), _text(done.stderr)


def run_report_text(cwd: Path, range_spec: str) -> tuple[str, str]:
    """``ownit report``'s text (its stdout, its stderr), without the at-the-tip view."""
    done = _ownit(["report", "--no-tip", range_spec], cwd)
    return _text(done.stdout), _text(done.stderr)
