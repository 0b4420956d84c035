"""Which coding agents a project uses, from the files they leave in it.

Only agents whose hooks ``ownit.agents.install`` can add are looked for. A bare
``.github/`` says nothing about Copilot (every GitHub project has one), so Copilot is
recognised by its own files there.
"""

from __future__ import annotations

from pathlib import Path

from ownit.agents.install import SUPPORTED
from ownit.agents.payloads import CLAUDE_CODE, COPILOT, CURSOR

MARKERS: dict[str, tuple[str, ...]] = {
    CLAUDE_CODE: (".claude/", "CLAUDE.md"),
    CURSOR: (".cursor/", ".cursorrules"),
    COPILOT: (
        ".github/copilot-instructions.md",
        ".github/hooks/",
        ".github/agents/",
        ".github/instructions/",
        ".github/prompts/",
    ),
}


def detect_agents(toplevel: Path) -> dict[str, str]:
    """Agent → the first of its files found in the project (``.claude/``), in
    ``SUPPORTED`` order; agents with none are left out."""
    found: dict[str, str] = {}
    for agent in SUPPORTED:
        for marker in MARKERS.get(agent, ()):
            path = toplevel / marker.rstrip("/")
            if path.is_dir() if marker.endswith("/") else path.is_file():
                found[agent] = marker
                break
    return found
