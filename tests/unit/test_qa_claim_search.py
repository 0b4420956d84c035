"""A commit message with thousands of claims that are not where they say (typed by hand,
or a hostile commit in the history) made `ownit verify` scan the whole committed file once
per claim: minutes for one commit. The claims of one file are looked for in one index of
its windows; the answers are the same (core/window_finder.find_fingerprint, which the
verifier, the commit hooks and the claim judgement use)."""

from __future__ import annotations

import pytest

from ownit.core import window_finder
from ownit.core.claim_validity import judge_claim, locate
from ownit.core.fingerprint import fingerprint
from ownit.core.policy import default_policy
from ownit.core.trailers import ClaimLine

LINES = [f"value_{n} = {n}" for n in range(400)]


def _claim(first: int, last: int, fp: str) -> ClaimLine:
    return ClaimLine("a.py", first, last, fp, "copilot", "dev@example.com", "Checked, tested")


def test_many_misplaced_claims_on_one_file_index_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    original = window_finder.WindowFinder.__init__

    def counting(self: window_finder.WindowFinder, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(window_finder.WindowFinder, "__init__", counting)
    lines = list(LINES)
    rule = default_policy().effective("a.py")
    forged = [_claim(n % 300 + 1, n % 300 + 2, "aaaaaaaaaaaa") for n in range(300)]
    for claim in forged:
        judged = judge_claim(
            claim,
            lines,
            author_email="dev@example.com",
            committer_email="dev@example.com",
            rule=rule,
            signature=None,
        )
        assert not judged.valid
    assert len(built) == 1


def test_a_claim_elsewhere_in_the_file_is_still_found_nearest_first() -> None:
    lines = [*LINES, *LINES[10:12]]  # lines 11-12 again at the end (401-402)
    fp = fingerprint(LINES[10:12])
    assert locate(_claim(398, 399, fp), lines) == (401, 402)  # nearest to where it says
    assert locate(_claim(20, 21, fp), lines) == (11, 12)
    assert locate(_claim(5, 6, "aaaaaaaaaaaa"), lines) is None
    other = list(lines)  # another file (an equal list) is searched on its own
    other[10] = "changed = 1"
    assert locate(_claim(20, 21, fp), other) == (401, 402)


def test_a_text_changed_in_place_is_searched_as_it_is_now() -> None:
    lines = list(LINES)
    fp = fingerprint(LINES[10:12])
    assert window_finder.find_fingerprint(lines, fp, 2, near=0) == (10, 12)
    lines[10] = "changed = 1"  # the same list, other text
    assert window_finder.find_fingerprint(lines, fp, 2, near=0) is None
    lines.extend(LINES[10:12])
    assert window_finder.find_fingerprint(lines, fp, 2, near=0) == (400, 402)
