"""Looking for a claim's code anywhere in a file: knowing its first line (as the claim's
commit has it) hashes only the windows starting there, with the same answer."""

from __future__ import annotations

from ownit.core.fingerprint import fingerprint, normalize_line
from ownit.core.provenance import _WindowCache


def test_the_first_line_gives_the_whole_tables_answer() -> None:
    lines = [normalize_line(f"x = {i % 7}  ") for i in range(60)] + ["def f():", "    pass"]
    for length in (1, 2, 3, 5):
        for start in range(len(lines) - length + 1):
            fp = fingerprint(lines[start : start + length])
            whole = _WindowCache(lines).find(fp, length)
            first = _WindowCache(lines).find(fp, length, lines[start])
            assert first == whole is not None and whole <= start
    absent = fingerprint(["not", "here"])
    assert _WindowCache(lines).find(absent, 2, "not") is None
    assert _WindowCache(lines).find(absent, 2) is None


def test_the_budget_is_the_same_with_or_without_first_lines() -> None:
    lines = [f"line {i}" for i in range(100)]
    fp = fingerprint(lines[10:20])
    # a budget too small for one table refuses with or without the first line
    assert _WindowCache(lines, budget=100).find(fp, 10) is None
    assert _WindowCache(lines, budget=100).find(fp, 10, "line 10") is None
    cache = _WindowCache(lines, budget=(100 - 10 + 1) * 10)
    assert cache.find(fp, 10, "line 10") == 10
    assert cache.find(fingerprint(lines[30:40]), 10) == 30  # that length is paid for
    assert cache.find(fingerprint(lines[0:3]), 3) is None  # the budget is spent
