"""Emacs 28 in --batch with eglot 1.9 (both from Debian) as the LSP client of `ownit lsp`,
through the glue a user copies (editors/emacs/ownit.el)."""

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
    covered_lines,
    run_editor,
    scenario_workspace,
)

EMACS = shutil.which("emacs")

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        EMACS is None,
        reason="emacs is not installed (scripts/install-system-packages installs it: "
        "apt-get install emacs-nox elpa-eglot)",
    ),
]


def run_emacs(ws: Workspace, scenario: str, region: tuple[int, int], rationale: str) -> Any:
    run_ws, result = scenario_workspace(ws, "emacs", scenario, region, rationale)
    assert EMACS is not None
    argv = [EMACS, "--batch", "-q", "-l", str(E2E_DIR / "emacs_flow.el")]
    return run_editor(argv, run_ws, result)


def assert_one_unowned_diagnostic(diagnostics: list[dict[str, Any]], first: int, last: int) -> None:
    assert len(diagnostics) == 1, diagnostics
    lsp = diagnostics[0]["lsp"]
    assert lsp["source"] == "ownit", lsp
    assert lsp["code"] == "unowned-ai", lsp
    assert lsp.get("data", {}).get("regionId"), lsp
    assert covered_lines(lsp["range"]) == (first, last), lsp
    # flymake put the diagnostic on the same lines in the buffer
    assert diagnostics[0]["beg_line"] == first, diagnostics


def hover_text(hover: Any) -> str:
    assert hover, "no hover"
    contents = hover["contents"]
    if isinstance(contents, dict):
        return str(contents.get("value", ""))
    if isinstance(contents, list):
        return "\n".join(c if isinstance(c, str) else str(c.get("value", "")) for c in contents)
    return str(contents)


def test_mark_claim_clear(workspace: Workspace) -> None:
    first, last = CLAIM_REGION
    rec = run_emacs(workspace, "claim", CLAIM_REGION, REAL_RATIONALE)

    assert rec["major_mode"] == "python-mode"
    region_id = rec["mark"]["regionId"]
    assert isinstance(region_id, str) and region_id
    assert_one_unowned_diagnostic(rec["diagnostics_after_mark"], first, last)
    assert rec["diagnostics_after_mark"][0]["lsp"]["data"]["regionId"] == region_id

    assert OWN_TITLE in rec["titles"], rec["titles"]
    assert DISMISS_TITLE in rec["titles"], rec["titles"]

    assert rec["placeholder_error"], "a placeholder rationale was accepted"
    assert_says_why(rec["placeholder_error"])
    assert_one_unowned_diagnostic(rec["diagnostics_after_placeholder"], first, last)

    assert rec["prompt"], "M-x ownit-claim did not prompt for a rationale"
    assert rec["action_prompt"], "the quick fix did not prompt for a rationale"
    assert rec["diagnostics_after_claim"] == []
    assert rec["lines"] == [*SAMPLE_LINES, ""]
    hover = hover_text(rec["hover"])
    assert REAL_RATIONALE in hover and GIT_NAME in hover, hover


def test_comment_rationale_flow(workspace: Workspace) -> None:
    first, last = COMMENT_REGION
    rec = run_emacs(workspace, "comment", COMMENT_REGION, COMMENT_RATIONALE)

    assert_one_unowned_diagnostic(rec["diagnostics_after_mark"], first, last)
    assert_one_unowned_diagnostic(rec["diagnostics_after_comment"], first + 1, last + 1)
    assert OWN_ABOVE_TITLE in rec["titles"], rec["titles"]
    assert rec["lines"] == [*SAMPLE_LINES, ""]
    assert COMMENT_RATIONALE in hover_text(rec["hover"])
