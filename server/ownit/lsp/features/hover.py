"""Hover on an AI region: tool, source, age; owner and rationale once owned."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.core.findings import hover_markdown
from ownit.lsp.convert import line_range_to_client

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer


def register(server: OwnitServer) -> None:
    session = server.session

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        document = session.loaded(params.text_document.uri)
        if document is None:
            return None
        line = params.position.line
        regions = session.regions_at(document.uri, line, line)
        if not regions:
            return None
        now = time.time()
        effective = session.rule_for(document)
        # Said truly: a rule of the policy file, its defaults, or the built-in defaults.
        rule = effective.rule_phrase(effective.rule_name) if effective is not None else None
        purpose = effective.purpose if effective is not None else ""
        parts = []
        for t in regions:
            part = hover_markdown(
                t.state,
                now,
                rule,
                t.history.invalid if t.history else "",
                history=t.history,
                purpose=purpose,
                issue=session.policy_issue(document, t.state),
            )
            claim = t.state.claim
            if t.history is None and claim is not None and t.state.ownership.value == "owned":
                note = session.signing_note(document, claim.owner_email)
                if note is not None:
                    part += f"\n- **{note}**"
            parts.append(part)
        text = "\n\n---\n\n".join(parts)
        region = regions[0].region
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=line_range_to_client(
                document.buffer, region.first_line, region.end_line, server.encoding
            ),
        )
