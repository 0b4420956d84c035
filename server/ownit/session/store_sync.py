"""Open documents and their stores: stored regions loaded into a document (re-anchored
to its text), positions saved back, what other processes wrote merged in, regions of a
renamed file adopted, and the store written back when its file vanished."""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Region, RegionState, RegionStatus
from ownit.core.reanchor import (
    Anchor,
    Reanchoring,
    StoredGroup,
    group_by_basis,
    reanchor,
    reanchor_groups,
)
from ownit.core.text_compare import similar
from ownit.core.tracking import span_for_lines
from ownit.session.contexts import RepoContext
from ownit.session.documents import (
    Document,
    PendingLoad,
    Tracked,
    unsupported_reason,
    uri_to_path,
)
from ownit.store import Store, StoreError

# How long a region written by another process waits for the editor's buffer to show the
# text it was recorded on (an agent wrote the file; the editor reloads it a moment later).
LIVE_GRACE_SECONDS = 5.0


def open_document(
    document: Document, context_for: Callable[[Path], RepoContext], *, defer: bool
) -> None:
    """Track the just-opened document's stored regions, or say why it cannot be tracked
    (``unsupported``; when git or the store refuses, that is set and the error raised)."""
    path = uri_to_path(document.uri)
    document.unsupported = unsupported_reason(path, document.buffer.text)
    if path is None or document.unsupported is not None:
        return
    try:
        context = context_for(path)
        key = context.key_for(path)
    except Exception as error:  # git refuses the repository, the store is unusable
        # The document stays open, untracked, saying why; the caller reports it.
        document.unsupported = f"the ownit store cannot be used here: {error}"
        raise
    attach(document, context, path, key, defer=defer)


def attach(document: Document, context: RepoContext, path: Path, key: str, *, defer: bool) -> None:
    """Give the just-opened document its context and its stored regions (``defer``: when
    there are some to re-anchor, leave that to a worker and ``finish_loading``)."""
    document.context = context
    document.key = key
    document.is_policy_file = context.policy_file == path
    with collection_paused():
        _states, stored, texts = context.store.document_groups(key)
        groups = [
            StoredGroup(texts.get(digest) if digest is not None else None, states)
            for digest, states in stored
        ]
        if groups and not install_in_place(document, groups):
            buffer = document.buffer
            if defer:
                document.loading = PendingLoad(groups, buffer.text, list(buffer.lines))
                return
            install(document, reanchor_groups(groups, buffer.text, buffer.lines))
    if not document.tracked and not document.is_policy_file:
        adopt_moved(document)


def install_in_place(document: Document, groups: list[StoredGroup]) -> bool:
    """Track the stored regions at their stored lines when the document's text is the
    text those lines refer to (a file opened as it was left): nothing to re-anchor. A
    region's fingerprint is that of its lines in that text (every writer stores the two
    together), so each is where it was, as ``reanchor`` would find it ("unchanged").
    False, with nothing done, when some group refers to another text, or some region's
    lines are not all in the text: those take the re-anchoring path."""
    buffer = document.buffer
    text = buffer.text
    if any(group.basis != text for group in groups):
        return False
    count = buffer.line_count()
    added: list[Tracked] = []
    longest = 0
    for group in groups:
        for state in group.states:
            region = state.region
            first, end = region.first_line, region.end_line
            if not 0 <= first < end <= count:
                return False
            if end - first > longest:
                longest = end - first
            # A region ending at the end of the text ends there, not at a next line.
            span = span_for_lines(buffer, first, end) if end >= count else None
            added.append(Tracked(state, span))
    # One group comes in the store's order, which is text order: nothing to sort.
    document.tracked.add_all(added, in_order=len(groups) == 1, longest=longest)
    document.touch()
    return True


def finish_loading(document: Document, results: list[Reanchoring] | None) -> None:
    """Install the regions of a deferred open (see ``Session.finish_loading``)."""
    pending = document.loading
    assert pending is not None
    document.loading = None
    text = document.buffer.text
    with collection_paused():
        if results is None or text != pending.text:
            results = reanchor_groups(pending.groups, text, document.buffer.lines)
        install(document, results)
    if not document.tracked and not document.is_policy_file:
        adopt_moved(document)
    if document.merge_after_load and document.context is not None:
        document.merge_after_load = False
        document.context.seen_data_version = -1  # what others wrote: merged next poll


def open_states(documents: dict[str, Document]) -> Iterator[tuple[Document, RegionState]]:
    """Every open document's regions (a deferred load finishes first)."""
    for document in list(documents.values()):
        if document.loading is not None and documents.get(document.uri) is document:
            finish_loading(document, None)
        for state in document.states():
            yield document, state


