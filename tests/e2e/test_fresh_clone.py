"""`make vsix` exactly as the README says, in a fresh clone of this repository: nothing
the working copy has built (.venv, node_modules, bundled/) helps it. The clone gets the
working copy's uncommitted changes on top, so the test checks the tree as it stands. It
reuses only the machine's pip and npm caches; it takes a minute or more."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import ownit
from tests.clone import ROOT, clone_working_tree

pytestmark = pytest.mark.slow


def test_make_vsix_in_a_fresh_clone(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    for tool in ("git", "make", "node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed to build the VS Code extension")
    clone = tmp_path / "ownit"
    clone_working_tree(clone)
    assert not (clone / ".venv").exists() and not (clone / "client-extension/node_modules").exists()
    # Not this session's venv nor an outer make's job server: a user's shell.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH"}
    }
    env["npm_config_prefer_offline"] = "true"  # the npm cache first; the registry if needed
    proc = subprocess.run(
        ["make", "vsix"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"make vsix failed:\n{output[-6000:]}"
    assert "deprecated" not in output, output[-6000:]
    vsix = clone / "dist" / f"ownit-{ownit.__version__}.vsix"
    assert vsix.is_file(), output[-3000:]
    with zipfile.ZipFile(vsix) as package:
        names = set(package.namelist())
    for name in (
        "extension/package.json",
        "extension/dist/extension.js",
        "extension/LICENSE.txt",
        "extension/bundled/libs/ownit/__init__.py",
        "extension/bundled/libs/ownit/policy.example.yaml",
    ):
        assert name in names, name
