"""Fixtures for the end-to-end tests (helpers live in harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import SAMPLE_LINES, Workspace, make_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A git repository holding SAMPLE_LINES as sample.py, in a hermetic environment."""
    return make_workspace(tmp_path, "\n".join(SAMPLE_LINES) + "\n")
