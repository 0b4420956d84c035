"""History hints of open documents: what blame and the claim index say about lines no
stored region covers (computed off the message loop, cached by HEAD and content)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from ownit.core.history_regions import history_regions
from ownit.core.region_index import RegionIndex
from ownit.session.contexts import RepoContext
from ownit.session.documents import Document, Tracked

if TYPE_CHECKING:
    from ownit.core.provenance import HistoryRun

HISTORY_CACHE_SIZE = 64


def history_inputs(document: Document | None) -> tuple[RepoContext, str, str] | None:
    """What computing the document's history hints needs, or None when it has none."""
    if document is None or document.context is None or document.key is None:
        return None
    if document.context.repo is None or document.unsupported:
        return None
    return document.context, document.key, document.buffer.text


def compute_history(context: RepoContext, key: str, text: str) -> list[HistoryRun]:
    """Blame and claim index (git, files): meant for a worker thread. Cached by HEAD
    and content, so reopening a file or saving it unchanged costs nothing."""
    from ownit.git.history_hints import head_commit, runs_for

    assert context.repo is not None
    head = head_commit(context.repo)
    cache_key = (head, key, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    cached = context.history_cache.get(cache_key)
    if cached is None:
        cached = runs_for(context.repo, key, text, context.policy().in_force, head)
        if len(context.history_cache) > HISTORY_CACHE_SIZE:
            context.history_cache.clear()
        context.history_cache[cache_key] = cached
    return cached


def show_history(document: Document, runs: list[HistoryRun], basis_text: str) -> None:
    """Show ``runs`` (lines of ``basis_text``) in the document, its regions in place."""

    def covered(first: int, end: int) -> bool:  # a stored region speaks for these lines
        return any(
            t.region.overlaps(first, end) for t in document.tracked.overlapping(first, end - 1)
        )

    found = history_regions(runs, basis_text, document.buffer, document.key or "", covered)
    document.history = RegionIndex()
    document.history.add_all([Tracked(state, span, history=run) for state, span, run in found])
    document.touch()
