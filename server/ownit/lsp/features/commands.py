"""workspace/executeCommand: ownit.markAi, ownit.claim, ownit.dismiss, ownit.status."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ownit.core.mark_input import BadMarkInput, check_mark_input
from ownit.lsp.arguments import (
    ClaimArgs,
    DismissArgs,
    MarkAiArgs,
    RegionArgs,
    StatusArgs,
    answers_errors,
    structure_argument,
)
from ownit.lsp.command_ids import CLAIM, CLAIM_FROM_COMMENT, DISMISS, MARK_AI, STATUS
from ownit.lsp.convert import line_range_to_client, range_to_json, to_core_position
from ownit.session import RequestError, uri_to_path
from ownit.session.status import region_json

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer


def register(server: OwnitServer) -> None:
    session = server.session

    def command(name: str) -> Callable[[Callable[..., Any]], Any]:
        """A command handler: errors answered (``answers_errors``), and what the session
        noted meanwhile (a store moved aside or recreated) shown before the answer."""

        def decorate(handler: Callable[..., Any]) -> Any:
            answering = answers_errors(handler)

            @wraps(handler)
            def run(*args: Any) -> Any:
                try:
                    return answering(*args)
                finally:
                    server.show_notices()

            return server.command(name)(run)

        return decorate

    def claim_json(claim: Any) -> dict[str, Any]:
        return {
            "regionId": claim.region_id,
            "owner": claim.owner,
            "ownerName": claim.owner_name,
            "ownerEmail": claim.owner_email,
            "rationale": claim.rationale,
            "fingerprint": claim.fingerprint,
            "createdAt": claim.created_at,
            "purpose": claim.purpose or None,
        }

    @command(MARK_AI)
    def mark_ai(*args: Any) -> dict[str, Any]:
        arg = structure_argument(MARK_AI, args, MarkAiArgs)
        uri, tool, model = arg.uri, arg.tool.strip(), arg.model
        try:
            checked = check_mark_input(tool, model, arg.source or None)
        except BadMarkInput as error:
            raise JsonRpcInvalidParams(f"{MARK_AI}: {error.field!r} {error.reason}") from None
        source = checked.source
        start_line, start_char = arg.range.start.line, arg.range.start.character
        end_line, end_char = arg.range.end.line, arg.range.end.character
        document = session.document(uri)
        if start_line >= document.buffer.line_count():
            raise RequestError(
                f"line {start_line + 1} is past the end of {uri} "
                f"({document.buffer.line_count()} lines)"
            )
        buffer = document.buffer
        start = to_core_position(buffer, start_line, start_char, server.encoding)
        end = to_core_position(buffer, end_line, end_char, server.encoding)
        if end < start:
            raise JsonRpcInvalidParams(f"{MARK_AI}: range ends before it starts")
        region_id = session.mark(uri, start, end, tool, model, source)
        server.refresh({uri})
        return {"regionId": region_id}

    @command(CLAIM)
    def claim(*args: Any) -> dict[str, Any]:
        claim_arg = structure_argument(CLAIM, args, ClaimArgs)
        uri, region_id, rationale = claim_arg.uri, claim_arg.region_id, claim_arg.rationale
        if rationale is None:
            raise RequestError(
                "a rationale is needed to own this code: say why it is correct and safe. "
                "In an editor that cannot prompt, write a comment line `ownit: <rationale>` "
                "directly above the region and use 'Own with the rationale above'"
            )
        purpose = claim_arg.purpose or ""
        result = session.claim(uri, region_id, rationale, purpose)
        server.refresh({uri})
        answer = claim_json(result)
        note = session.signing_note(session.document(uri), result.owner_email)
        if note is not None:
            session.notices.append(f"ownit: {note}")
            answer["signatureWarning"] = note
        return answer

    @command(CLAIM_FROM_COMMENT)
    def claim_from_comment(*args: Any) -> dict[str, Any]:
        region_arg = structure_argument(CLAIM_FROM_COMMENT, args, RegionArgs)
        uri, region_id = region_arg.uri, region_arg.region_id
        tracked = session.tracked(uri, region_id)
        above = tracked.region.first_line - 1
        rationale = session.comment_rationale_above(uri, tracked)
        if rationale is None:
            raise RequestError(
                "no `ownit: <rationale>` comment directly above the region "
                f"(line {tracked.region.first_line})"
            )
        result = session.claim(uri, region_id, rationale)
        # The comment has done its job: remove it (the claim is already durable).
        edit = types.WorkspaceEdit(
            changes={
                uri: [
                    types.TextEdit(
                        range=types.Range(
                            start=types.Position(line=above, character=0),
                            end=types.Position(line=above + 1, character=0),
                        ),
                        new_text="",
                    )
                ]
            }
        )
        server.workspace_apply_edit(
            types.ApplyWorkspaceEditParams(edit=edit, label="ownit: remove the rationale comment")
        )
        server.refresh({uri})
        return claim_json(result)

    @command(DISMISS)
    def dismiss(*args: Any) -> dict[str, Any]:
        dismiss_arg = structure_argument(DISMISS, args, DismissArgs)
        uri, region_id, reason = dismiss_arg.uri, dismiss_arg.region_id, dismiss_arg.reason
        if reason is None:
            raise RequestError("a reason is needed: say why this code is not AI-written")
        result = session.dismiss(uri, region_id, reason)
        server.refresh({uri})
        return {"regionId": result.region_id, "by": result.by, "reason": result.reason}

    @command(STATUS)
    def status(*args: Any) -> dict[str, Any]:
        status_arg = structure_argument(STATUS, args, StatusArgs) if args else StatusArgs()
        only_uri, include_owned = status_arg.uri, status_arg.include_owned or False
        now = time.time()
        regions = []
        for listed in session.status(include_owned=include_owned):
            uri, state = listed.uri, listed.state
            if only_uri is not None and uri != only_uri:
                continue
            region = state.region
            document = session.loaded(uri)
            entry: dict[str, Any] = {"uri": uri, **region_json(state)}
            entry["ageSeconds"] = round(now - region.created_at)
            if document is not None:
                entry["range"] = range_to_json(
                    line_range_to_client(
                        document.buffer, region.first_line, region.end_line, server.encoding
                    )
                )
            if state.claim is not None:
                entry["owner"] = state.claim.owner
            path = uri_to_path(uri)
            entry["exists"] = bool(path and path.exists())
            regions.append(entry)
        return {"regions": regions}
