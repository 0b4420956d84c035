"""`ownit policy check [FILE] [--json]`, `ownit policy explain PATH [--json]` and
`ownit policy example` (docs/policy.md).

check:   exit 0 valid (or no `.ownit.yaml`: the built-in defaults apply), 1 problems (each
         `file:line:col: message`), 2 a named file missing or unreadable.
explain: which rules apply to PATH (in order; the last wins per key) and what they require,
         and the ai_commit_patterns in force (what marks a commit as AI-assisted).
example: the commented example policy, every key documented (equal to the built-in defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ownit.commands._help import missing_action
from ownit.core.printable import printable
from ownit.exits import EXIT_OK, EXIT_POLICY, UsageError

if TYPE_CHECKING:
    from ownit.core.policy import AiCommitPattern


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "policy", help="check the policy file, or explain what it requires for a path"
    )
    actions = parser.add_subparsers(dest="policy_command", metavar="ACTION")
    check = actions.add_parser(
        "check", help="validate a policy file (default: .ownit.yaml at the repository root)"
    )
    check.add_argument("file", nargs="?", metavar="FILE", help="the policy file to check")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(handler=run_check)
    explain = actions.add_parser(
        "explain", help="show which rules apply to a path and what they require"
    )
    explain.add_argument("path", metavar="PATH", help="a file path (it need not exist)")
    explain.add_argument(
        "--policy", metavar="FILE", help="use this policy file instead of the repository's"
    )
    explain.add_argument("--json", action="store_true", help="print the result as JSON")
    explain.set_defaults(handler=run_explain)
    example = actions.add_parser(
        "example",
        help="print the example policy, every key documented (ownit policy example > .ownit.yaml)",
    )
    example.set_defaults(handler=run_example)
    parser.set_defaults(
        handler=missing_action(parser, "policy: expected an action: check, explain or example")
    )


def _toplevel() -> Path | None:
    from ownit.git.repo import GitError, find_repository

    try:
        repo = find_repository(Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None
    return repo.toplevel if repo is not None else None


def _default_policy_path() -> Path:
    from ownit.core.policy import POLICY_FILE

    return (_toplevel() or Path.cwd()) / POLICY_FILE


def _display(path: Path) -> str:
    """The path as the user would type it: relative to the cwd when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def run_check(args: argparse.Namespace) -> int:
    from ownit.core.policy import PolicyError
    from ownit.policy_files import load_policy_file
    from ownit.regular_file import NotRegularFileError

    path = Path(args.file) if args.file else _default_policy_path()
    shown = args.file if args.file else _display(path)
    if not args.file and not path.exists():
        return _check_builtin(args, shown)
    if not path.exists():
        raise UsageError(f"{shown}: no such file")
    if path.is_dir():
        raise UsageError(f"{shown}: is a directory, not a policy file")
    try:
        policy = load_policy_file(path, shown)
    except PolicyError as error:
        problems = error.problems
        if args.json:
            _print_json(
                {"file": shown, "valid": False, "problems": [p.to_json() for p in problems]}
            )
        else:
            for problem in problems:
                print(printable(str(problem)))
            count = len(problems)
            print(printable(f"{shown}: {count} problem{'s' * (count != 1)}"), file=sys.stderr)
        return EXIT_POLICY
    except NotRegularFileError as error:  # a named pipe: never opened for reading
        raise UsageError(
            f"{shown} {error.strerror}: a policy file must be a regular file"
        ) from None
    except OSError as error:
        raise UsageError(f"{shown}: cannot read: {error.strerror or error}") from None
    if args.json:
        _print_json(
            {"file": shown, "valid": True, "problems": [], "rules": [r.name for r in policy.rules]}
        )
    else:
        count = len(policy.rules)
        print(
            printable(f"{shown}: valid policy, version {policy.version}, {count} rule")
            + "s" * (count != 1)
        )
    return EXIT_OK


def _check_builtin(args: argparse.Namespace, missing: str) -> int:
    """No policy file in the repository: nothing to be invalid, the defaults apply."""
    from ownit.core.policy import default_policy

    policy = default_policy()
    if args.json:
        _print_json(
            {
                "file": None,
                "valid": True,
                "problems": [],
                "rules": [r.name for r in policy.rules],
                "builtin": True,
            }
        )
    else:
        count = len(policy.rules)
        print(
            f"no {missing}: the built-in defaults apply, version {policy.version}, "
            f"{count} rule{'s' * (count != 1)} (ownit policy example prints them)"
        )
    return EXIT_OK


