"""The at-the-tip view's pure parts: lines classified owned / unowned / invalid from their
blame, the claim index and the claims' judgements; regions; the JSON round trip; the
attestation statement's shape."""

from __future__ import annotations

import datetime

from ownit.core import attestation
from ownit.core import trailers as tr
from ownit.core.claim_index import ClaimIndex, CommitClaims
from ownit.core.claim_judgement import INVALID, VALID, Judgement, claim_key
from ownit.core.fingerprint import fingerprint
from ownit.core.provenance import BlameLine
from ownit.core.tip_alerts import INVALID_RULE, UNOWNED_RULE, alerts
from ownit.core.tip_view import TipView, build, file_regions, split_index

AI = "a" * 40
OWNS = "b" * 40
FORGED = "c" * 40
HUMAN = "d" * 40
CODE = ["def f():", "    return 1", "x = 2", "y = 3", "z = 4", "w = 5"]
DEV = "dev@example.com"


def blame(commits: list[str]) -> list[BlameLine]:
    return [
        BlameLine(n, sha, n, "m.py", text)
        for n, (sha, text) in enumerate(zip(commits, CODE, strict=True), start=1)
    ]


def test_lines_are_owned_unowned_or_invalid() -> None:
    owned = tr.ClaimLine("m.py", 1, 2, fingerprint(CODE[:2]), "copilot", DEV, "Checked it")
    forged = tr.ClaimLine("m.py", 5, 6, "deadbeef0000", "copilot", "eve@example.com", "Sure")
    index = ClaimIndex()
    index.add(CommitClaims(AI, 0, (), ai_tool="claude-code"))
    index.add(CommitClaims(OWNS, 1, (owned,)))
    index.add(CommitClaims(FORGED, 2, (forged,)))
    judgements = {
        claim_key(OWNS, owned): Judgement(VALID),
        claim_key(FORGED, forged): Judgement(INVALID, "does not match", "claim-mismatch"),
    }
    valid, invalid = split_index(index, judgements)
    assert [c.claims for c in invalid.commits.values()] == [(forged,)]
    lines = blame([AI, AI, AI, AI, FORGED, FORGED])
    regions = file_regions("m.py", lines, valid, invalid, judgements, rule="src")
    got = [(r.first, r.last, r.status, r.owner, r.code) for r in regions]
    assert got == [
        (1, 2, "owned", DEV, ""),
        (3, 4, "unowned", None, ""),
        (5, 6, "invalid", "eve@example.com", "claim-mismatch"),
    ]
    assert regions[0].how == "later-claim" and regions[1].how == "ai-commit"
    assert regions[1].fingerprint == fingerprint(CODE[2:4])
    assert all(r.rule == "src" for r in regions)
    view = build("e" * 40, regions, files=1, tracked_files=3)
    assert view.lines.to_json() == {
        "owned": 2,
        "unowned": 2,
        "invalid": 2,
        "total": 6,
        "ownedShare": 0.3333,
    }
    assert [(r.name, r.lines.owned, r.lines.invalid) for r in view.by_owner()] == [
        (DEV, 2, 0),
        ("eve@example.com", 0, 2),
    ]
    assert TipView.from_json(view.to_json()) == view
    rules = [a.rule_id for a in alerts(view)]
    assert rules == [UNOWNED_RULE, INVALID_RULE]


def test_an_unjudged_claim_never_owns() -> None:
    owned = tr.ClaimLine("m.py", 1, 2, fingerprint(CODE[:2]), "copilot", DEV, "Checked it")
    index = ClaimIndex()
    index.add(CommitClaims(OWNS, 0, (owned,)))
    valid, invalid = split_index(index, {})
    lines = blame([OWNS, OWNS, HUMAN, HUMAN, HUMAN, HUMAN])
    [region] = file_regions("m.py", lines, valid, invalid, {})
    assert region.status == "invalid" and region.reason == "the claim was not checked"


def test_not_required_regions_raise_no_alert() -> None:
    index = ClaimIndex()
    index.add(CommitClaims(AI, 0, (), ai_tool="aider"))
    valid, invalid = split_index(index, {})
    regions = file_regions(
        "m.py", blame([AI] * 6), valid, invalid, {}, required=lambda commit: False
    )
    view = build("e" * 40, regions, files=1, tracked_files=1)
    assert view.required_unowned == 0 and alerts(view) == []


def test_the_statement_binds_the_tip_commit() -> None:
    view = build("e" * 40, [], files=0, tracked_files=0)
    body = attestation.predicate(
        attestation.AttestRange("HEAD", None, "e" * 40, 0),
        [],
        {},
        view,
        policy="built-in defaults",
        policy_commit="e" * 40,
        trusted_keys_from="e" * 40,
        repository="https://example.com/acme/app",
        generator="ownit test",
        generated_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    statement = attestation.statement("e" * 40, "https://example.com/acme/app", body)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [
        {
            "digest": {"gitCommit": "e" * 40},
            "name": "https://example.com/acme/app",
            "uri": "git+https://example.com/acme/app@" + "e" * 40,
        }
    ]
    assert body["generatedAt"] == "2026-01-02T03:04:05Z"
    bare = attestation.statement("e" * 40, None, body)
    assert bare["subject"] == [{"digest": {"gitCommit": "e" * 40}}]
