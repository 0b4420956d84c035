"""Doctor check of what editors start: `ownit lsp` from PATH (Neovim, Emacs, Helix, …) and
a python3 that can import ownit's server (what the VS Code extension tries when it runs
ownit from the environment)."""

from __future__ import annotations

import shutil
import subprocess

from ownit.core.doctor import Check, fail, ok, warn

FIX = "install ownit where the editor finds it (e.g. pipx install ., or pip install . in python3)"


def _python3_imports_server() -> tuple[str | None, str]:
    python3 = shutil.which("python3")
    if python3 is None:
        return None, "no python3 on PATH"
    try:
        done = subprocess.run(
            [python3, "-c", "import ownit.lsp.server"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"python3 ({python3}) cannot run: {error}"
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return None, f"python3 ({python3}) cannot import ownit.lsp.server ({last[0][:120]})"
    return python3, ""


def check_editor() -> Check:
    on_path = shutil.which("ownit")
    python3, why = _python3_imports_server()
    if on_path and python3:
        return ok("editor server", f"ownit lsp from {on_path}; python3 ({python3}) has ownit")
    if on_path:
        return warn(
            "editor server",
            f"ownit lsp from {on_path}; {why}: the VS Code extension uses its bundled server",
            FIX,
        )
    if python3:
        return warn(
            "editor server",
            f"ownit is not on PATH (editors configured with `ownit lsp` cannot start it); "
            f"python3 ({python3}) has ownit",
            FIX,
        )
    return fail(
        "editor server",
        f"ownit is not on PATH and {why}: only the VS Code extension's bundled server can start",
        FIX,
    )
