"""A code lens over each AI region: who wrote it and whether it is owned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.core.model import Ownership
from ownit.lsp.command_ids import CLAIM
from ownit.session import Document, RequestError, Session

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer


def lens_title(
    tool: str,
    ownership: Ownership,
    owner: str | None,
    rationale: str | None,
    evidence: str = "",
) -> str:
    """The lens over a region; ``evidence``: its class, said for code not owned yet."""
    known = f"{evidence} · " if evidence else ""
    if ownership is Ownership.OWNED:
        return f"owned by {owner} — {rationale}"
    if ownership is Ownership.STALE:
        return f"AI-written · {tool} · {known}changed since {owner} owned it — Own again…"
    if ownership is Ownership.DISMISSED:
        return f"not AI-written (dismissed by {owner})"
    return f"AI-written · {tool} · {known}unowned — Own…"


SECOND_OWNER_TITLE = "owned by {owner} — {rationale} · a second owner is asked for — Own too…"


def _second_owner_lenses(session: Session, document: Document) -> list[types.CodeLens]:
    """History runs someone owns where the path's rule asks for two owners (policy
    ``second_owner`` or ``codeowner``): a lens that claims them as a second owner, for
    anyone but that owner (``ownit.claim`` records the run as a region and the claim)."""
    rule = session.rule_for(document)
    if rule is None or not (rule.second_owner or rule.codeowner) or document.context is None:
        return []
    owned = [t for t in document.history.values() if t.history and t.history.owned]
    if not owned:
        return []
    try:
        _, me = document.context.identity()
    except RequestError:
        me = ""
    lenses = []
    for tracked in owned:
        run = tracked.history
        assert run is not None
        owner = run.owner_email or ""
        if owner.casefold() == me.casefold():
            continue
        title = SECOND_OWNER_TITLE.format(owner=owner, rationale=run.rationale)
        args = [{"uri": document.uri, "regionId": tracked.region.id}]
        position = types.Position(line=tracked.region.first_line, character=0)
        lenses.append(
            types.CodeLens(
                range=types.Range(start=position, end=position),
                command=types.Command(title, CLAIM, arguments=args),
            )
        )
    return lenses


def register(server: OwnitServer) -> None:
    session = server.session

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(params: types.CodeLensParams) -> list[types.CodeLens]:
        document = session.loaded(params.text_document.uri)
        if document is None:
            return []
        lenses = []
        for tracked in document.tracked.values():
            state = tracked.state
            ownership = state.ownership
            if ownership is Ownership.DISMISSED:
                continue
            owner = state.claim.owner_name if state.claim else None
            rationale = state.claim.rationale if state.claim else None
            title = lens_title(
                state.region.tool_label, ownership, owner, rationale, state.region.evidence.value
            )
            line = tracked.region.first_line
            args = [{"uri": document.uri, "regionId": state.region.id}]
            command = (
                types.Command(title, "")
                if ownership is Ownership.OWNED
                else types.Command(title, CLAIM, arguments=args)
            )
            position = types.Position(line=line, character=0)
            lenses.append(
                types.CodeLens(range=types.Range(start=position, end=position), command=command)
            )
        return lenses + _second_owner_lenses(session, document)
