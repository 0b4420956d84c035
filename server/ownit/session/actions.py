"""What a developer records about an open document's code: an AI-written region (mark),
a claim of ownership, a dismissal ("not AI-written"), each checked before anything is
written and then written to the store and the document at once."""

from __future__ import annotations

import time

from ownit.core.claims import RationaleRules
from ownit.core.findings import comment_rationale
from ownit.core.fingerprint import fingerprint
from ownit.core.model import CONFIDENCE, Claim, Dismissal, Region, RegionState, Source
from ownit.core.text import Pos, TextBuffer
from ownit.core.tracking import span_for_lines
from ownit.session.contexts import RepoContext
from ownit.session.documents import Document, Tracked
from ownit.session.errors import RequestError
from ownit.session.rules import check_purpose, check_rationale, rule_for
from ownit.session.store_sync import persist
from ownit.store import new_region_id


def tracked_context(document: Document) -> RepoContext:
    """The document's context, or a RequestError saying why regions cannot be tracked."""
    if document.context is None or document.key is None:
        raise RequestError(f"regions cannot be tracked in {document.uri}: {document.unsupported}")
    return document.context


def find(document: Document, region_id: str) -> Tracked:
    tracked = document.find(region_id)
    if tracked is None:
        raise RequestError(f"no AI region {region_id!r} in {document.uri}")
    return tracked


def comment_rationale_above(document: Document, tracked: Tracked) -> str | None:
    """The rationale of an ``ownit: <rationale>`` comment line right above a region."""
    above = tracked.region.first_line - 1
    if above < 0:
        return None
    return comment_rationale(document.buffer.content(above))


def lines_of(buffer: TextBuffer, start: Pos, end: Pos) -> tuple[int, int]:
    """The lines ``(first, stop)`` a range touches: one ending at character 0 of a line
    does not take that line."""
    start, end = buffer.clamp(start), buffer.clamp(end)
    last = end.line - 1 if end.col == 0 and end.line > start.line else end.line
    return start.line, last + 1


def mark_lines(
    document: Document,
    first: int,
    stop: int,
    tool: str,
    model: str | None,
    source: Source,
    session_id: str | None,
) -> str:
    """Record lines ``first`` .. ``stop - 1`` (0-based) as AI-written."""
    context = tracked_context(document)
    assert document.key is not None
    buffer = document.buffer
    if not 0 <= first < stop <= buffer.line_count():
        raise RequestError(
            f"lines {first + 1}-{stop} are not in {document.uri} ({buffer.line_count()} lines)"
        )
    span = span_for_lines(buffer, first, stop)
    if span.is_empty():
        raise RequestError(
            f"line {first + 1} is the empty end of the file: there is no text to mark"
        )
    for tracked in document.tracked.overlapping(first, first):
        region = tracked.region
        if (
            region.first_line <= first
            and stop <= region.end_line
            and tracked.state.dismissal is None  # "not AI-written" said nothing of this
        ):
            return region.id  # already inside a tracked region: nothing new to record
    region = Region(
        id=new_region_id(),
        path=document.key,
        first_line=first,
        end_line=stop,
        tool=tool,
        model=model,
        source=source,
        confidence=CONFIDENCE[source],
        created_at=time.time(),
        fingerprint=fingerprint(buffer.contents(first, stop)),
        session=session_id,
    )
    persist(document)  # other regions' positions must refer to the same text
    context.store.add_region(region, buffer.text)
    document.tracked[region.id] = Tracked(RegionState(region), span)
    document.forget_history(first, stop)
    document.touch()
    return region.id


def adopt_history(document: Document, region_id: str) -> str:
    """The id of a stored region for ``region_id``: a history run becomes one (source
    commit-trailer) the first time someone claims or dismisses it, so the claim is
    recorded and travels with the next commit."""
    if region_id in document.tracked or region_id not in document.history:
        return region_id
    run = document.history.pop(region_id)
    assert run is not None and run.history is not None
    document.touch()
    first, end = run.region.first_line, run.region.end_line
    return mark_lines(document, first, end, run.history.tool, None, Source.COMMIT_TRAILER, None)


def claim(
    document: Document, region_id: str, rationale: str, purpose: str, defaults: RationaleRules
) -> Claim:
    """Own the region with ``rationale`` and ``purpose`` (see ``Session.claim``); the
    rationale rules are the policy's, or ``defaults`` where no policy speaks."""
    find(document, region_id)  # an unknown id fails before anything is recorded
    purpose = check_purpose(document, purpose)
    forbidding = rule_for(document)
    if forbidding is not None and forbidding.forbids_ai and not document.excluded:
        raise RequestError(  # nothing recorded: a claim here would change nothing
            f"{forbidding.forbidden_reason()} — owning AI-written code does not make it"
            " allowed: remove it, or, if a person wrote it, dismiss it (ownit dismiss, or"
            " the 'Not AI-written…' quick fix)"
        )
    if region_id in document.history:
        check_rationale(document, rationale, defaults)  # nothing recorded for a bad one
        region_id = adopt_history(document, region_id)
    tracked = find(document, region_id)
    context = tracked_context(document)
    rule = rule_for(document)
    text = check_rationale(document, rationale, defaults)
    name, email = context.identity()
    if rule is not None and not rule.owner_allowed(email):
        raise RequestError(
            f"{email} may not own code in {document.key}: "
            f"{rule.origin_phrase('owners')} accepts {', '.join(rule.owners)}"
        )
    claim = Claim(
        region_id=region_id,
        owner_name=name,
        owner_email=email,
        rationale=text,
        fingerprint=tracked.region.fingerprint,
        created_at=time.time(),
        purpose=purpose,
    )
    document.positions_dirty = True
    persist(document)  # the store's fingerprint must be the one claimed
    context.store.add_claim(claim)
    tracked.state.claim = claim
    document.touch(tracked)
    tracked.state.history = (*tracked.state.history, claim)
    return claim


def dismiss(document: Document, region_id: str, reason: str) -> Dismissal:
    """Say the region is not AI-written, with ``reason``."""
    find(document, region_id)
    if region_id in document.history and len(" ".join(reason.split())) >= 3:
        region_id = adopt_history(document, region_id)
    tracked = find(document, region_id)
    context = tracked_context(document)
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise RequestError("say why this code is not AI-written (a short reason is needed)")
    name, email = context.identity()
    dismissal = Dismissal(region_id, f"{name} <{email}>", reason, time.time())
    context.store.add_dismissal(dismissal)
    tracked.state.dismissal = dismissal
    document.touch(tracked)
    return dismissal
