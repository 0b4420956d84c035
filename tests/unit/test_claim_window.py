"""Looking for a claim's code anywhere in a file: knowing its first line (as the claim's
commit has it) hashes only the windows starting there, with the same answer."""

from __future__ import annotations

from ownit.core.fingerprint import fingerprint, normalize_line
from ownit.core.window_finder import WindowFinder


def _cache(lines: list[str], budget: int = 400_000) -> WindowFinder:
    """The finder blame and history hints use (core.provenance.resolve)."""
    return WindowFinder(lines, normalized=True, budget=budget)


def test_the_first_line_gives_the_whole_tables_answer() -> None:
    lines = [normalize_line(f"x = {i % 7}  ") for i in range(60)] + ["def f():", "    pass"]
    for length in (1, 2, 3, 5):
        for start in range(len(lines) - length + 1):
            fp = fingerprint(lines[start : start + length])
            whole = _cache(lines).find(fp, length)
            first = _cache(lines).find(fp, length, first_line=lines[start])
            assert first == whole is not None and whole <= start
    absent = fingerprint(["not", "here"])
    assert _cache(lines).find(absent, 2, first_line="not") is None
    assert _cache(lines).find(absent, 2) is None


def test_the_budget_is_the_same_with_or_without_first_lines() -> None:
    lines = [f"line {i}" for i in range(100)]
    fp = fingerprint(lines[10:20])
    # a budget too small for one table refuses with or without the first line
    assert _cache(lines, budget=100).find(fp, 10) is None
    assert _cache(lines, budget=100).find(fp, 10, first_line="line 10") is None
    cache = _cache(lines, budget=(100 - 10 + 1) * 10)
    assert cache.find(fp, 10, first_line="line 10") == 10
    assert cache.find(fingerprint(lines[30:40]), 10) == 30  # that length is paid for
    assert cache.find(fingerprint(lines[0:3]), 3) is None  # the budget is spent
