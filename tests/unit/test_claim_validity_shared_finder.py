"""Claims judged against one shared index per text (``TextFinders``) are judged exactly as
the naive per-claim path judges them: a fresh text and a fresh search for each claim,
and a brute-force nearest-window reference for where the code is."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core.claim_validity import ClaimJudgement, TextFinders, judge_claim
from ownit.core.fingerprint import fingerprint
from ownit.core.policy import default_policy
from ownit.core.trailers import ClaimLine
from ownit.core.window_finder import nearest_sorted

OWNER = "dev@example.com"
RATIONALE = "Checked the values against the spec and the tests"
POLICY = default_policy()


def brute_located(claim: ClaimLine, lines: list[str]) -> tuple[int, int] | None:
    """The reference: the stated lines if they match, else of every window of as many
    lines with the fingerprint the nearest to the stated first line, the earlier on a tie."""
    length = claim.last - claim.first + 1
    if claim.last <= len(lines) and fingerprint(lines[claim.first - 1 : claim.last]) == (
        claim.fingerprint
    ):
        return claim.first, claim.last
    near = claim.first - 1
    starts = [
        s
        for s in range(len(lines) - length + 1)
        if fingerprint(lines[s : s + length]) == claim.fingerprint
    ]
    if not starts:
        return None
    best = min(starts, key=lambda s: (abs(s - near), s))
    return best + 1, best + length


def naive_judgement(claim: ClaimLine, lines: list[str] | None) -> ClaimJudgement:
    """The per-claim path as it was: a new list (so a new index) for every claim."""
    return judge_claim(
        claim,
        None if lines is None else list(lines),
        author_email=OWNER,
        committer_email=OWNER,
        rule=POLICY.effective(claim.path),
    )


# Few distinct lines, so that windows repeat and the nearest-to-line-K rule decides.
texts = st.lists(st.sampled_from(["a", "b", "  a", "c = 1", "", "é", "😀"]), max_size=30)


@st.composite
def claim_sets(draw: st.DrawFn) -> tuple[list[str], list[ClaimLine]]:
    lines = draw(texts)
    claims: list[ClaimLine] = []
    for _ in range(draw(st.integers(0, 25))):
        first = draw(st.integers(1, len(lines) + 3))
        last = first + draw(st.integers(0, 6))  # may run past the end of the file
        source = draw(st.integers(0, 2))
        if source == 0 and lines:  # the code of some real window (often moved)
            start = draw(st.integers(0, len(lines) - 1))
            stop = min(len(lines), start + last - first + 1)
            fp = fingerprint(lines[start:stop])
        elif source == 1 and last <= len(lines):  # the stated lines' own
            fp = fingerprint(lines[first - 1 : last])
        else:  # forged
            fp = f"{draw(st.integers(0, 2**48 - 1)):012x}"
        owner = OWNER if draw(st.booleans()) else None
        claim = ClaimLine("a.py", first, last, fp, "copilot", owner, RATIONALE)
        claims.append(claim)
        if draw(st.integers(0, 4)) == 0:
            claims.append(claim)  # a duplicate claim line
    return lines, claims


@settings(max_examples=300, deadline=None)
@given(claim_sets(), st.booleans())
def test_shared_index_judges_as_the_naive_path(
    case: tuple[list[str], list[ClaimLine]], missing: bool
) -> None:
    lines, claims = case
    text = None if missing else lines
    finders = TextFinders()
    for claim in claims:
        shared = judge_claim(
            claim,
            text,
            author_email=OWNER,
            committer_email=OWNER,
            rule=POLICY.effective(claim.path),
            finders=finders,
        )
        assert shared == naive_judgement(claim, text)
        if text is not None:
            assert shared.located == brute_located(claim, text)


@given(st.lists(st.integers(0, 40), unique=True).map(sorted), st.integers(-5, 45))
def test_nearest_sorted_is_the_nearest_earlier_on_a_tie(starts: list[int], near: int) -> None:
    expected = min(starts, key=lambda s: (abs(s - near), s)) if starts else None
    assert nearest_sorted(starts, near) == expected


def test_one_index_per_text_object() -> None:
    finders = TextFinders()
    text = ["a", "b"]
    assert finders.of(text) is finders.of(text)
    assert finders.of(list(text)) is not finders.of(text)  # an equal text in another list
