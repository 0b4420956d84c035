"""The status query: every unowned or stale region, open documents as edited and other
files as the store holds them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ownit.core.model import Ownership, RegionState
from ownit.session.contexts import RepoContext
from ownit.session.documents import Document, path_to_uri


def status(
    open_states: Iterator[tuple[Document, RegionState]],
    contexts: Iterable[RepoContext],
    *,
    include_owned: bool = False,
) -> list[tuple[str, RegionState]]:
    """``(uri, state)`` of every unowned or stale region (with ``include_owned``, owned
    ones too): ``open_states`` first, then the stored regions of files not open."""
    wanted = {Ownership.UNOWNED, Ownership.STALE}
    if include_owned:
        wanted.add(Ownership.OWNED)
    result: list[tuple[str, RegionState]] = []
    open_keys: set[tuple[int, str]] = set()
    for document, state in open_states:
        if document.context is not None and document.key is not None:
            open_keys.add((id(document.context), document.key))
        if state.ownership in wanted:
            result.append((document.uri, state))
    for context in contexts:
        for state in context.store.region_states():
            if (id(context), state.region.path) in open_keys:
                continue
            if state.ownership in wanted:
                result.append((path_to_uri(context.path_for(state.region.path)), state))
    return result
