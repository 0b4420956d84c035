"""The policy presets of `ownit init`: the shipped example policy, edited. Pure: no I/O.

Every preset is the commented example (``policy.example.yaml``, every key documented) with
a header naming the preset and a few exact edits, each explained by a comment where it is
made. An edit names text that must occur exactly once in the example; when the example
changes so that an edit no longer applies, :func:`render_preset` raises
:class:`PresetError` (the tests render every preset and load it with the policy loader).

- ``default``: the example as it is, which is the built-in policy.
- ``strict``: for regulated teams: ownership required and the commit blocked everywhere
  (tests included), errors in the editor, longer rationales, heuristic detection counted,
  two owners for sensitive paths.
- ``kernel``: the Linux kernel's rules (Documentation/process/coding-assistants.rst): its
  ``Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]`` tag (which the built-in
  patterns read) explained, and a commit where an AI tool signs off or co-develops is
  AI-assisted too.
- ``apache``: the ASF Generative Tooling Guidance: its ``Generated-by: <tool>`` token
  (which the built-in patterns read) explained, and rationales of 30 characters.
"""

from __future__ import annotations

from dataclasses import dataclass


class PresetError(ValueError):
    """A preset cannot be made from this example policy (one line says why)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``old`` (which must occur exactly once) by ``new``."""

    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    summary: str  # one line, for `ownit init --help` and its output
    header: str  # comment lines that open the file
    edits: tuple[Edit, ...] = ()


# The example's opening paragraph, replaced by each preset's header.
EXAMPLE_HEADER = (
    "# ownit policy — copy to `.ownit.yaml` at the root of your repository and commit it.\n"
    "#\n"
    "# This file documents every key. It is also exactly the policy ownit applies when a\n"
    "# repository has no `.ownit.yaml`, so start from it and change what your team needs.\n"
)

_COMMON_HEADER = (
    "# ownit policy for this repository, written by `ownit init --preset {name}`; commit it.\n#\n"
)

# ------------------------------------------------------------------------- strict
_STRICT = Preset(
    name="strict",
    summary=(
        "regulated teams: ownership required and commits blocked everywhere, longer "
        "rationales, two owners for sensitive paths"
    ),
    header=(
        "# Preset `strict`, for teams that must show who reviewed every AI-written line\n"
        "# (regulated software, audits). Compared with the built-in policy:\n"
        "# - unowned or stale AI code blocks the commit everywhere, tests included, and is an\n"
        "#   error in the editor;\n"
        "# - a rationale has at least 40 characters (80 on sensitive paths);\n"
        "# - large single insertions with no other evidence (`heuristic`) count as AI-written\n"
        "#   (dismiss a false positive with `ownit dismiss`: the reason is recorded);\n"
        "# - sensitive paths need two distinct owners (four-eyes rule);\n"
        "# - AI-written code must be owned everywhere (`ai: owned-only`), even where a rule\n"
        "#   says `require_ownership: false`.\n"
        "# Every key is documented below; each change is marked `strict:`.\n"
    ),
    edits=(
        Edit(
            "  # hint, or off (no diagnostic; the commit gate and `ownit verify` still apply).\n"
            "  severity: warning\n",
            "  # hint, or off (no diagnostic; the commit gate and `ownit verify` still apply).\n"
            "  # strict: every unowned or stale AI region is an error (built-in: warning).\n"
            "  severity: error\n",
        ),
        Edit(
            "  #                 recorded) is the only way out.\n  ai: allowed\n",
            "  #                 recorded) is the only way out.\n"
            "  # strict: owned-only (built-in: allowed): no rule can waive ownership of AI code.\n"
            "  ai: owned-only\n",
        ),
        Edit(
            "    min_chars: 20     # at least this many characters (0 to 2000)\n",
            "    # strict: 40 (built-in: 20), room to say what was checked and how.\n"
            "    min_chars: 40     # at least this many characters (0 to 2000)\n",
        ),
        Edit(
            "  # as `AI-Unowned:`).\n  commit: warn\n",
            "  # as `AI-Unowned:`).\n"
            "  # strict: block (built-in: warn): no AI-written code enters the history unowned.\n"
            "  commit: block\n",
        ),
        Edit(
            "    count: [agent-hook, inline-completion, chat-edit, manual, commit-trailer]\n"
            "    heuristic_min_lines: 15\n",
            "    # strict: heuristic counts too (built-in: not outside sensitive paths).\n"
            "    count: [agent-hook, inline-completion, chat-edit, manual, commit-trailer,"
            " heuristic]\n"
            "    heuristic_min_lines: 15\n",
        ),
        Edit(
            '    description: "Tests: shown as information, never block a commit."   # optional\n',
            '    description: "Tests: shown as warnings, gated like any other code."'
            "   # optional\n",
        ),
        Edit(
            "    severity: information\n    commit: allow\n",
            "    # strict: tests ship with the code, so they are gated like it (built-in:\n"
            "    # information, commit: allow).\n"
            "    severity: warning\n"
            "    commit: block\n",
        ),
        Edit(
            "    rationale:\n      min_chars: 40\n",
            "    rationale:\n      min_chars: 80                # strict: 80 (built-in: 40)\n",
        ),
        Edit(
            "    # Typical additions for a team (they need your own people, so they are not"
            " defaults):\n"
            '    #   owners: ["@acme/security"]\n'
            "    #   codeowner: true\n"
            "    #   second_owner: true\n",
            "    # strict: two distinct people must own sensitive AI code (four-eyes rule); the\n"
            "    # second one claims it in their clone (`ownit claim PATH:LINE -m … --commit`).\n"
            "    second_owner: true\n"
            "    # Typical additions for a team (they need your own people, so they are not"
            " defaults):\n"
            '    #   owners: ["@acme/security"]\n'
            "    #   codeowner: true\n",
        ),
    ),
)

