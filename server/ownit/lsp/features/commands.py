"""workspace/executeCommand: ownit.markAi, ownit.claim, ownit.dismiss, ownit.status."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ownit.core.model import Source
from ownit.lsp.convert import line_range_to_client, range_to_json, to_core_position
from ownit.lsp.features import diagnostics
from ownit.lsp.features.errors import answers_errors, field, object_argument
from ownit.session import RequestError, uri_to_path
from ownit.session.status import region_json

if TYPE_CHECKING:
    from ownit.lsp.server import OwnitServer

MARK_AI = "ownit.markAi"
CLAIM = "ownit.claim"
DISMISS = "ownit.dismiss"
STATUS = "ownit.status"
CLAIM_FROM_COMMENT = "ownit.claimFromComment"

_SOURCES = {source.value: source for source in Source}


def _position(command: str, obj: Any, name: str) -> tuple[int, int]:
    if not isinstance(obj, dict):
        raise JsonRpcInvalidParams(f"{command}: range.{name} must be {{line, character}}")
    line, character = obj.get("line"), obj.get("character")
    if not isinstance(line, int) or not isinstance(character, int) or line < 0 or character < 0:
        raise JsonRpcInvalidParams(
            f"{command}: range.{name} needs non-negative integers 'line' and 'character'"
        )
    return line, character


def region_argument(command: str, args: tuple[Any, ...]) -> tuple[dict[str, Any], str, str]:
    """The object argument of a command about one region, with its uri and region id."""
    obj = object_argument(command, args)
    return obj, field(command, obj, "uri", str), field(command, obj, "regionId", str)


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
        obj = object_argument(MARK_AI, args)
        uri = field(MARK_AI, obj, "uri", str)
        lsp_range = field(MARK_AI, obj, "range", dict)
        tool = field(MARK_AI, obj, "tool", str).strip()
        model = field(MARK_AI, obj, "model", str, optional=True)
        source_name = field(MARK_AI, obj, "source", str, optional=True) or Source.MANUAL.value
        if not tool or any(c.isspace() for c in tool):
            raise JsonRpcInvalidParams(f"{MARK_AI}: 'tool' must be one word, e.g. 'copilot'")
        if model is not None and (not model.strip() or any(c.isspace() for c in model)):
            raise JsonRpcInvalidParams(f"{MARK_AI}: 'model' must be one word")
        source = _SOURCES.get(source_name)
        if source is None:
            raise JsonRpcInvalidParams(
                f"{MARK_AI}: unknown source {source_name!r}; one of {', '.join(_SOURCES)}"
            )
        start_line, start_char = _position(MARK_AI, lsp_range.get("start"), "start")
        end_line, end_char = _position(MARK_AI, lsp_range.get("end"), "end")
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
        diagnostics.refresh(server, {uri})
        return {"regionId": region_id}

    @command(CLAIM)
    def claim(*args: Any) -> dict[str, Any]:
        obj, uri, region_id = region_argument(CLAIM, args)
        rationale = field(CLAIM, obj, "rationale", str, optional=True)
        if rationale is None:
            raise RequestError(
                "a rationale is needed to own this code: say why it is correct and safe. "
                "In an editor that cannot prompt, write a comment line `ownit: <rationale>` "
                "directly above the region and use 'Own with the rationale above'"
            )
        purpose = field(CLAIM, obj, "purpose", str, optional=True) or ""
        result = session.claim(uri, region_id, rationale, purpose)
        diagnostics.refresh(server, {uri})
        answer = claim_json(result)
        note = session.signing_note(session.document(uri), result.owner_email)
        if note is not None:
            session.notices.append(f"ownit: {note}")
            answer["signatureWarning"] = note
        return answer

    @command(CLAIM_FROM_COMMENT)
    def claim_from_comment(*args: Any) -> dict[str, Any]:
        _, uri, region_id = region_argument(CLAIM_FROM_COMMENT, args)
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
        diagnostics.refresh(server, {uri})
        return claim_json(result)

    @command(DISMISS)
    def dismiss(*args: Any) -> dict[str, Any]:
        obj, uri, region_id = region_argument(DISMISS, args)
        reason = field(DISMISS, obj, "reason", str, optional=True)
        if reason is None:
            raise RequestError("a reason is needed: say why this code is not AI-written")
        result = session.dismiss(uri, region_id, reason)
        diagnostics.refresh(server, {uri})
        return {"regionId": result.region_id, "by": result.by, "reason": result.reason}

    @command(STATUS)
    def status(*args: Any) -> dict[str, Any]:
        obj = object_argument(STATUS, args) if args else {}
        only_uri = field(STATUS, obj, "uri", str, optional=True)
        include_owned = field(STATUS, obj, "includeOwned", bool, optional=True) or False
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
