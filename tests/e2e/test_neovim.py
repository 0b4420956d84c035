"""Headless Neovim (0.7.2 from Debian) as the LSP client of `ownit lsp`, through the glue a
user copies (editors/nvim/ownit.lua)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from .harness import (
    CLAIM_REGION,
    COMMENT_RATIONALE,
    COMMENT_REGION,
    DISMISS_TITLE,
    E2E_DIR,
    GIT_NAME,
    OWN_ABOVE_TITLE,
    OWN_TITLE,
    REAL_RATIONALE,
    SAMPLE_LINES,
    Workspace,
    assert_says_why,
    run_editor,
    scenario_workspace,
)

NVIM = shutil.which("nvim")

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        NVIM is None,
        reason="nvim is not installed (scripts/install-system-packages installs it: "
        "apt-get install neovim)",
    ),
]


def run_nvim(ws: Workspace, scenario: str, region: tuple[int, int], rationale: str) -> Any:
    run_ws, result = scenario_workspace(ws, "nvim", scenario, region, rationale)
    script = E2E_DIR / "nvim_flow.lua"
    assert NVIM is not None
    argv = [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"]
    lsp_log = ws.tmp / "xdg" / "cache" / "nvim" / "lsp.log"
    return run_editor(argv, run_ws, result, [lsp_log])


def assert_one_unowned_diagnostic(diagnostics: list[dict[str, Any]], first: int, last: int) -> None:
    assert len(diagnostics) == 1, diagnostics
    (diag,) = diagnostics
    assert diag["source"] == "ownit"
    assert diag["code"] == "unowned-ai"
    assert diag["data"] and diag["data"].get("regionId"), diag
    # vim.diagnostic keeps LSP lines; an end at column 0 does not cover that line.
    end = (
        diag["end_lnum"] - 1
        if diag["end_col"] == 0 and diag["end_lnum"] > diag["lnum"]
        else diag["end_lnum"]
    )
    assert (diag["lnum"], end) == (first, last), diag


def test_mark_claim_clear(workspace: Workspace) -> None:
    first, last = CLAIM_REGION
    rec = run_nvim(workspace, "claim", CLAIM_REGION, REAL_RATIONALE)

    region_id = rec["mark"]["result"]["regionId"]
    assert isinstance(region_id, str) and region_id
    assert_one_unowned_diagnostic(rec["diagnostics_after_mark"], first, last)
    assert rec["diagnostics_after_mark"][0]["data"]["regionId"] == region_id

    assert OWN_TITLE in rec["titles"], rec["titles"]
    assert DISMISS_TITLE in rec["titles"], rec["titles"]

    rejected = rec["placeholder_claim"]
    assert rejected.get("err"), f"a placeholder rationale was accepted: {rejected}"
    assert_says_why(rejected["err"]["message"])
    # Still unowned after the refusal.
    assert_one_unowned_diagnostic(rec["diagnostics_after_placeholder"], first, last)

    assert rec["prompt"], "the glue did not prompt for a rationale"
    assert rec["diagnostics_after_claim"] == []
    assert rec["lines"] == SAMPLE_LINES
    hover = hover_text(rec["hover"])
    assert REAL_RATIONALE in hover and GIT_NAME in hover, hover


def test_comment_rationale_flow(workspace: Workspace) -> None:
    rec = run_nvim(workspace, "comment", COMMENT_REGION, COMMENT_RATIONALE)

    first, last = COMMENT_REGION
    assert_one_unowned_diagnostic(rec["diagnostics_after_mark"], first, last)
    assert_one_unowned_diagnostic(rec["diagnostics_after_comment"], first + 1, last + 1)
    assert OWN_ABOVE_TITLE in rec["titles"], rec["titles"]
    # The server's workspace/applyEdit removed exactly the comment line.
    assert rec["lines"] == SAMPLE_LINES
    hover = hover_text(rec["hover"])
    assert COMMENT_RATIONALE in hover, hover


def hover_text(response: Any) -> str:
    """The text of a hover response as buf_request_sync returned it ({result = Hover})."""
    assert response and not response.get("err"), response
    contents = response["result"]["contents"]
    if isinstance(contents, dict):
        return str(contents.get("value", ""))
    if isinstance(contents, list):
        return "\n".join(c if isinstance(c, str) else str(c.get("value", "")) for c in contents)
    return str(contents)
