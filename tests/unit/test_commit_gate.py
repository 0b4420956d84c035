"""The commit gate's verdict (core/commit_plan.gate, a function of the plan and the
policy): `ai: forbidden`, unapproved tools as unowned code under `commit`, and ownership."""

from __future__ import annotations

import pytest

from ownit.core.commit_plan import Gate, Piece, Plan, gate, policy_objects
from ownit.core.policy import load_policy

POLICY = load_policy(
    """\
version: 1
defaults:
  tools: ["claude-code:*", copilot]
rules:
  - name: crypto
    description: "No AI here."
    paths: ["crypto/**"]
    ai: forbidden
    commit: allow
  - name: pay
    paths: ["pay/**"]
    commit: block
  - name: docs
    paths: ["docs/**"]
    commit: allow
  - name: gen
    paths: ["gen/**"]
    require_ownership: false
"""
)


def piece(path: str, tool: str, *, owned: bool) -> Piece:
    return Piece(
        region_id="r1",
        path=path,
        first=0,
        end=3,
        fingerprint="0a1b2c3d4e5f",
        tool=tool,
        owned=owned,
        owner_email="dev@example.com" if owned else "",
        rationale="Checked by hand against the spec" if owned else "",
    )


def verdict(path: str, tool: str, *, owned: bool) -> tuple[str, str]:
    plan = Plan(base=None, amend=False, pieces=[piece(path, tool, owned=owned)])
    found: Gate = gate(plan, POLICY)
    if found.block:
        return "block", found.block[0][2]
    if found.warn or found.unapproved:
        why = found.unapproved[0][1] if found.unapproved else ""
        return "warn" if found.warn else "note", why
    if found.allow:
        return "allow", ""
    return "pass", ""


@pytest.mark.parametrize(
    ("path", "tool", "owned", "expected"),
    [
        # AI forbidden: refused owned or not, whatever `commit` says (allow here).
        ("crypto/a.py", "copilot", True, "block"),
        ("crypto/a.py", "copilot", False, "block"),
        # An approved tool: ownership decides, under `commit`.
        ("src/a.py", "copilot", True, "pass"),
        ("src/a.py", "copilot", False, "warn"),
        ("pay/a.py", "claude-code:claude-sonnet-5", False, "block"),
        ("docs/a.md", "copilot", False, "allow"),
        ("gen/a.py", "copilot", False, "allow"),
        # An unapproved tool counts as unowned, even owned, under `commit`.
        ("pay/a.py", "cursor", True, "block"),
        ("src/a.py", "cursor", True, "note"),  # warn: said, committed with AI-Owned
        ("src/a.py", "cursor", False, "warn"),
        ("docs/a.md", "cursor", True, "allow"),
        # ... also where ownership is not required.
        ("gen/a.py", "cursor", True, "note"),
    ],
)
def test_gate(path: str, tool: str, owned: bool, expected: str) -> None:
    assert verdict(path, tool, owned=owned)[0] == expected


def test_reasons_name_the_rule() -> None:
    assert verdict("crypto/a.py", "copilot", owned=True)[1] == (
        "policy rule 'crypto' forbids AI-written code here: No AI here."
    )
    assert "tool cursor is not approved here" in verdict("pay/a.py", "cursor", owned=True)[1]
    plan = Plan(base=None, amend=False, pieces=[piece("src/a.py", "copilot", owned=True)])
    assert not policy_objects(plan, POLICY)
    plan.pieces.append(piece("src/b.py", "cursor", owned=True))
    assert policy_objects(plan, POLICY)


def test_min_evidence_never_blocks_for_want_of_an_owner_but_forbidden_still_refuses() -> None:
    policy = load_policy(
        "version: 1\ndefaults:\n  commit: block\n  min_evidence: exact\n"
        "rules:\n  - name: crypto\n    paths: ['crypto/**']\n    ai: forbidden\n"
    )

    def weak(path: str) -> Gate:
        # commit-trailer: corroborated, less than exact
        found = piece(path, "copilot", owned=False)._replace(source="commit-trailer")
        return gate(Plan(base=None, amend=False, pieces=[found]), policy)

    # Below min_evidence the gate only warns about unowned code...
    assert (weak("src/a.py").block, len(weak("src/a.py").warn)) == ([], 1)
    # ... but a path that forbids AI refuses it, as the editor and verify say it.
    blocked = weak("crypto/a.py").block
    assert len(blocked) == 1 and "forbids AI" in blocked[0][2]
