"""`make demo` (ownit demo) keeps working: it is the README's first command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.integration.lsp_helpers import isolated_env


def test_demo_walks_through_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ownit", "demo"],
        env=isolated_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "[unowned-ai] AI-written (copilot, just now) — not yet owned" in out
    assert "refused by the server: rationale too short" in out
    assert "[stale-claim]" in out
    assert "AI-Owned: src/tokens.py:10-14" in out
    assert "no problems found" in out
    assert "owned dana@example.com" in out
    assert "Traceback" not in out + result.stderr
