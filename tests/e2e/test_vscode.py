"""The VS Code extension (client-extension/) in real VS Code: code-server 4.100.3 (VS Code
1.100.3, from npm) driven by headless Chromium (Debian). The scenario runs inside VS Code as
a test extension (client-extension/test/e2e/fixture-ext): an inline completion is accepted
through the command Tab runs, the ownit diagnostic must cover exactly the inserted lines, a
placeholder rationale is refused, owning through the extension's command clears it, and
screenshots go to test-output/. Setup (code-server, Chromium, npm packages) is installed by
client-extension/test/e2e/setup.sh and cached; every step has a hard timeout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.editor

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "client-extension"
OUTPUT = ROOT / "test-output"


def _run(args: list[str], timeout: float) -> None:
    proc = subprocess.run(args, cwd=EXT, timeout=timeout, capture_output=True, text=True)
    if proc.returncode != 0:
        output = f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        pytest.fail(f"{' '.join(args)} exited {proc.returncode}\n{output}")


@pytest.fixture(scope="module")
def bundle() -> None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the VS Code end-to-end test (Node 20 or newer)")
    _run(["./test/e2e/setup.sh"], timeout=1500)
    if not (EXT / "node_modules" / ".bin" / "esbuild").exists():
        _run(["npm", "ci", "--no-audit", "--no-fund"], timeout=900)
    _run(["npm", "run", "--silent", "bundle"], timeout=180)


def _scenario(extra_env: dict[str, str]) -> str:
    env = {**os.environ, "OWNIT_E2E_PYTHON": sys.executable, **extra_env}
    proc = subprocess.run(
        ["node", "--experimental-websocket", "test/e2e/run.mjs"],
        cwd=EXT,
        env=env,
        timeout=480,
        capture_output=True,
        text=True,
    )
    print(proc.stdout)
    assert proc.returncode == 0, (
        f"VS Code scenario failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    )
    assert "passed, 0 failed" in proc.stdout
    return proc.stdout


def test_inline_completion_marked_then_owned(bundle: None) -> None:
    out = _scenario({})
    assert "PASS diagnostic on exactly the inserted lines" in out
    assert "PASS placeholder rationale refused" in out
    assert "PASS diagnostic cleared after owning" in out
    for name in ("vscode-unowned.png", "vscode-owned.png"):
        assert (OUTPUT / name).stat().st_size > 10_000, f"screenshot {name} missing or empty"


def test_installed_vsix_runs_its_bundled_server(bundle: None) -> None:
    """`make vsix`'s package, installed as a user installs it, with no interpreter setting:
    the bundled ownit runs on the Python found on the PATH."""
    _run(["./scripts/build-vsix", sys.executable], timeout=900)
    version = subprocess.run(
        ["node", "-p", "require('./package.json').version"],
        cwd=EXT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    vsix = ROOT / "dist" / f"ownit-{version}.vsix"
    assert vsix.is_file()
    _scenario({"OWNIT_E2E_VSIX": str(vsix), "OWNIT_E2E_PREFIX": "vsix-"})
