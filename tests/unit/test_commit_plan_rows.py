"""The pending plan's JSON: each piece a row of its fields (named once), read back exactly
through JSON; the one-object-per-piece form an older ownit wrote still reads; rows of
fields in another order read by name."""

from __future__ import annotations

import json

from ownit.core.commit_plan import Piece, Plan

PIECES = [
    Piece(
        "r1",
        "src/a.py",
        3,
        9,
        "3f9a1c2b7d4e",
        "copilot",
        True,
        "Dev",
        "dev@example.com",
        "Checked by hand",
        1.5,
        "0a1b2c3d4e5f",
        False,
        4,
        "manual",
        6,
        "tests",
    ),
    Piece("r2", "src/b c.py", 0, 2, "9b8c7d6e5f4a", "claude-code:sonnet", False),
]


def test_rows_round_trip_through_json() -> None:
    plan = Plan(base="a" * 40, amend=False, pieces=list(PIECES), notes=["n"], problems=["p"])
    written = json.dumps(plan.to_json())
    assert '"pieces": [[' in written
    again = Plan.from_json(json.loads(written))
    assert again == plan
    assert [type(p) for p in again.pieces] == [Piece, Piece]


def test_an_empty_plan_says_so_as_the_post_commit_script_looks_for_it() -> None:
    assert '"pieces": []' in json.dumps(Plan(base=None, amend=False).to_json())


def test_one_object_per_piece_as_an_older_ownit_wrote_it() -> None:
    old = {
        "base": "b" * 40,
        "amend": True,
        "pieces": [{name: getattr(p, name) for name in Piece._fields} for p in PIECES],
    }
    again = Plan.from_json(json.loads(json.dumps(old)))
    assert again.pieces == PIECES and again.amend and again.base == "b" * 40


def test_rows_in_another_order_are_read_by_name() -> None:
    fields = list(reversed(Piece._fields))
    data = {
        "base": None,
        "amend": False,
        "piece_fields": fields,
        "pieces": [[getattr(p, name) for name in fields] for p in PIECES],
    }
    assert Plan.from_json(json.loads(json.dumps(data))).pieces == PIECES
