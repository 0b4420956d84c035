"""The built-in ``ai_commit_patterns``: what marks a commit as AI-assisted with no
``.ownit.yaml`` (docs/policy.md lists the sources). Imported when first needed."""

from __future__ import annotations

from ownit.core.policy.ai_commits import CORROBORATED, WEAK, AiCommitPattern
from ownit.core.policy.keys import AiField
from ownit.core.policy.patterns import builtin_matcher


# What each tool writes when it wrote code, from its own source or documentation
# (docs/policy.md lists the sources). Order matters only between tools: the first
# corroborated match names the tool, so patterns that name a model come before the ones
# that do not.
def _trailer(
    name: str,
    trailer: str,
    match: str,
    tool: str | None,
    read: str | None = None,
    evidence: str = CORROBORATED,
) -> AiCommitPattern:
    return AiCommitPattern(
        name=name,
        field="trailer",
        match=builtin_matcher(match),
        trailer=trailer,
        tool=tool,
        read=read,
        evidence=evidence,
    )


def _other(name: str, field: AiField, match: str, tool: str) -> AiCommitPattern:
    return AiCommitPattern(name=name, field=field, match=builtin_matcher(match), tool=tool)


CO = "Co-authored-by"
_BOT_EMAIL = r"\+{}\[bot\]@users\.noreply\.github\.com>"

DEFAULT_AI_COMMIT_PATTERNS: tuple[AiCommitPattern, ...] = (
    # aider (aider/repo.py, commit()): its own edits get this co-author (the default in
    # recent versions); aider writes aider@aider.chat, noreply@ addresses are seen too.
    _trailer(
        "aider co-author",
        CO,
        r"/^aider\b[^<]*<[^<>@]+@aider\.(chat|dev)>$/",
        "aider",
        "model-in-parentheses",
    ),
    # Claude Code: the name is the model in use ("Claude Sonnet 4.5"), or just "Claude".
    _trailer(
        "claude co-author",
        CO,
        r"/^claude\b[^<]*<noreply@anthropic\.com>$/",
        "claude-code",
        "model-in-name",
    ),
    _trailer(
        "claude code session", "Claude-Session", r"/^https://claude\.ai/code/\S/", "claude-code"
    ),
    _other(
        "claude code footer", "message", r"/^\W*generated with \[?claude code\b/", "claude-code"
    ),
    # GitHub Copilot: Autofix, then the coding agent / CLI / github.com accounts, then
    # VS Code's trailer, which VS Code has been reported to add to commits with no AI
    # code in them: weak evidence.
    _trailer(
        "copilot autofix co-author",
        CO,
        r"/^copilot autofix powered by ai\s*<[^<>]+>$/",
        "copilot-autofix",
    ),
    _trailer(
        "copilot co-author",
        CO,
        r"/^(copilot|copilot-swe-agent\[bot\])\s*<\d+\+copilot@users\.noreply\.github\.com>$/",
        "copilot",
    ),
    _trailer(
        "copilot vs code co-author",
        CO,
        r"/^copilot\s*<copilot@github\.com>$/",
        "copilot",
        evidence=WEAK,
    ),
    _trailer("cursor co-author", CO, r"/<cursoragent@cursor\.com>$/", "cursor"),
    _trailer("cursor made-with", "Made-with", r"/^cursor\b/", "cursor"),
    _trailer(
        "codex co-author",
        CO,
        r"/^codex\b[^<]*<(noreply|codex)@openai\.com>$|^chatgpt-codex-connector\[bot\]\s*</",
        "codex",
    ),
    _trailer("opencode co-author", CO, r"/^opencode\s*<noreply@opencode\.ai>$/", "opencode"),
    _other("opencode footer", "message", r"/^\W*generated with \[?opencode\b/", "opencode"),
    _trailer("amp co-author", CO, r"/^amp\s*<amp@ampcode\.com>$/", "amp"),
    _trailer("amp thread", "Amp-Thread-ID", r"/^https://ampcode\.com/threads/\S/", "amp"),
    _trailer(
        "devin co-author",
        CO,
        r"/^devin-ai-integration\[bot\]\s*<|" + _BOT_EMAIL.format("devin-ai-integration") + "/",
        "devin",
    ),
    _trailer(
        "jules co-author",
        CO,
        r"/^google-labs-jules\[bot\]\s*<|" + _BOT_EMAIL.format("google-labs-jules") + "/",
        "jules",
    ),
    _trailer("gemini code assist co-author", CO, r"/^gemini-code-assist\[bot\]\s*</", "gemini"),
    # Project conventions: the Linux kernel's Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL…]
    # (and ownit's own Assisted-by: tool:model), Apache's and OpenInfra's Generated-By
    # (mostly machine-written; OpenInfra's Assisted-By is human-revised), OpenLiberty's
    # Co-authored-by-AI: Tool (Model).
    _trailer("assisted-by trailer", "Assisted-by", r"/\S/", None, "tool-model"),
    _trailer("generated-by trailer", "Generated-by", r"/\S/", None, "tool-model"),
    _trailer("co-authored-by-ai trailer", "Co-authored-by-AI", r"/\S/", None, "tool-model"),
    # Authors. aider names the author "Name (aider)" for its own edits with co-author
    # attribution off; the committer alone gets " (aider)" when aider commits the user's
    # own changes (dirty files, /commit): those are not AI-written, so no committer
    # pattern. Before version 0.39 aider marked its edits with an "aider: " subject.
    _other("aider author", "author_name", r"/ \(aider\)$/", "aider"),
    _other("aider subject prefix", "subject", r"/^aider: /", "aider"),
    _other(
        "copilot agent author",
        "author_email",
        r"/^\d+\+copilot@users\.noreply\.github\.com$/",
        "copilot",
    ),
    _other("copilot agent bot", "author_name", r"/^copilot-swe-agent\[bot\]$/", "copilot"),
    _other("devin bot author", "author_name", r"/^devin-ai-integration\[bot\]$/", "devin"),
    _other("jules bot author", "author_name", r"/^google-labs-jules\[bot\]$/", "jules"),
    _other("codex bot author", "author_name", r"/^chatgpt-codex-connector\[bot\]$/", "codex"),
)