# ------------------------------------------------------------------------- kernel
_ASSISTED_BY = "  - name: assisted-by trailer\n    trailer: Assisted-by\n"
_GENERATED_BY = "  - name: generated-by trailer\n    trailer: Generated-by\n"
_ALSO = "also_ai_commit_patterns: []\n"

# The addresses AI tools commit with (as in the example's co-author entries).
_AI_ADDRESS = (
    r"<(noreply@anthropic\.com|(noreply|codex)@openai\.com"
    r"|\d+\+copilot@users\.noreply\.github\.com|cursoragent@cursor\.com)>$"
)


def _kernel_entry(trailer: str) -> str:
    name = f"kernel ai {trailer.lower()}"
    return f"  - name: {name}\n    trailer: {trailer}\n    match: '/{_AI_ADDRESS}/'\n"


_KERNEL = Preset(
    name="kernel",
    summary="the Linux kernel's `Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL…]` tag",
    header=(
        "# Preset `kernel`: the Linux kernel's rules for AI-assisted patches\n"
        "# (Documentation/process/coding-assistants.rst). A patch made with an AI tool carries\n"
        "#     Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]\n"
        "# (`Assisted-by: Claude:claude-3-opus coccinelle sparse`: the tools after the model are\n"
        "# analysis tools, not AI ones). AI agents never add Signed-off-by: the human who signs\n"
        "# off has reviewed all AI-generated code and takes responsibility for it, which is what\n"
        "# an ownit claim records line by line. Check a series before sending it with\n"
        "# `ownit verify origin/master..HEAD`. The built-in policy already reads the tag (its\n"
        "# `assisted-by trailer` entry); compared with it, a commit where an AI tool signs off\n"
        "# or is named as a co-developer counts as AI-assisted too. Changes are marked\n"
        "# `kernel:`.\n"
    ),
    edits=(
        Edit(
            _ASSISTED_BY,
            "  # kernel: this entry reads the kernel's tag, AGENT_NAME as the tool and\n"
            "  # MODEL_VERSION as the model (`Claude:claude-3-opus sparse` → claude,\n"
            "  # claude-3-opus); the analysis tools after it are left out.\n" + _ASSISTED_BY,
        ),
        Edit(
            _ALSO,
            "# kernel: an AI tool must not sign off (only a person can certify the DCO) nor be a\n"
            "# Co-developed-by; a commit where one does is AI-assisted, so `ownit verify` asks\n"
            "# who owns its lines.\n"
            "also_ai_commit_patterns:\n"
            + _kernel_entry("Signed-off-by")
            + _kernel_entry("Co-developed-by"),
        ),
    ),
)

# ------------------------------------------------------------------------- apache
_APACHE = Preset(
    name="apache",
    summary="the Apache Software Foundation's `Generated-by: <tool>` token",
    header=(
        "# Preset `apache`: the Apache Software Foundation's Generative Tooling Guidance. A\n"
        "# contribution made with generative AI tools names them in the commit message with\n"
        "#     Generated-by: <tool name and version>\n"
        "# and the contributor remains responsible for it, third-party material and its\n"
        "# licence included: an ownit claim records who reviewed each AI-written line, and\n"
        "# why. The built-in policy already reads the token (its `generated-by trailer`\n"
        "# entry); compared with it, this preset asks for rationales that say what was\n"
        "# checked (at least 30 characters). Changes are marked `apache:`.\n"
    ),
    edits=(
        Edit(
            _GENERATED_BY,
            "  # apache: this entry reads the ASF's token, the tool and a model if it names one\n"
            "  # (`Generated-by: GitHub Copilot` → github-copilot).\n" + _GENERATED_BY,
        ),
        Edit(
            "  #                 recorded) is the only way out.\n  ai: allowed\n",
            "  #                 recorded) is the only way out.\n"
            "  # strict: owned-only (built-in: allowed): no rule can waive ownership of AI code.\n"
            "  ai: owned-only\n",
        ),
        Edit(
            "    min_chars: 20     # at least this many characters (0 to 2000)\n",
            "    # apache: 30 (built-in: 20), room to say what was checked, licences included.\n"
            "    min_chars: 30     # at least this many characters (0 to 2000)\n",
        ),
    ),
)

_DEFAULT = Preset(
    name="default",
    summary="the built-in policy: warnings, sensitive paths gated, tests lenient",
    header=(
        "# Preset `default`: exactly the policy ownit applies when a repository has no\n"
        "# `.ownit.yaml`. Every key is documented below; change what your team needs.\n"
    ),
)

PRESETS: dict[str, Preset] = {p.name: p for p in (_DEFAULT, _STRICT, _KERNEL, _APACHE)}
DEFAULT_PRESET = "default"


def _replace_once(text: str, old: str, new: str, where: str) -> str:
    count = text.count(old)
    if count != 1:
        first = old.strip().splitlines()[0] if old.strip() else repr(old)
        found = "not found" if count == 0 else f"found {count} times"
        raise PresetError(f"{where}: the example policy changed ({first!r} {found})")
    return text.replace(old, new, 1)


def render_preset(name: str, example: str) -> str:
    """The ``.ownit.yaml`` text of preset ``name``, made from the example policy's text."""
    preset = PRESETS.get(name)
    if preset is None:
        raise PresetError(f"no preset {name!r}; presets: {', '.join(PRESETS)}")
    where = f"preset {name!r}"
    text = _replace_once(
        example, EXAMPLE_HEADER, _COMMON_HEADER.format(name=name) + preset.header, where
    )
    for edit in preset.edits:
        text = _replace_once(text, edit.old, edit.new, where)
    return text