def adopt_moved(document: Document) -> None:
    """A file with no regions may be a renamed or moved one: regions whose file no
    longer exists and whose lines are found here, unchanged, move to this path."""
    context, key = document.context, document.key
    assert context is not None and key is not None
    store = context.store
    text = document.buffer.text
    for old_path in store.active_paths():
        if old_path == key or context.path_for(old_path).exists():
            continue
        states = store.region_states(old_path)
        basis = store.basis_text(states[0].region.id) if states else None
        if basis is None or not similar(basis, text):
            continue  # a rename keeps most of a file (git's rule: half of it at least)
        anchors = [
            Anchor(s.region.id, s.region.first_line, s.region.end_line, s.region.fingerprint)
            for s in states
        ]
        found, _ = reanchor(None, text, anchors)
        exact = [r for r in found if r.how in ("unchanged", "fingerprint")]
        if not exact:
            continue
        positions = []
        for result in exact:
            lines = document.buffer.contents(result.first_line, result.end_line)
            positions.append(
                (result.region_id, result.first_line, result.end_line, fingerprint(lines))
            )
        store.move_regions(old_path, key, positions, text)
        load_regions(document, store.region_states(key))


def record_removed(document: Document, tracked: Tracked) -> None:
    if document.context is None:
        return
    document.context.store.set_status(
        tracked.region.id,
        RegionStatus.REMOVED,
        f"its text was deleted in the editor (lines {tracked.region.display_lines()})",
    )


def load_regions(document: Document, states: Iterable[RegionState], *, live: bool = False) -> None:
    """Add stored regions to an open document, re-anchored to its current text.

    ``live``: another process (an agent hook, the CLI) wrote them while the document
    is open. Their line numbers refer to the file on disk, which the editor may not
    have reloaded yet: only an exact match (same text, or the same lines found by
    fingerprint) is taken at once; the rest wait a little for the buffer to catch up
    (``LIVE_GRACE_SECONDS``), then take the line diff's answer. Nothing is marked lost
    here: the buffer, not the file, is what changed.
    """
    groups = stored_groups(document, states, live=live)
    if groups:
        buffer = document.buffer
        install(document, reanchor_groups(groups, buffer.text, buffer.lines), live=live)


def stored_groups(
    document: Document,
    states: Iterable[RegionState],
    *,
    live: bool = False,
    bases: tuple[dict[str, str], dict[str, str]] | None = None,
) -> list[StoredGroup]:
    """The regions to add, grouped by the text their lines refer to (one store read
    for every basis text, unless ``bases`` holds what ``Store.region_bases`` returns;
    each distinct text is re-anchored against once)."""
    assert document.context is not None and document.key is not None
    wanted = [
        state
        for state in states
        if state.region.status is RegionStatus.ACTIVE and state.region.id not in document.tracked
    ]
    if not wanted:
        return []
    if bases is None:
        bases = document.context.store.region_bases(document.key, include_inactive=live)
    return group_by_basis(wanted, *bases)


def install(document: Document, groups: list[Reanchoring], *, live: bool = False) -> None:
    """Track the re-anchored regions (found against the document's current text)."""
    assert document.context is not None and document.key is not None
    store = document.context.store
    buffer = document.buffer
    added: list[Tracked] = []
    moved = False
    for _basis, group, found, lost, same_text in groups:
        states_by_id = {s.region.id: s for s in group}
        now = time.monotonic()
        for result in found:
            if live and result.how == "diff":
                deadline = document.pending.setdefault(result.region_id, now + LIVE_GRACE_SECONDS)
                if now < deadline:
                    continue
            document.pending.pop(result.region_id, None)
            state = states_by_id[result.region_id]
            region = state.region
            if (result.first_line, result.end_line) != (region.first_line, region.end_line):
                moved = True
            region.first_line, region.end_line = result.first_line, result.end_line
            if result.how == "diff":  # otherwise the lines hold the same fingerprint
                region.fingerprint = fingerprint(
                    buffer.contents(result.first_line, result.end_line)
                )
            _share_strings(region, document.key)
            added.append(Tracked(state, span_for_lines(buffer, result.first_line, result.end_line)))
            if not same_text:
                moved = True
        for region_id in lost:
            if live:
                document.pending.setdefault(region_id, now + LIVE_GRACE_SECONDS)
                continue
            store.set_status(
                region_id,
                RegionStatus.LOST,
                "could not be found again after the file changed while it was closed",
            )
    if added:
        document.tracked.add_all(added)
        document.touch()
    if moved:
        document.positions_dirty = True
        persist(document)