def run_example(_: argparse.Namespace) -> int:
    from ownit.policy_files import example_policy_text

    try:
        text = example_policy_text()
    except OSError as error:  # an install that lost its package data
        raise UsageError(f"the example policy is missing from this install: {error}") from None
    sys.stdout.write(text)
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    from ownit.core.policy import PolicyError, default_policy
    from ownit.policy_explain import explain_path
    from ownit.policy_files import load_policy_file

    toplevel = _toplevel()
    relative = _relative_path(args.path, toplevel)
    if args.policy:
        policy_path: Path | None = Path(args.policy)
        shown = args.policy
    else:
        policy_path = (toplevel or Path.cwd()) / ".ownit.yaml"
        shown = _display(policy_path)
        if not policy_path.is_file():
            policy_path = None
    try:
        policy = load_policy_file(policy_path, shown) if policy_path else default_policy()
    except PolicyError as error:
        for problem in error.problems:
            print(printable(str(problem)), file=sys.stderr)
        print(
            f"ownit: {printable(shown)} is not a valid policy; fix it first (ownit policy check)",
            file=sys.stderr,
        )
        return EXIT_POLICY
    except OSError as error:
        raise UsageError(f"{shown}: cannot read: {error.strerror or error}") from None
    source = shown if policy_path else "built-in defaults (no .ownit.yaml)"
    explained = explain_path(policy, toplevel or Path.cwd(), relative)
    exclusion, effective = explained.excluded_because, explained.effective
    matches, codeowners = explained.matches, explained.codeowners
    if args.json:
        data: dict[str, Any] = {
            "path": relative,
            "policy": source,
            "excluded": exclusion is not None,
            "excludedBecause": exclusion,
            "rules": [
                {
                    "name": match.rule,
                    "index": match.index,
                    "pattern": match.pattern,
                    "line": match.line,
                    "sets": list(match.sets),
                }
                for match in matches
            ],
            "effective": effective.to_json(),
            "codeowners": list(codeowners),
            "allowedSigners": policy.allowed_signers,
            "aiCommitPatterns": [pattern.to_json() for pattern in policy.ai_commit_patterns],
            "purposes": list(policy.purposes),
        }
        _print_json(data)
        return EXIT_OK
    print(printable(f"{relative}  (policy: {source})"))
    if exclusion:
        print(printable(f"  excluded: {exclusion} — ownit does not track AI code here"))
    if matches:
        print("  rules that apply, in order (the last one wins for each key it sets):")
        for match in matches:
            where = f", line {match.line}" if match.line else ""
            sets = ", ".join(match.sets) or "nothing"
            print(
                printable(
                    f"    {match.index + 1}. '{match.rule}' via '{match.pattern}'{where}"
                    f" — sets {sets}"
                )
            )
    else:
        print("  no rule matches: the defaults apply")
    print("  requires:")
    # One sentence per setting, in SETTING_KEYS order; a group's origin is its first key's.
    from ownit.core.policy.model import SETTING_KEYS

    first_of = {"rationale": "rationale.min_chars", "sources": "sources.count"}
    keys = [first_of.get(key, key) for key in SETTING_KEYS]
    for key, line in zip(keys, effective.requirements(), strict=True):
        print(printable(f"    {line}   [{effective.origin(key)}]"))
    if effective.signatures.value != "off":
        print(
            printable(
                f"    signing keys: {policy.allowed_signers} (ssh) and .ownit/openpgp/*.asc"
                " (openpgp), as the base of the checked range has them"
            )
        )
    if effective.codeowner:
        listed = ", ".join(codeowners) if codeowners else "nobody"
        location = explained.codeowners_location or "no CODEOWNERS file"
        print(printable(f"    CODEOWNERS ({location}) lists: {listed}"))
    if effective.forbids_ai:
        print(printable(f"  AI-written code is not allowed here: {effective.forbidden_reason()}"))
    if policy.purposes:
        print(printable(f"  purposes a claim may give (--purpose): {', '.join(policy.purposes)}"))
    else:
        print("  purposes a claim may give (--purpose): any short text (no purposes: list)")
    _print_ai_patterns(policy.ai_commit_patterns)
    return EXIT_OK


def _print_ai_patterns(patterns: Sequence[AiCommitPattern]) -> None:
    """The ai_commit_patterns in force, one line each: name, what it matches, the tool
    (and how the model is read), the evidence class."""
    from ownit.core.printable import printable

    if not patterns:
        print("  AI-assisted commits: no ai_commit_patterns (only ownit's own trailers count)")
        return
    print(
        "  AI-assisted commits (ai_commit_patterns, in order; the first corroborated match"
        " names the tool):"
    )
    for pattern in patterns:
        tool = pattern.tool or "the tool the value names"
        if pattern.read:
            tool += f" (read: {pattern.read})"
        print(
            printable(
                f"    {pattern.name}: {pattern.looks_at} {pattern.match.text} → {tool}"
                f" [{pattern.evidence}]"
            )
        )


def _relative_path(raw: str, toplevel: Path | None) -> str:
    """``raw`` relative to the repository's top level (or the cwd outside git), with ``/``."""
    if toplevel is None:
        try:
            return Path(os.path.abspath(raw)).relative_to(Path.cwd()).as_posix()
        except ValueError:
            raise UsageError(f"{raw} is outside the current directory") from None
    from ownit.git.repo import find_repository

    repo = find_repository(toplevel)
    if repo is None:  # pragma: no cover - toplevel came from a repository
        raise UsageError(f"{toplevel} is no longer a git repository")
    try:
        return repo.relpath(raw)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _print_json(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")
