"""`.ownit.yaml` in the editor: reload on save or change on disk, keep the last good policy
while the file is invalid, and the effective rules for a file (ownit.rationaleRules)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ownit.lsp.arguments import UriArgs, answers_errors, structure_argument
from ownit.lsp.command_ids import RATIONALE_RULES

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer
    from ownit.session import RepoContext


def reload(server: OwnitServer, context: RepoContext) -> None:
    session = server.session
    state = session.reload_policy(context)
    if state.problems:
        server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Warning,
                message=(
                    f"ownit: .ownit.yaml has {len(state.problems)} problem(s) "
                    f"(first: {state.problems[0]}); the last good policy stays in force"
                ),
            )
        )
    uris = {uri for uri, doc in session.documents.items() if doc.context is context}
    server.refresh(uris)


def register(server: OwnitServer) -> None:
    server.provide(reload_policy=lambda context: reload(server, context))
    session = server.session

    @server.command(RATIONALE_RULES)
    @answers_errors
    def rationale_rules(*args: Any) -> dict[str, Any]:
        document = session.document(structure_argument(RATIONALE_RULES, args, UriArgs).uri)
        rule = session.rule_for(document)
        if rule is None:
            from ownit.core.claims import RationaleRules

            defaults = RationaleRules()
            return {
                "minChars": defaults.min_chars,
                "maxChars": defaults.max_chars,
                "reject": list(defaults.reject),
                "patterns": [],
                "rule": None,
                "origin": None,
                "heuristicMinLines": None,
                "purposes": [],
                "purpose": None,
                "ai": "allowed",
            }
        from ownit.core.model import Source

        return {
            "minChars": rule.rationale.min_chars,
            "maxChars": rule.rationale.max_chars,
            "reject": list(rule.rationale.phrases),
            "patterns": [matcher.text for matcher in rule.rationale.patterns],
            "rule": rule.rule_name,
            "origin": rule.rationale_origin(),
            "heuristicMinLines": (
                rule.heuristic_min_lines if Source.HEURISTIC in rule.sources else None
            ),
            "purposes": list(_purposes(document)),
            "purpose": rule.purpose or None,
            "ai": rule.ai.value,
        }

    def _purposes(document: Any) -> tuple[str, ...]:
        context = document.context
        return context.policy().in_force.purposes if context is not None else ()
