"""Code actions: own, dismiss, own with the `ownit:` comment above, mark a selection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ownit.core.findings import FindingCode
from ownit.core.model import Ownership
from ownit.lsp.command_ids import CLAIM, CLAIM_FROM_COMMENT, DISMISS, MARK_AI
from ownit.lsp.convert import range_to_json, to_core_range

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer

OWN_TITLE = "Own this AI-written code…"
DISMISS_TITLE = "Not AI-written…"
OWN_FROM_COMMENT_TITLE = "Own with the rationale above"
MARK_TITLE = "Mark selection as AI-written"


def register(server: OwnitServer) -> None:
    session = server.session

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.Refactor]
        ),
    )
    def code_actions(params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = session.loaded(uri)
        if document is None or document.unsupported:
            return []
        start, end = to_core_range(document.buffer, params.range, server.encoding)
        last = end.line - 1 if end.col == 0 and end.line > start.line else end.line
        by_region: dict[str, list[types.Diagnostic]] = {}
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data
            if diagnostic.source == "ownit" and isinstance(data, dict):
                by_region.setdefault(str(data.get("regionId")), []).append(diagnostic)

        actions: list[types.CodeAction] = []
        regions = session.regions_at(uri, start.line, last)
        for tracked in regions:
            region = tracked.region
            ownership = tracked.state.ownership
            issue = session.policy_issue(document, tracked.state)
            forbidden = issue is not None and issue.code is FindingCode.AI_FORBIDDEN
            if ownership is Ownership.DISMISSED or (ownership is Ownership.OWNED and not forbidden):
                continue
            args: list[Any] = [{"uri": uri, "regionId": region.id}]
            diags = by_region.get(region.id) or None
            if forbidden:  # owning it does not help: a dismissal is the only way out
                actions.append(
                    types.CodeAction(
                        title=DISMISS_TITLE,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=diags,
                        is_preferred=True,
                        command=types.Command(DISMISS_TITLE, DISMISS, arguments=args),
                    )
                )
                continue
            rationale = session.comment_rationale_above(uri, tracked)
            if rationale is not None:
                actions.append(
                    types.CodeAction(
                        title=OWN_FROM_COMMENT_TITLE,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=diags,
                        is_preferred=True,
                        command=types.Command(
                            OWN_FROM_COMMENT_TITLE, CLAIM_FROM_COMMENT, arguments=args
                        ),
                    )
                )
            actions.append(
                types.CodeAction(
                    title=OWN_TITLE,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=diags,
                    is_preferred=rationale is None,
                    command=types.Command(OWN_TITLE, CLAIM, arguments=args),
                )
            )
            actions.append(
                types.CodeAction(
                    title=DISMISS_TITLE,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=diags,
                    command=types.Command(DISMISS_TITLE, DISMISS, arguments=args),
                )
            )
        covered = any(
            t.region.first_line <= start.line and last < t.region.end_line for t in regions
        )
        if start != end and not covered:
            actions.append(
                types.CodeAction(
                    title=MARK_TITLE,
                    kind=types.CodeActionKind.Refactor,
                    command=types.Command(
                        MARK_TITLE,
                        MARK_AI,
                        arguments=[
                            {"uri": uri, "range": range_to_json(params.range), "tool": "unknown"}
                        ],
                    ),
                )
            )
        return actions