def persist(document: Document) -> None:
    """Write the open document's region positions (and the text they refer to)."""
    if not document.positions_dirty or document.context is None or document.key is None:
        return
    positions = [
        (t.region.id, t.region.first_line, t.region.end_line, t.region.fingerprint)
        for t in document.tracked.values()
    ]
    document.context.store.update_positions(document.key, positions, document.buffer.text)
    document.positions_dirty = False


def persist_all(documents: Iterable[Document], notices: list[str]) -> None:
    for document in documents:
        try:
            persist(document)
        except Exception as error:
            notices.append(f"ownit could not save region positions of {document.uri}: {error}")


def refresh_from_store(
    contexts: Iterable[RepoContext], documents: dict[str, Document], notices: list[str]
) -> set[str]:
    """Pick up what other processes wrote; returns the URIs whose regions changed."""
    changed: set[str] = set()
    for context in list(contexts):
        try:
            context.store.ensure_current()  # a deleted store is recreated at once
        except StoreError as error:  # said once; every write says it again
            if str(error) != context.store_problem:
                context.store_problem = str(error)
                notices.append(str(error))
            continue
        context.store_problem = None
        version = context.store.data_version()
        fresh = version != context.seen_data_version
        context.seen_data_version = version
        for document in documents.values():
            if document.context is context and document.loading is not None:
                document.merge_after_load = document.merge_after_load or fresh
                continue  # merged once its regions are in place
            if (
                document.context is context
                and document.key is not None
                and (fresh or document.pending)
                and merge_stored(document)
            ):
                changed.add(document.uri)
    return changed


def merge_stored(document: Document) -> bool:
    """Take what the store now holds for the document (claims, dismissals, regions added
    or gone); True if anything changed."""
    assert document.context is not None and document.key is not None
    stored = {
        s.region.id: s
        for s in document.context.store.region_states(document.key, include_inactive=True)
    }
    changed = False
    for region_id, tracked in list(document.tracked.items()):
        state = stored.get(region_id)
        if state is None or state.region.status is not RegionStatus.ACTIVE:
            del document.tracked[region_id]
            document.touch()
            changed = True
            continue
        if state.claim != tracked.state.claim or state.dismissal != tracked.state.dismissal:
            tracked.state.claim, tracked.state.dismissal = state.claim, state.dismissal
            document.touch(tracked)
            tracked.state.history = state.history
            changed = True
    new = [s for rid, s in stored.items() if rid not in document.tracked]
    for rid in [rid for rid in document.pending if rid not in stored]:
        del document.pending[rid]
    if any(s.region.status is RegionStatus.ACTIVE for s in new):
        before = len(document.tracked)
        load_regions(document, new, live=True)
        changed = changed or len(document.tracked) != before
    return changed


def write_back(
    documents: Iterable[Document], context: RepoContext, store: Store, reason: str
) -> str:
    """The store's file was deleted or replaced while open (see Store.ensure_current):
    write back every region the open documents hold, with its claims and dismissal;
    returns what to tell the user."""
    mine = [document for document in documents if document.context is context]
    held = [
        (tracked.state, document.buffer.text)
        for document in mine
        for tracked in document.tracked.values()
    ]
    regions, claims, dismissals = store.restore(held)
    for document in mine:
        document.positions_dirty = False  # just written, from the same text
    context.seen_data_version = -1  # merge whatever the new file already holds
    what = "recreated it" if reason == "deleted" else "now uses the new file"
    notice = (
        f"The ownit store {store.path} was {reason} while ownit had it open: ownit {what}"
        f" and wrote back what the open files hold ({regions} region(s), {claims}"
        f" claim(s), {dismissals} dismissal(s)); regions of files that were not open"
        " were only in the old file."
    )
    if store.recovery_message and store.recovered_from is not None:
        notice += " " + store.recovery_message
        store.recovery_message = None
    return notice


_paused_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a document's regions are read, re-anchored,
    installed and first shown: each of the collections the new objects would trigger
    walks every object the process holds (at 50,000 regions that cost more than the
    work itself). Nothing is lost: what is garbage is collected once the pause ends.
    Nests, and holds across threads (the worker that re-anchors and the message loop)."""
    global _paused, _was_enabled
    with _paused_lock:
        _paused += 1
        if _paused == 1:
            _was_enabled = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def reanchor_pending(pending: PendingLoad) -> list[Reanchoring]:
    """Re-anchor a deferred open's regions (what a worker runs for ``finish_loading``)."""
    with collection_paused():
        return reanchor_groups(pending.groups, pending.text, pending.lines)


def _share_strings(region: Region, path: str) -> None:
    """One copy of the strings many regions repeat (path, tool, model, session), instead
    of one per region as each row of the store comes back."""
    region.path = path
    region.tool = sys.intern(region.tool)
    if region.model is not None:
        region.model = sys.intern(region.model)
    if region.session is not None:
        region.session = sys.intern(region.session)
