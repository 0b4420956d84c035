"""A code lens over each AI region: who wrote it and whether it is owned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.core.model import Ownership
from ownit.lsp.features.commands import CLAIM

if TYPE_CHECKING:
    from ownit.lsp.server import OwnitServer


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


def register(server: OwnitServer) -> None:
    session = server.session

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(params: types.CodeLensParams) -> list[types.CodeLens]:
        document = session.documents.get(params.text_document.uri)
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
        return lenses
